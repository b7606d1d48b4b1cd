package org.towerlab.modules.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.api.random.Seeds;

/** Sizes, options and invariants of each protocol on small hand-made and random data sets. */
class ProtocolTest {
  private static final Dataset RANDOM = Fixtures.randomRatings(200, 80, 30, 11);

  private static int positives(InteractionLog log) {
    int n = 0;
    for (float p : log.label("positive")) {
      n += (int) p;
    }
    return n;
  }

  @Test
  void perUserRatio_defaults_splitsEachUser811WithTrainNonEmpty() {
    Split s = new PerUserRatio(PerUserRatioConfig.defaults()).split(RANDOM, new Seeds(3));

    assertThat(s.train().size() + s.valid().size() + s.test().size()).isEqualTo(RANDOM.log().size());
    assertThat((double) s.train().size() / RANDOM.log().size()).isBetween(0.75, 0.85);
    Map<Integer, int[]> perUser = new HashMap<>();
    InteractionLog[] parts = {s.train(), s.valid(), s.test()};
    for (int p = 0; p < 3; p++) {
      for (int q : parts[p].queries()) {
        perUser.computeIfAbsent(q, k -> new int[3])[p]++;
      }
    }
    perUser.forEach((q, c) -> {
      int n = c[0] + c[1] + c[2];
      assertThat(c[0]).as("train rows of user %d", q).isPositive();
      assertThat(c).isEqualTo(ProtocolSupport.splitCounts(n, new double[] {0.8, 0.1, 0.1}));
    });
    assertThat(s.positiveLabel()).isEqualTo("positive");
    assertThat(s.hasLogged()).as("MovieLens logs interactions only").isFalse();
    assertThat(s.settings()).containsEntry("rows.train", s.train().size()).containsEntry("k-core", 0)
        .containsEntry("min-rating", "none").containsEntry("label", "rating");
  }

  @Test
  void splitCounts_smallGroups_matchRecBole() {
    double[] r = {0.8, 0.1, 0.1};
    assertThat(ProtocolSupport.splitCounts(1, r)).containsExactly(1, 0, 0);
    assertThat(ProtocolSupport.splitCounts(2, r)).containsExactly(1, 0, 1);
    assertThat(ProtocolSupport.splitCounts(3, r)).containsExactly(1, 1, 1);
    assertThat(ProtocolSupport.splitCounts(10, r)).containsExactly(8, 1, 1);
    assertThat(ProtocolSupport.splitCounts(25, r)).containsExactly(21, 2, 2);
  }

  @Test
  void perUserRatio_sameSeed_sameSplitAndOtherSeedDiffers() {
    Split a = new PerUserRatio(PerUserRatioConfig.defaults()).split(RANDOM, new Seeds(3));
    Split b = new PerUserRatio(PerUserRatioConfig.defaults()).split(RANDOM, new Seeds(3));
    Split c = new PerUserRatio(PerUserRatioConfig.defaults()).split(RANDOM, new Seeds(4));

    assertThat(a.test().items()).isEqualTo(b.test().items());
    assertThat(a.test().items()).isNotEqualTo(c.test().items());
  }

  @Test
  void perUserRatio_minRating_keepsOnlyRowsAtOrAboveIt() {
    Split s = new PerUserRatio(new PerUserRatioConfig(4.0, null, null, null, null)).split(RANDOM, new Seeds(3));

    int expected = 0;
    for (float r : RANDOM.log().label("rating")) {
      expected += r >= 4 ? 1 : 0;
    }
    assertThat(s.train().size() + s.valid().size() + s.test().size()).isEqualTo(expected);
    for (InteractionLog part : List.of(s.train(), s.valid(), s.test())) {
      for (float r : part.label("rating")) {
        assertThat(r).isGreaterThanOrEqualTo(4f);
      }
      assertThat(positives(part)).isEqualTo(part.size());
    }
  }

  @Test
  void kCore_result_everyUserAndItemHasAtLeastKPositives() {
    int k = 5;
    Split s = new PerUserRatio(new PerUserRatioConfig(3.0, null, k, null, null)).split(RANDOM, new Seeds(3));

    Map<Integer, Integer> users = new HashMap<>();
    Map<Integer, Integer> items = new HashMap<>();
    for (InteractionLog part : List.of(s.train(), s.valid(), s.test())) {
      for (int r = 0; r < part.size(); r++) {
        users.merge(part.queries()[r], 1, Integer::sum);
        items.merge(part.items()[r], 1, Integer::sum);
      }
    }
    assertThat(users).isNotEmpty();
    assertThat(users.values()).allMatch(c -> c >= k);
    assertThat(items.values()).allMatch(c -> c >= k);
    assertThat(users.size()).isLessThan(RANDOM.numQueries()); // the filter did drop someone
  }

  @Test
  void kCore_chain_isIterative() {
    // Item 2 has only user 1; removing it leaves user 1 with one positive, so user 1 goes too.
    Dataset d = Fixtures.ratings(3, 3, new int[] {0, 0, 2, 2, 1, 1}, new int[] {0, 1, 0, 1, 0, 2},
        new long[6], new float[] {5, 5, 5, 5, 5, 5});
    int[] rows = ProtocolSupport.kCore(d, new int[] {0, 1, 2, 3, 4, 5}, new float[] {1, 1, 1, 1, 1, 1}, 2);

    assertThat(rows).containsExactly(0, 1, 2, 3);
  }

  @Test
  void leaveLastOut_users_lastToTestSecondLastToValid() {
    Dataset d = Fixtures.ratings(2, 5, new int[] {0, 0, 0, 0, 1, 1}, new int[] {0, 1, 2, 3, 4, 0},
        new long[] {40, 10, 30, 20, 5, 6}, new float[] {5, 5, 5, 5, 5, 5});

    Split s = new LeaveLastOut(new LeaveLastOutConfig(null, null, null, null, null)).split(d, new Seeds(1));

    assertThat(s.test().items()).containsExactly(0); // user 0's latest (t=40)
    assertThat(s.valid().items()).containsExactly(2); // t=30
    assertThat(s.train().items()).containsExactly(1, 3, 4, 0); // user 1 has < 3 positives: all train
  }

  /** User 0: t=1, 2, then items 2, 3, 4 all at t=9 (a burst); user 1: t=1, 2, 3 without ties. */
  private static final Dataset TIES = Fixtures.ratings(2, 6, new int[] {0, 0, 0, 0, 0, 1, 1, 1},
      new int[] {0, 1, 2, 3, 4, 5, 0, 1}, new long[] {1, 2, 9, 9, 9, 1, 2, 3}, new float[] {5, 5, 5, 5, 5, 5, 5, 5});

  private static Split leaveLastOut(String ties, long seed) {
    return new LeaveLastOut(new LeaveLastOutConfig(null, null, null, null, ties)).split(TIES, new Seeds(seed));
  }

  @Test
  void leaveLastOut_tiesDefault_fileOrderAsBefore() {
    Split s = leaveLastOut(null, 1);
    assertThat(s.test().items()).containsExactly(4, 1); // the burst's last row in the file
    assertThat(s.valid().items()).containsExactly(3, 0);
    assertThat(s.settings()).containsEntry("ties", "file-order").containsEntry("ties.users", 1);
    assertThat(leaveLastOut("file-order", 2).test().items()).containsExactly(4, 1);
  }

  @Test
  void leaveLastOut_tiesRandom_seededOrderWithinTheBurstOnly() {
    java.util.Set<List<Integer>> held = new java.util.HashSet<>();
    for (long seed = 1; seed <= 30; seed++) {
      Split s = leaveLastOut("random", seed);
      int test = s.test().items()[0];
      int valid = s.valid().items()[0];
      assertThat(List.of(test, valid)).as("seed %d", seed).allSatisfy(i -> assertThat(i).isIn(2, 3, 4));
      assertThat(s.test().items()[1]).isEqualTo(1); // user 1 has no ties
      assertThat(leaveLastOut("random", seed).test().items()).as("same seed, same split")
          .containsExactly(s.test().items());
      held.add(List.of(test, valid));
    }
    assertThat(held.size()).as("orders drawn over 30 seeds").isGreaterThan(3);
    assertThat(leaveLastOut("random", 1).settings()).containsEntry("seed-stream", "data.split.ties");
  }

  @Test
  void leaveLastOut_tiesDrop_userWhoseHeldOutRowsTieStaysInTrain() {
    Split s = leaveLastOut("drop", 1);
    assertThat(s.test().queries()).containsExactly(1);
    assertThat(s.valid().queries()).containsExactly(1);
    assertThat(s.train().size()).isEqualTo(5 + 1);
    assertThat(s.settings()).containsEntry("ties.users", 1);
  }

  @Test
  void leaveLastOut_unknownTieRule_rejectedNamingTheRules() {
    assertThatThrownBy(() -> new LeaveLastOutConfig(null, null, null, null, "first"))
        .hasMessageContaining("'first'").hasMessageContaining("file-order, random, drop");
  }

  @Test
  void globalTemporal_cut_partsFollowTimestampQuantiles() {
    Split s = new GlobalTemporal(new GlobalTemporalConfig(null, null, null, null, 0.5, 0.75)).split(RANDOM, new Seeds(1));

    long tv = ((Number) s.settings().get("valid-start.timestamp")).longValue();
    long tt = ((Number) s.settings().get("test-start.timestamp")).longValue();
    assertThat(java.util.Arrays.stream(s.train().timestamps()).max().orElseThrow()).isLessThan(tv);
    assertThat(java.util.Arrays.stream(s.valid().timestamps()).min().orElseThrow()).isGreaterThanOrEqualTo(tv);
    assertThat(java.util.Arrays.stream(s.valid().timestamps()).max().orElseThrow()).isLessThan(tt);
    assertThat(java.util.Arrays.stream(s.test().timestamps()).min().orElseThrow()).isGreaterThanOrEqualTo(tt);
    assertThat((double) s.train().size() / RANDOM.log().size()).isBetween(0.45, 0.55);
  }

  @Test
  void globalTemporalConfig_invertedQuantiles_rejectedWithValues() {
    assertThatThrownBy(() -> new GlobalTemporalConfig(null, null, null, null, 0.9, 0.8))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0.9").hasMessageContaining("0.8");
  }

  @Test
  void ctr_ratings_binarizesAboveThreeAndDropsThrees() {
    Split s = new Ctr(CtrConfig.defaults()).split(RANDOM, new Seeds(2));

    int threes = 0;
    for (float r : RANDOM.log().label("rating")) {
      threes += r == 3f ? 1 : 0;
    }
    assertThat(s.hasLoggedNegatives()).isTrue();
    int logged = s.logged("train").size() + s.logged("valid").size() + s.logged("test").size();
    assertThat(logged).isEqualTo(RANDOM.log().size() - threes);
    for (InteractionLog part : List.of(s.train(), s.valid(), s.test())) {
      assertThat(part.label("positive")).as("positive rows of ctr").containsOnly(1f);
    }
    for (InteractionLog part : List.of(s.logged("train"), s.logged("valid"), s.logged("test"))) {
      for (int r = 0; r < part.size(); r++) {
        float rating = part.label("rating")[r];
        assertThat(rating).isNotEqualTo(3f);
        assertThat(part.label("positive")[r]).isEqualTo(rating > 3 ? 1f : 0f);
      }
    }
    assertThat(s.logged("train").label("positive")).contains(0f, 1f);
    assertThat((double) s.logged("test").size() / logged).isBetween(0.09, 0.11);
    assertThat(s.settings()).containsEntry("threshold", 3.0).containsEntry("drop-equal", true);
  }

  @Test
  void ctr_keepEqual_marksThreesNegative() {
    Split s = new Ctr(new CtrConfig(null, null, null, null, null, false, null, null)).split(RANDOM, new Seeds(2));

    assertThat(s.logged("train").size() + s.logged("valid").size() + s.logged("test").size())
        .isEqualTo(RANDOM.log().size());
  }

  @Test
  void ctr_simulator_usesClicksAsLabelAndKeepsNonClicks() {
    Dataset sim = new Simulator(SimulatorConfig.of(100, 50, 10, 5L), 5L).load();

    Split s = new Ctr(CtrConfig.defaults()).split(sim, new Seeds(2));

    assertThat(s.settings()).containsEntry("label", "click").containsEntry("threshold", 0.5);
    assertThat(s.logged("train").size() + s.logged("valid").size() + s.logged("test").size())
        .isEqualTo(sim.log().size());
    InteractionLog train = s.logged("train");
    for (int r = 0; r < train.size(); r++) {
      assertThat(train.label("positive")[r]).isEqualTo(train.label("click")[r]);
    }
  }

  @Test
  void perUserRatio_simulator_keepsOnlyClickedRows() {
    Dataset sim = new Simulator(SimulatorConfig.of(100, 50, 10, 5L), 5L).load();

    Split s = new PerUserRatio(PerUserRatioConfig.defaults()).split(sim, new Seeds(2));

    assertThat(s.train().label("click")).containsOnly(1f);
    assertThat(s.test().label("click")).containsOnly(1f);
  }

  @Test
  void perUserRatio_simulator_loggedRowsAddNonClicks_positivesSplitAsWithoutExposures() {
    Dataset sim = new Simulator(SimulatorConfig.of(100, 50, 10, 5L), 5L).load();
    InteractionLog log = sim.log();
    Dataset noExposure = new Dataset(sim.name(), sim.queryKind(), sim.schema(), sim.queryFeatures(),
        sim.itemFeatures(), new InteractionLog(log.queries(), log.items(), log.timestamps(), log.labels(), null,
            log.positions(), log.propensities()), sim.itemCategory(), sim.files(), null);

    Split with = new PerUserRatio(PerUserRatioConfig.defaults()).split(sim, new Seeds(2));
    Split without = new PerUserRatio(PerUserRatioConfig.defaults()).split(noExposure, new Seeds(2));

    assertThat(without.hasLogged()).isFalse();
    assertThat(with.hasLoggedNegatives()).isTrue();
    for (String part : Split.PARTS) {
      assertThat(with.part(part).queries()).isEqualTo(without.part(part).queries());
      assertThat(with.part(part).items()).isEqualTo(without.part(part).items());
      InteractionLog logged = with.logged(part);
      int clicks = 0;
      for (float c : logged.label("click")) {
        clicks += c > 0 ? 1 : 0;
      }
      assertThat(clicks).as("positives of %s inside its logged rows", part).isEqualTo(with.part(part).size());
    }
    int total = 0;
    for (String part : Split.PARTS) {
      total += with.logged(part).size();
    }
    assertThat(total).isEqualTo(log.size());
  }

  @Test
  void protocols_candidateNeverShown_isNeverAPositiveEvenWithALabel() {
    // item 3 was only considered (exposed = false) but carries click = 1: no feedback, no positive
    Dataset d = Fixtures.ratings(1, 4, new int[] {0, 0, 0, 0}, new int[] {0, 1, 2, 3}, new long[] {1, 2, 3, 4},
        new float[] {1, 1, 1, 1});
    InteractionLog log = d.log();
    Dataset shownOnce = new Dataset("fixture", d.queryKind(), d.schema(), d.queryFeatures(), d.itemFeatures(),
        new InteractionLog(log.queries(), log.items(), log.timestamps(), Map.of("click", new float[] {1, 1, 1, 1}),
            new boolean[] {true, true, true, false}, null, null), null, Map.of(), null);

    for (Split s : List.of(new PerUserRatio(PerUserRatioConfig.defaults()).split(shownOnce, new Seeds(1)),
        new Ctr(CtrConfig.defaults()).split(shownOnce, new Seeds(1)),
        new LeaveLastOut(new LeaveLastOutConfig(null, null, null, null, null)).split(shownOnce, new Seeds(1)))) {
      int positives = 0;
      int logged = 0;
      for (String part : Split.PARTS) {
        assertThat(s.part(part).items()).as(s.protocol()).doesNotContain(3);
        positives += s.part(part).size();
        logged += s.logged(part).size();
      }
      assertThat(positives).as(s.protocol()).isEqualTo(3);
      assertThat(logged).as(s.protocol()).isEqualTo(4);
    }
  }

  @Test
  void ctr_implicitData_throwsUserException() {
    Dataset implicit = new Dataset("implicit", RANDOM.queryKind(), RANDOM.schema(), RANDOM.queryFeatures(),
        RANDOM.itemFeatures(), new InteractionLog(RANDOM.log().queries(), RANDOM.log().items(),
            RANDOM.log().timestamps(), Map.of(), null, null, null), null, Map.of(), null);

    assertThatThrownBy(() -> new Ctr(CtrConfig.defaults()).split(implicit, new Seeds(1)))
        .isInstanceOf(UserException.class).hasMessageContaining("implicit");
  }

  @Test
  void label_unknown_throwsUserExceptionListingLabels() {
    assertThatThrownBy(() -> new PerUserRatio(new PerUserRatioConfig(null, "stars", null, null, null))
        .split(RANDOM, new Seeds(1))).isInstanceOf(UserException.class).hasMessageContaining("stars")
        .hasMessageContaining("[rating]");
  }

  @Test
  void perUserRatioConfig_badRatios_rejectedWithValue() {
    assertThatThrownBy(() -> new PerUserRatioConfig(null, null, null, null, List.of(0.8, 0.2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0.8, 0.2]");
    assertThatThrownBy(() -> new PerUserRatioConfig(null, null, -2, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-2");
  }
}

package org.towerlab.modules.metarelated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.api.random.Seeds;
import org.towerlab.api.testkit.TinyData;
import org.towerlab.modules.datasets.Simulator;
import org.towerlab.modules.datasets.SimulatorConfig;

class RelatedTemporalTest {
  private static final RelevanceConfig GENRES =
      new RelevanceConfig(List.of(RelevanceTermConfig.of("jaccard", "genres", 1.0)), 0.5);

  private static Dataset pairs() {
    return new CoEngagement(RelatedFixtures.config(2, true, "shown", GENRES, null),
        RelatedFixtures.source(RelatedFixtures.users()), "$.data").load();
  }

  private static RelatedTemporalConfig config(Double minRelevance, Boolean relabelValid) {
    return new RelatedTemporalConfig(0.5, 0.75, null, null, minRelevance, relabelValid, null);
  }

  private static List<long[]> rows(InteractionLog log) {
    List<long[]> out = new ArrayList<>();
    for (int r = 0; r < log.size(); r++) {
      out.add(new long[] {log.queries()[r], log.items()[r], log.timestamps()[r], (long) log.label("positive")[r]});
    }
    return out;
  }

  @Test
  void split_handPairs_cutInTimeByTheLaterEvent() {
    // engaged stamps 20 20 25 25 40 40 50 50: valid from the 50% quantile (40), test from 75% (50)
    Split s = new RelatedTemporal(config(null, null)).split(pairs(), new Seeds(1));

    assertThat(rows(s.train())).containsExactly(new long[] {0, 1, 20, 1}, new long[] {1, 0, 20, 1},
        new long[] {4, 5, 25, 1}, new long[] {5, 4, 25, 1});
    assertThat(rows(s.valid())).containsExactly(new long[] {1, 3, 40, 1}, new long[] {3, 1, 40, 1});
    assertThat(rows(s.test())).containsExactly(new long[] {3, 1, 50, 1}, new long[] {1, 3, 50, 1});
    // the shown-but-not-engaged pairs are logged rows of their part
    assertThat(rows(s.logged("train"))).filteredOn(r -> r[3] == 0)
        .containsExactly(new long[] {0, 2, 30, 0}, new long[] {1, 2, 30, 0});
    assertThat(rows(s.logged("test"))).filteredOn(r -> r[3] == 0).containsExactly(new long[] {1, 2, 50, 0});
    assertThat(s.hasLoggedNegatives()).isTrue();
    assertThat(s.settings()).containsEntry("exclude-seen", false).containsEntry("valid-start.timestamp", 40L)
        .containsEntry("test-start.timestamp", 50L).containsEntry("relabel.demoted", 0);
    assertThat(s.protocol()).isEqualTo("related-temporal");
  }

  @Test
  void split_relabelling_demotesEngagedButIrrelevantTrainingPairsOnly() {
    // genres jaccard: (0, 1) 1/2, (4, 5) 1, (1, 3) 1/3; min-relevance 0.6
    Split s = new RelatedTemporal(config(0.6, null)).split(pairs(), new Seeds(1));

    assertThat(rows(s.train())).containsExactly(new long[] {4, 5, 25, 1}, new long[] {5, 4, 25, 1});
    assertThat(rows(s.logged("train"))).filteredOn(r -> r[3] == 0).containsExactly(new long[] {0, 1, 20, 0},
        new long[] {1, 0, 20, 0}, new long[] {0, 2, 30, 0}, new long[] {1, 2, 30, 0});
    // the engagement label itself is kept beside the relabelled positive
    assertThat(s.logged("train").label(CoEngagement.ENGAGEMENT)).containsExactly(1, 1, 1, 1, 0, 0);
    // valid and test keep the engagement target (1/3 < 0.6 is still a positive there)
    assertThat(rows(s.valid())).containsExactly(new long[] {1, 3, 40, 1}, new long[] {3, 1, 40, 1});
    assertThat(s.settings()).containsEntry("relabel.demoted", 2).containsEntry("min-relevance", 0.6);

    Split both = new RelatedTemporal(config(0.6, true)).split(pairs(), new Seeds(1));
    assertThat(both.valid().size()).isZero();
    assertThat(both.settings()).containsEntry("relabel.demoted", 4);
  }

  @Test
  void relabel_randomLabels_neverAddsAPositive() {
    SplittableRandom rng = new SplittableRandom(3);
    for (int trial = 0; trial < 50; trial++) {
      int n = 200;
      float[] positive = new float[n];
      float[] relevance = new float[n];
      boolean[] in = new boolean[n];
      for (int r = 0; r < n; r++) {
        positive[r] = rng.nextInt(3) == 0 ? 0f : 1f;
        relevance[r] = (float) rng.nextDouble();
        in[r] = rng.nextBoolean();
      }
      double min = rng.nextDouble();
      float[] out = RelatedTemporal.relabel(positive, relevance, min, in);
      int before = 0;
      int after = 0;
      for (int r = 0; r < n; r++) {
        before += positive[r] > 0 ? 1 : 0;
        after += out[r] > 0 ? 1 : 0;
        assertThat(out[r] <= positive[r]).as("row %d may only lose its positive", r).isTrue();
        assertThat(out[r]).isEqualTo(positive[r] > 0 && (!in[r] || relevance[r] >= min) ? 1f : 0f);
      }
      assertThat(after).isLessThanOrEqualTo(before);
    }
  }

  @Test
  void split_minRelevanceZero_sameAsNoRelabelling() {
    Split plain = new RelatedTemporal(config(null, null)).split(pairs(), new Seeds(1));
    Split zero = new RelatedTemporal(config(0.0, null)).split(pairs(), new Seeds(1));

    assertThat(rows(zero.train())).containsExactlyElementsOf(rows(plain.train()));
    assertThat(rows(zero.logged("train"))).containsExactlyElementsOf(rows(plain.logged("train")));
  }

  @Test
  void split_simulatorPairs_everyTrainingPairIsBuiltFromTwoEventsBeforeTheCut() {
    SimulatorConfig sc = SimulatorConfig.of(300, 60, 20, 5L);
    Simulator sim = new Simulator(sc, 5L);
    Dataset users = sim.load();
    CoEngagementConfig c = new CoEngagementConfig(sc, null, null, null, 3, null, true, null, null, null, null);
    Dataset data = new CoEngagement(c, sim, "$.data").load();
    Split s = new RelatedTemporal(RelatedTemporalConfig.defaults()).split(data, new Seeds(1));
    long cut = (Long) s.settings().get("valid-start.timestamp");

    // the clicked events of every item: user -> times
    Map<Integer, Map<Integer, List<Long>>> clicks = new HashMap<>();
    InteractionLog log = users.log();
    for (int r = 0; r < log.size(); r++) {
      if (log.label("click")[r] > 0) {
        clicks.computeIfAbsent(log.items()[r], i -> new HashMap<>())
            .computeIfAbsent(log.queries()[r], u -> new ArrayList<>()).add(log.timestamps()[r]);
      }
    }
    InteractionLog train = s.train();
    assertThat(train.size()).isPositive();
    for (int r = 0; r < train.size(); r++) {
      long t = train.timestamps()[r];
      assertThat(t).isLessThan(cut);
      int a = train.queries()[r];
      int b = train.items()[r];
      // some user clicked both items, the later of the two at the pair's stamp t < cut
      boolean found = false;
      for (Map.Entry<Integer, List<Long>> e : clicks.getOrDefault(a, Map.of()).entrySet()) {
        List<Long> tb = clicks.getOrDefault(b, Map.of()).get(e.getKey());
        if (tb == null) {
          continue;
        }
        for (long ta : e.getValue()) {
          for (long t2 : tb) {
            found |= Math.max(ta, t2) == t;
          }
        }
      }
      assertThat(found).as("training pair (%d, %d) at %d comes from one user's two clicks", a, b, t).isTrue();
    }
    for (String part : List.of("valid", "test")) {
      for (long t : s.part(part).timestamps()) {
        assertThat(t).isGreaterThanOrEqualTo(cut);
      }
    }
  }

  @Test
  void split_dataWithoutEngagementLabel_userErrorPointsToCoEngagement() {
    assertThatThrownBy(() -> new RelatedTemporal(RelatedTemporalConfig.defaults()).split(TinyData.dataset(),
        new Seeds(1))).isInstanceOf(UserException.class).hasMessageContaining("'engagement'")
        .hasMessageContaining("co-engagement");
  }

  @Test
  void config_badValues_rejectedWithTheValue() {
    assertThatThrownBy(() -> new RelatedTemporalConfig(0.9, 0.8, null, null, null, null, null))
        .hasMessageContaining("valid-start 0.9");
    assertThatThrownBy(() -> new RelatedTemporalConfig(null, null, null, null, 1.5, null, null))
        .hasMessageContaining("got 1.5");
  }
}

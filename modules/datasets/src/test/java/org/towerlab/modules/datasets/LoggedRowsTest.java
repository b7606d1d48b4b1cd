package org.towerlab.modules.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Protocol;
import org.towerlab.api.data.Split;
import org.towerlab.api.random.Seeds;

/**
 * The logged rows of every protocol on every log that has them (single-stage simulator, cascade
 * simulator, a Coat-like rating log with exposures): a superset of the positives per part, no row
 * in two parts, every input row accounted for, candidates never shown never positive, and the
 * positives' split exactly the one the protocol makes without the extra rows. Rows are tracked by a
 * {@code row} label holding their index in the input log.
 */
class LoggedRowsTest {
  private static final Dataset SINGLE = withRowLabel(new Simulator(SimulatorConfig.of(150, 60, 12, 4L), 4L).load());
  private static final Dataset CASCADE = withRowLabel(new Simulator(SimulatorConfig.cascade(150, 80,
      new SimulatorCascadeConfig(3.0, 30, 10, null, null, null, null, 200), 4L), 4L).load());
  private static final Dataset COAT_LIKE = withRowLabel(coatLike());

  private static final Protocol PER_USER = new PerUserRatio(PerUserRatioConfig.defaults());
  private static final Protocol PER_REQUEST = new PerUserRatio(new PerUserRatioConfig(null, null, null, null, null,
      "request"));
  private static final Protocol LAST_OUT = new LeaveLastOut(new LeaveLastOutConfig(null, null, null, null, null));
  private static final Protocol TEMPORAL = new GlobalTemporal(new GlobalTemporalConfig(null, null, null, null, null,
      null));
  private static final Protocol CTR = new Ctr(CtrConfig.defaults());
  private static final Protocol CTR_TIME = new Ctr(new CtrConfig(null, null, null, null, null, null, true, null));
  private static final Protocol COAT = new CoatRandomTest(CoatRandomTestConfig.defaults());

  /** A rating log with exposures and a {@code random} label, as Coat has. */
  private static Dataset coatLike() {
    Dataset d = Fixtures.randomRatings(80, 40, 20, 8);
    InteractionLog log = d.log();
    SplittableRandom rng = new SplittableRandom(3);
    float[] random = new float[log.size()];
    for (int r = 0; r < random.length; r++) {
      random[r] = rng.nextInt(3) == 0 ? 1f : 0f;
    }
    boolean[] exposed = new boolean[log.size()];
    Arrays.fill(exposed, true);
    InteractionLog withExposure = new InteractionLog(log.queries(), log.items(), log.timestamps(), log.labels(), exposed,
        null, null).withLabel("random", random);
    return copy(d, "coat-like", withExposure);
  }

  private static Dataset copy(Dataset d, String name, InteractionLog log) {
    return new Dataset(name, d.queryKind(), d.schema(), d.queryFeatures(), d.itemFeatures(), log, d.itemCategory(),
        d.files(), d.groundTruth());
  }

  private static Dataset withRowLabel(Dataset d) {
    float[] row = new float[d.log().size()];
    for (int r = 0; r < row.length; r++) {
      row[r] = r;
    }
    return copy(d, d.name() + (d.log().stages() != null ? "-cascade" : ""), d.log().withLabel("row", row));
  }

  private static Set<Integer> rows(InteractionLog part) {
    Set<Integer> out = new HashSet<>();
    for (float r : part.label("row")) {
      assertThat(out.add((int) r)).as("row %d twice in one part", (int) r).isTrue();
    }
    return out;
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Dataset d : List.of(SINGLE, CASCADE, COAT_LIKE)) {
      for (Protocol p : List.of(PER_USER, LAST_OUT, TEMPORAL, CTR, CTR_TIME)) {
        out.add(Arguments.of(p.name() + (p == CTR_TIME ? "-temporal" : ""), p, d));
      }
    }
    out.add(Arguments.of("per-user-ratio-request", PER_REQUEST, CASCADE));
    out.add(Arguments.of("coat-random-test", COAT, COAT_LIKE));
    return out.stream();
  }

  @ParameterizedTest(name = "{0} on {2}")
  @MethodSource("cases")
  void split_loggedRows_supersetOfPositivesDisjointAndComplete(String name, Protocol protocol, Dataset data) {
    Split s = protocol.split(data, new Seeds(5));
    InteractionLog log = data.log();

    assertThat(s.hasLogged()).isTrue();
    Set<Integer> seen = new HashSet<>();
    int total = 0;
    for (String part : Split.PARTS) {
      Set<Integer> positives = rows(s.part(part));
      Set<Integer> logged = rows(s.logged(part));
      assertThat(logged).as("%s logged rows contain its positives", part).containsAll(positives);
      InteractionLog l = s.logged(part);
      Set<Integer> loggedPositives = new HashSet<>();
      for (int r = 0; r < l.size(); r++) {
        int row = (int) l.label("row")[r];
        if (l.label("positive")[r] > 0) {
          loggedPositives.add(row);
          assertThat(log.exposed()[row]).as("positive row %d was shown", row).isTrue();
        }
      }
      assertThat(loggedPositives).as("%s: the logged rows labelled positive are the positives", part)
          .isEqualTo(positives);
      for (int row : logged) {
        assertThat(seen.add(row)).as("row %d in two parts", row).isTrue();
      }
      assertThat(s.settings()).containsEntry("logged." + part, l.size());
      total += l.size();
    }
    if (!name.startsWith("ctr") || data == SINGLE || data == CASCADE) {
      // click logs (threshold 0.5) drop nothing; the retrieval protocols keep every logged row
      assertThat(total).as("every input row is a logged row of one part").isEqualTo(log.size());
    }
    if (log.stages() != null) {
      assertThat(s.hasLoggedNegatives()).isTrue();
      assertThat(Arrays.stream(s.logged("train").stages()).distinct().sorted().toArray()).containsExactly(0, 1, 2);
    }
  }

  static Stream<Arguments> retrieval() {
    return cases().filter(a -> List.of("per-user-ratio", "leave-last-out", "global-temporal")
        .contains((String) a.get()[0]));
  }

  @ParameterizedTest(name = "{0} on {2}")
  @MethodSource("retrieval")
  void split_positives_sameAsWithoutLoggedRows(String name, Protocol protocol, Dataset data) {
    InteractionLog log = data.log();
    Dataset interactionsOnly = copy(data, data.name(), new InteractionLog(log.queries(), log.items(), log.timestamps(),
        log.labels(), null, null, null));

    Split with = protocol.split(data, new Seeds(5));
    Split without = protocol.split(interactionsOnly, new Seeds(5));

    assertThat(without.hasLogged()).isFalse();
    for (String part : Split.PARTS) {
      assertThat(with.part(part).label("row")).as(part).isEqualTo(without.part(part).label("row"));
    }
  }

  static Stream<Arguments> ctr() {
    return Stream.of(Arguments.of("ctr", CTR), Arguments.of("ctr-temporal", CTR_TIME));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ctr")
  void ctr_unexposedCandidates_leaveTheShownRowsSplitUnchanged(String name, Protocol protocol) {
    Dataset shownOnly = copy(CASCADE, "shown", CASCADE.log().filter(CASCADE.log().exposed()));

    Split with = protocol.split(CASCADE, new Seeds(5));
    Split without = protocol.split(shownOnly, new Seeds(5));

    for (String part : Split.PARTS) {
      assertThat(with.part(part).label("row")).as(part).isEqualTo(without.part(part).label("row"));
      assertThat(with.logged(part).filter(with.logged(part).exposed()).label("row")).as(part)
          .isEqualTo(without.logged(part).label("row"));
    }
    assertThat(with.settings()).containsEntry("rows.unexposed", CASCADE.log().size() - shownOnly.log().size());
  }

  static Stream<Arguments> chronological() {
    return cases().filter(a -> List.of("leave-last-out", "global-temporal").contains((String) a.get()[0]));
  }

  @ParameterizedTest(name = "{0} on {2}")
  @MethodSource("chronological")
  void split_chronological_trainLoggedRowsNeverLaterThanTheUsersEvaluationRows(String name, Protocol protocol,
      Dataset data) {
    Split s = protocol.split(data, new Seeds(5));

    Map<Integer, Long> lastTrain = new HashMap<>();
    InteractionLog train = s.logged("train");
    for (int r = 0; r < train.size(); r++) {
      lastTrain.merge(train.queries()[r], train.timestamps()[r], Math::max);
    }
    int checked = 0;
    for (String part : List.of("valid", "test")) {
      InteractionLog l = s.logged(part);
      for (int r = 0; r < l.size(); r++) {
        Long last = lastTrain.get(l.queries()[r]);
        if (last != null) {
          assertThat(l.timestamps()[r]).as("user %d in %s", l.queries()[r], part).isGreaterThanOrEqualTo(last);
          checked++;
        }
      }
    }
    assertThat(checked).isPositive();
  }

  @Test
  void ctr_temporal_loggedRowsOfEachPartFollowInTime() {
    Split s = CTR_TIME.split(CASCADE, new Seeds(5));

    long trainMax = Arrays.stream(s.logged("train").timestamps()).max().orElseThrow();
    long validMin = Arrays.stream(s.logged("valid").timestamps()).min().orElseThrow();
    long validMax = Arrays.stream(s.logged("valid").timestamps()).max().orElseThrow();
    long testMin = Arrays.stream(s.logged("test").timestamps()).min().orElseThrow();
    assertThat(trainMax).isLessThanOrEqualTo(validMin);
    assertThat(validMax).isLessThanOrEqualTo(testMin);
  }

  @Test
  void perUserRatio_requestUnit_keepsEveryRequestWholeInOnePart() {
    Split s = PER_REQUEST.split(CASCADE, new Seeds(5));

    Map<Long, String> partOf = new HashMap<>();
    Map<Long, Integer> rowsOf = new HashMap<>();
    for (String part : Split.PARTS) {
      InteractionLog l = s.logged(part);
      for (int r = 0; r < l.size(); r++) {
        String before = partOf.putIfAbsent(l.requests()[r], part);
        assertThat(before == null || before.equals(part)).as("request %d in %s and %s", l.requests()[r], before, part)
            .isTrue();
        rowsOf.merge(l.requests()[r], 1, Integer::sum);
      }
    }
    assertThat(rowsOf.values()).as("all 30 candidates of each request").containsOnly(30);
    // per user, the request counts per part follow RecBole's rounding of the ratios
    Map<Integer, int[]> perUser = new HashMap<>();
    Map<Long, Integer> userOf = new HashMap<>();
    for (int r = 0; r < CASCADE.log().size(); r++) {
      userOf.put(CASCADE.log().requests()[r], CASCADE.log().queries()[r]);
    }
    partOf.forEach((req, part) -> perUser.computeIfAbsent(userOf.get(req), k -> new int[3])[Split.PARTS.indexOf(part)]++);
    perUser.forEach((u, c) -> assertThat(c).as("user %d", u)
        .isEqualTo(ProtocolSupport.splitCounts(c[0] + c[1] + c[2], new double[] {0.8, 0.1, 0.1})));
    assertThat(s.settings()).containsEntry("unit", "request").containsEntry("requests", partOf.size());
    assertThat(s.test().size()).isPositive();
  }

  @Test
  void perUserRatio_requestUnit_partOfARequestDoesNotDependOnLabels() {
    // The same log with the clicks of the shown rows shuffled: which request goes where must not
    // change (the assignment sees request ids and the seed, never labels).
    InteractionLog log = CASCADE.log();
    float[] click = log.label("click").clone();
    int[] shown = java.util.stream.IntStream.range(0, log.size()).filter(r -> log.exposed()[r]).toArray();
    SplittableRandom rng = new SplittableRandom(9);
    for (int k = shown.length - 1; k > 0; k--) {
      int j = rng.nextInt(k + 1);
      float t = click[shown[k]];
      click[shown[k]] = click[shown[j]];
      click[shown[j]] = t;
    }
    assertThat(click).isNotEqualTo(log.label("click"));
    Dataset relabelled = copy(CASCADE, CASCADE.name(), log.withLabel("click", click));

    Split a = PER_REQUEST.split(CASCADE, new Seeds(5));
    Split b = PER_REQUEST.split(relabelled, new Seeds(5));

    for (String part : Split.PARTS) {
      assertThat(b.logged(part).label("row")).as(part).isEqualTo(a.logged(part).label("row"));
    }
    assertThat(a.train().label("row")).isNotEqualTo(b.train().label("row")); // the positives did change
  }

  @Test
  void perUserRatio_requestUnit_sameSeedSameSplitOtherSeedDiffers() {
    Split a = PER_REQUEST.split(CASCADE, new Seeds(5));
    Split b = PER_REQUEST.split(CASCADE, new Seeds(5));
    Split c = PER_REQUEST.split(CASCADE, new Seeds(6));

    assertThat(a.logged("test").label("row")).isEqualTo(b.logged("test").label("row"));
    assertThat(a.logged("test").label("row")).isNotEqualTo(c.logged("test").label("row"));
  }

  @Test
  void perUserRatio_requestUnitWithoutRequestIds_throwsUserException() {
    assertThatThrownBy(() -> PER_REQUEST.split(SINGLE, new Seeds(1))).isInstanceOf(UserException.class)
        .hasMessageContaining("unit: request").hasMessageContaining("no request ids");
  }

  @Test
  void perUserRatioConfig_unknownUnit_rejectedWithValue() {
    assertThatThrownBy(() -> new PerUserRatioConfig(null, null, null, null, null, "session"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'session'");
  }
}

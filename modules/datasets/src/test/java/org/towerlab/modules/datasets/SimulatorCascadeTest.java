package org.towerlab.modules.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.InteractionLog;

/** The simulated three-stage logging system: structure of the log, determinism, and the truth. */
class SimulatorCascadeTest {
  private static final int USERS = 600;
  private static final int ITEMS = 300;
  private static final SimulatorCascadeConfig CASCADE = new SimulatorCascadeConfig(4.0, 60, 15, null, null, null,
      null, 4_000);
  private static final Dataset DATA = new Simulator(SimulatorConfig.cascade(USERS, ITEMS, CASCADE, 11L), 11L).load();
  private static final Simulator.Truth TRUTH = (Simulator.Truth) DATA.truth().orElseThrow();

  /** Row indices per request, in log order. */
  private static Map<Long, int[]> requests(InteractionLog log) {
    Map<Long, Columns.Ints> out = new LinkedHashMap<>();
    for (int r = 0; r < log.size(); r++) {
      out.computeIfAbsent(log.requests()[r], k -> new Columns.Ints()).add(r);
    }
    Map<Long, int[]> arrays = new LinkedHashMap<>();
    out.forEach((k, v) -> arrays.put(k, v.toArray()));
    return arrays;
  }

  @Test
  void load_everyRequest_hasNestedStagesOfConfiguredSizes() {
    InteractionLog log = DATA.log();
    Map<Long, int[]> requests = requests(log);

    assertThat(log.size()).isEqualTo(requests.size() * 60);
    assertThat(requests.keySet()).as("request ids number the requests 0..n-1 in time order")
        .containsExactlyElementsOf(java.util.stream.LongStream.range(0, requests.size()).boxed().toList());
    for (int[] rows : requests.values()) {
      int[] perStage = new int[3];
      Set<Integer> items = new HashSet<>();
      Set<Integer> positions = new HashSet<>();
      for (int r : rows) {
        perStage[log.stages()[r]]++;
        items.add(log.items()[r]);
        assertThat(log.queries()[r]).isEqualTo(log.queries()[rows[0]]);
        assertThat(log.timestamps()[r]).isEqualTo(log.timestamps()[rows[0]]);
        assertThat(log.exposed()[r]).isEqualTo(log.stages()[r] == 2);
        if (log.stages()[r] == 2) {
          positions.add(log.positions()[r]);
        } else {
          assertThat(log.positions()[r]).isEqualTo(-1);
        }
      }
      assertThat(rows[rows.length - 1] - rows[0]).as("a request's rows are contiguous").isEqualTo(rows.length - 1);
      assertThat(items).as("retrieval draws without replacement").hasSize(60);
      // shown (stage 2) within pre-ranked (stage >= 1) within retrieved (every row)
      assertThat(perStage[2]).isEqualTo(5);
      assertThat(perStage[1] + perStage[2]).isEqualTo(15);
      assertThat(perStage[0] + perStage[1] + perStage[2]).isEqualTo(60);
      assertThat(positions).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
    }
  }

  @Test
  void load_labels_orderedAndZeroOnRowsNotShown() {
    InteractionLog log = DATA.log();
    float[] click = log.label("click");
    float[] like = log.label("like");
    float[] share = log.label("share");
    int clicks = 0;
    int shown = 0;
    for (int r = 0; r < log.size(); r++) {
      assertThat(share[r] <= like[r] && like[r] <= click[r]).as("share => like => click at row %d", r).isTrue();
      if (!log.exposed()[r]) {
        assertThat(click[r]).as("row %d was not shown", r).isZero();
      } else {
        shown++;
        clicks += (int) click[r];
      }
    }
    assertThat(clicks).isStrictlyBetween(0, shown);
  }

  @Test
  void load_sameSeed_sameLogAndOtherSeedDiffers() {
    Dataset again = new Simulator(SimulatorConfig.cascade(USERS, ITEMS, CASCADE, 11L), 11L).load();
    Dataset other = new Simulator(SimulatorConfig.cascade(USERS, ITEMS, CASCADE, 12L), 12L).load();

    assertThat(again.log().items()).isEqualTo(DATA.log().items());
    assertThat(again.log().stages()).isEqualTo(DATA.log().stages());
    assertThat(again.log().label("click")).isEqualTo(DATA.log().label("click"));
    assertThat(again.log().propensities()).isEqualTo(DATA.log().propensities());
    assertThat(again.log().requests()).isEqualTo(DATA.log().requests());
    assertThat(other.log().items()).isNotEqualTo(DATA.log().items());
  }

  @Test
  void load_cascade_keepsTheWorldOfTheSingleStageSimulator() {
    Dataset single = new Simulator(SimulatorConfig.of(USERS, ITEMS, 20, 11L), 11L).load();

    assertThat(DATA.itemFeatures().dense("content")).isEqualTo(single.itemFeatures().dense("content"));
    assertThat(DATA.queryFeatures().categorical("segment")).isEqualTo(single.queryFeatures().categorical("segment"));
    for (int q = 0; q < 20; q++) {
      assertThat(TRUTH.relevance(q, q + 3)).isEqualTo(single.truth().orElseThrow().relevance(q, q + 3));
    }
  }

  @Test
  void load_propensityColumn_isTheTruthsExposurePropensity() {
    InteractionLog log = DATA.log();

    for (int r = 0; r < log.size(); r++) {
      double p = TRUTH.exposurePropensity(log.queries()[r], log.items()[r]);
      assertThat((double) log.propensities()[r]).isCloseTo(p, offset(1e-7));
      assertThat(p).isGreaterThan(0).isLessThanOrEqualTo(1);
      assertThat(TRUTH.stagePropensity(log.queries()[r], log.items()[r], 1)).isGreaterThanOrEqualTo(p);
    }
  }

  @Test
  void truth_stagePropensities_sumToStageSizesPerSegment() {
    // sum_i (c_i + 0.5) / (M + 1) = (size * M + 0.5 * items) / (M + 1) for each stage
    int m = CASCADE.propensitySamples();
    int[] sizes = {60, 15, 5};
    for (int stage = 0; stage < 3; stage++) {
      double sum = 0;
      for (int i = 0; i < ITEMS; i++) {
        sum += TRUTH.stagePropensity(0, i, stage);
      }
      assertThat(sum).isCloseTo((sizes[stage] * (double) m + 0.5 * ITEMS) / (m + 1), offset(1e-3));
    }
  }

  @Test
  void truth_exposurePropensity_matchesShownFrequencyInTheLog() {
    // The log's requests are independent draws of the same logging system the Monte Carlo ran:
    // per segment, the share of requests that showed an item estimates its exposure propensity.
    InteractionLog log = DATA.log();
    int[] segment = DATA.queryFeatures().categorical("segment");
    int segments = 4;
    double[][] shown = new double[segments][ITEMS];
    double[] requests = new double[segments];
    for (Map.Entry<Long, int[]> e : requests(log).entrySet()) {
      int g = segment[log.queries()[e.getValue()[0]]];
      requests[g]++;
      for (int r : e.getValue()) {
        if (log.exposed()[r]) {
          shown[g][log.items()[r]]++;
        }
      }
    }
    for (int g = 0; g < segments; g++) {
      int user = -1;
      for (int u = 0; u < USERS && user < 0; u++) {
        user = segment[u] == g ? u : -1;
      }
      assertThat(user).as("segment %d has a user", g).isNotNegative();
      double[] freq = new double[ITEMS];
      double[] prop = new double[ITEMS];
      double deviation = 0;
      for (int i = 0; i < ITEMS; i++) {
        freq[i] = shown[g][i] / requests[g];
        prop[i] = TRUTH.exposurePropensity(user, i);
        deviation += Math.abs(freq[i] - prop[i]);
      }
      assertThat(correlation(freq, prop)).as("segment %d", g).isGreaterThan(0.9);
      // total absolute deviation per shown slot, well below the 2.0 of disjoint distributions
      assertThat(deviation / 5).as("segment %d", g).isLessThan(0.35);
    }
  }

  @Test
  void truth_relevance_agreesWithClickRatesAndStagesSelectRelevantItems() {
    InteractionLog log = DATA.log();
    double expected = 0;
    double clicks = 0;
    double shown = 0;
    double[] relevance = new double[3];
    double[] count = new double[3];
    for (int r = 0; r < log.size(); r++) {
      double rel = TRUTH.relevance(log.queries()[r], log.items()[r]);
      relevance[log.stages()[r]] += rel;
      count[log.stages()[r]]++;
      if (log.exposed()[r]) {
        expected += TRUTH.examination(log.positions()[r]) * rel;
        clicks += log.label("click")[r];
        shown++;
      }
    }
    // ~12k shown rows: the binomial standard error of the click rate is below 0.005
    assertThat(clicks / shown).isCloseTo(expected / shown, offset(0.02));
    assertThat(relevance[2] / count[2]).as("shown vs pre-ranked").isGreaterThan(relevance[1] / count[1]);
    assertThat(relevance[1] / count[1]).as("pre-ranked vs retrieved only").isGreaterThan(relevance[0] / count[0]);
  }

  @Test
  void load_positionBias_lowersClickRateByExaminationPerPosition() {
    SimulatorCascadeConfig biased = new SimulatorCascadeConfig(4.0, 60, 15, null, null, 1.0, null, 500);
    Dataset d = new Simulator(SimulatorConfig.cascade(USERS, ITEMS, biased, 11L), 11L).load();
    Simulator.Truth truth = (Simulator.Truth) d.truth().orElseThrow();
    InteractionLog log = d.log();
    double[] clicks = new double[5];
    double[] expected = new double[5];
    double[] relevance = new double[5];
    double[] n = new double[5];
    for (int r = 0; r < log.size(); r++) {
      if (log.exposed()[r]) {
        int k = log.positions()[r];
        double rel = truth.relevance(log.queries()[r], log.items()[r]);
        clicks[k] += log.label("click")[r];
        expected[k] += truth.examination(k) * rel;
        relevance[k] += rel;
        n[k]++;
      }
    }
    assertThat(truth.examination(0)).isEqualTo(1.0);
    assertThat(truth.examination(3)).isCloseTo(0.25, offset(1e-12));
    for (int k = 0; k < 5; k++) {
      assertThat(clicks[k] / n[k]).as("position %d", k).isCloseTo(expected[k] / n[k], offset(0.04));
    }
    // the top position's items are at least as relevant, yet position 4 is examined 5 times less
    assertThat(clicks[4] / n[4]).isLessThan(0.5 * clicks[0] / n[0]);
  }

  @Test
  void load_userPropensity_isPerUserAndSumsToTheSlate() {
    SimulatorCascadeConfig perUser = new SimulatorCascadeConfig(2.0, 40, 10, null, null, null, "user", 300);
    Dataset d = new Simulator(SimulatorConfig.cascade(120, 150, perUser, 3L), 3L).load();
    Simulator.Truth truth = (Simulator.Truth) d.truth().orElseThrow();
    int[] segment = d.queryFeatures().categorical("segment");
    int other = 1;
    while (segment[other] != segment[0]) {
      other++;
    }

    double sum = 0;
    double differ = 0;
    for (int i = 0; i < 150; i++) {
      sum += truth.exposurePropensity(0, i);
      differ += Math.abs(truth.exposurePropensity(0, i) - truth.exposurePropensity(other, i));
    }
    assertThat(sum).isCloseTo((5 * 300.0 + 0.5 * 150) / 301, offset(1e-3));
    assertThat(differ).as("two users of one segment have their own propensities").isGreaterThan(0.1);
    InteractionLog log = d.log();
    for (int r = 0; r < log.size(); r++) {
      assertThat((double) log.propensities()[r])
          .isCloseTo(truth.exposurePropensity(log.queries()[r], log.items()[r]), offset(1e-7));
    }
  }

  @Test
  void load_retrievalOfMostItems_usesExponentialKeysAndStaysDistinct() {
    SimulatorCascadeConfig wide = new SimulatorCascadeConfig(1.0, 45, 10, null, null, null, null, 50);
    Dataset d = new Simulator(SimulatorConfig.cascade(30, 50, wide, 5L), 5L).load();

    for (int[] rows : requests(d.log()).values()) {
      assertThat(Arrays.stream(rows).map(r -> d.log().items()[r]).distinct().count()).isEqualTo(45);
    }
  }

  @Test
  void truth_withoutCascade_refusesStageQuestions() {
    Simulator.Truth single = (Simulator.Truth) new Simulator(SimulatorConfig.of(10, 10, 2, 1L), 1L).load().truth()
        .orElseThrow();

    assertThat(single.hasCascade()).isFalse();
    assertThat(TRUTH.hasCascade()).isTrue();
    assertThatThrownBy(() -> single.stagePropensity(0, 0, 2)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cascade");
  }

  @Test
  void config_inconsistentSizes_rejectedWithValues() {
    assertThatThrownBy(() -> SimulatorConfig.cascade(10, 50, SimulatorCascadeConfig.defaults(), 1L))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n-items (50)").hasMessageContaining("100");
    assertThatThrownBy(() -> new SimulatorCascadeConfig(null, 10, 20, null, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retrieved 10").hasMessageContaining("20");
    assertThatThrownBy(() -> SimulatorConfig.cascade(10, 50, new SimulatorCascadeConfig(null, 10, 3, null, null, null,
        null, null), 1L)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slate-size (5)");
    assertThatThrownBy(() -> new SimulatorCascadeConfig(null, null, null, -1.0, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1.0");
    assertThatThrownBy(() -> new SimulatorCascadeConfig(null, null, null, null, null, null, "item", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'item'");
    assertThatThrownBy(() -> SimulatorConfig.cascade(20_000, 1_000, new SimulatorCascadeConfig(null, null, null, null,
        null, null, "user", null), 1L)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("20000000");
  }

  /** Run with -Dtowerlab.perf=true: the recommended example world loads in a couple of seconds. */
  @Test
  void load_recommendedExample_takesACoupleOfSeconds() {
    assumeTrue(Boolean.getBoolean("towerlab.perf"), "set -Dtowerlab.perf=true to time the cascade simulator");
    SimulatorConfig example = SimulatorConfig.cascade(2_000, 1_000, SimulatorCascadeConfig.defaults(), 1L);
    new Simulator(example, 2L).load(); // warm-up
    long t0 = System.nanoTime();

    Dataset d = new Simulator(example, 1L).load();

    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("cascade simulator: %d rows, %d requests in %.2f s%n", d.log().size(),
        d.log().requests()[d.log().size() - 1] + 1, seconds);
    assertThat(seconds).isLessThan(5.0);
  }

  private static double correlation(double[] a, double[] b) {
    double ma = Arrays.stream(a).average().orElse(0);
    double mb = Arrays.stream(b).average().orElse(0);
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int i = 0; i < a.length; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / Math.sqrt(saa * sbb);
  }
}

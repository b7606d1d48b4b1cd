package org.towerlab.modules.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.FieldKind;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.GroundTruth;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Side;
import org.towerlab.api.random.Seeds;

class SimulatorTest {
  private static final SimulatorConfig SMALL = SimulatorConfig.of(500, 200, 20, 7L); // ~10k rows

  @Test
  void load_sameSeed_sameArrays() {
    Dataset a = new Simulator(SMALL, 7L).load();
    Dataset b = new Simulator(SMALL, 7L).load();

    assertThat(a.log().queries()).isEqualTo(b.log().queries());
    assertThat(a.log().items()).isEqualTo(b.log().items());
    assertThat(a.log().timestamps()).isEqualTo(b.log().timestamps());
    assertThat(a.log().label("click")).isEqualTo(b.log().label("click"));
    assertThat(a.log().propensities()).isEqualTo(b.log().propensities());
    assertThat(a.itemFeatures().dense("content")).isEqualTo(b.itemFeatures().dense("content"));
    assertThat(a.truth().orElseThrow().relevance(3, 4)).isEqualTo(b.truth().orElseThrow().relevance(3, 4));
  }

  /**
   * The log without a cascade is the one the simulator wrote before the cascade existed: the
   * hashes were taken from that version (commit 3cec07f), so wave-1 results on the simulator stay.
   */
  @Test
  void load_withoutCascade_writesThePreCascadeLog() {
    assertThat(fingerprint(new Simulator(SMALL, 7L).load())).isEqualTo(-6379200239374292811L);
    assertThat(fingerprint(new Simulator(SimulatorConfig.of(100, 50, 10, 5L), 5L).load()))
        .isEqualTo(-3528173556166394405L);
    InteractionLog defaults = new Simulator(new SimulatorConfig(null, null, null, null, null, null, null, null, null,
        null, null, null, 1L, null), 1L).load().log();
    assertThat(defaults.size()).isEqualTo(19_958);
    assertThat(defaults.requests()).isNull();
    assertThat(defaults.stages()).isNull();
  }

  /** A hash of every column and label of the log, in row order, and of the items' content. */
  private static long fingerprint(Dataset d) {
    InteractionLog l = d.log();
    long h = 17;
    for (int r = 0; r < l.size(); r++) {
      h = h * 31 + l.queries()[r];
      h = h * 31 + l.items()[r];
      h = h * 31 + l.timestamps()[r];
      h = h * 31 + l.positions()[r];
      h = h * 31 + Float.floatToIntBits(l.propensities()[r]);
      for (String n : l.labelNames()) {
        h = h * 31 + Float.floatToIntBits(l.label(n)[r]);
      }
      h = h * 31 + (l.exposed()[r] ? 1 : 0);
    }
    return h * 31 + java.util.Arrays.hashCode(d.itemFeatures().dense("content"));
  }

  @Test
  void load_differentSeed_differentLog() {
    Dataset a = new Simulator(SMALL, 7L).load();
    Dataset b = new Simulator(SMALL, 8L).load();

    assertThat(a.log().items()).isNotEqualTo(b.log().items());
  }

  @Test
  void create_withoutConfigSeed_usesRunStream() {
    SimulatorConfig noSeed = new SimulatorConfig(10, 10, null, null, null, null, 5.0, null, null, null, null, null,
        null, null, null);

    assertThat(Simulator.create(noSeed, new Seeds(42)).seed()).isEqualTo(new Seeds(42).seed("data.simulator"));
    assertThat(Simulator.create(SMALL, new Seeds(42)).seed()).isEqualTo(7L);
  }

  @Test
  void load_historyLength_declaresAQuerySequenceFieldAndKeepsTheLog() {
    SimulatorConfig withHistory = new SimulatorConfig(500, 200, null, null, null, null, 20.0, null, null, null, null,
        null, null, null, 8, null, 7L, null, null);
    Dataset d = new Simulator(withHistory, 7L).load();

    FieldSpec history = d.schema().field(Side.QUERY, "history").orElseThrow();
    assertThat(history.kind()).isEqualTo(FieldKind.SEQUENCE);
    assertThat(history.cardinality()).isEqualTo(200);
    assertThat(history.maxLength()).isEqualTo(8);
    assertThat(new Simulator(SMALL, 7L).load().schema().field(Side.QUERY, "history")).isEmpty();
    assertThat(d.log().items()).isEqualTo(new Simulator(SMALL, 7L).load().log().items());
    assertThatThrownBy(() -> new SimulatorConfig(null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, -1, null, null, null, null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }

  @Test
  void load_small_hasExpectedShapeAndColumns() {
    Dataset d = new Simulator(SMALL, 7L).load();
    InteractionLog log = d.log();

    assertThat(d.numQueries()).isEqualTo(500);
    assertThat(d.numItems()).isEqualTo(200);
    assertThat(log.size()).isBetween(9_000, 11_000);
    assertThat(log.exposed()).containsOnly(true);
    assertThat(log.positions()).containsOnly(0, 1, 2, 3, 4);
    assertThat(d.itemFeatures().dense("content")).hasSize(200 * 16);
    assertThat(d.itemCategory()).isEqualTo(d.itemFeatures().categorical("category"));
    for (int r = 1; r < log.size(); r++) {
      assertThat(log.timestamps()[r]).isGreaterThanOrEqualTo(log.timestamps()[r - 1]);
    }
  }

  @Test
  void itemSimilarity_isTheLatentCosine_higherWithinACategory() {
    Dataset d = new Simulator(SMALL, 7L).load();
    GroundTruth t = d.truth().orElseThrow();
    int[] cat = d.itemCategory();
    double same = 0;
    double other = 0;
    int ns = 0;
    int no = 0;
    for (int a = 0; a < 60; a++) {
      assertThat(t.itemSimilarity(a, a)).isCloseTo(1.0, within(1e-12));
      for (int b = a + 1; b < 60; b++) {
        double s = t.itemSimilarity(a, b);
        assertThat(s).isBetween(-1.0 - 1e-12, 1.0 + 1e-12).isCloseTo(t.itemSimilarity(b, a),
            within(1e-12));
        if (cat[a] == cat[b]) {
          same += s;
          ns++;
        } else {
          other += s;
          no++;
        }
      }
    }
    // items are their category centroid plus noise of norm about 0.5: same-category cosines near 0.8
    assertThat(same / ns).isGreaterThan(0.6);
    assertThat(other / no).isLessThan(same / ns - 0.4);
  }

  @Test
  void load_labels_areOrdinalAndPropensitiesMatchTruth() {
    Dataset d = new Simulator(SMALL, 7L).load();
    InteractionLog log = d.log();
    GroundTruth truth = d.truth().orElseThrow();
    float[] click = log.label("click");
    float[] like = log.label("like");
    float[] share = log.label("share");
    int clicks = 0;
    for (int r = 0; r < log.size(); r++) {
      assertThat(share[r] <= like[r] && like[r] <= click[r]).as("share => like => click at row %d", r).isTrue();
      assertThat(log.propensities()[r]).isGreaterThan(0f).isLessThanOrEqualTo(1f);
      assertThat((double) log.propensities()[r])
          .isCloseTo(truth.exposurePropensity(log.queries()[r], log.items()[r]), org.assertj.core.data.Offset.offset(1e-6));
      clicks += (int) click[r];
    }
    assertThat(clicks).isStrictlyBetween(0, log.size());
  }

  @Test
  void load_policy_isNormalizedPerUserAndPopularityBiased() {
    Dataset d = new Simulator(SMALL, 7L).load();
    GroundTruth truth = d.truth().orElseThrow();
    double sum = 0;
    double max = 0;
    for (int i = 0; i < d.numItems(); i++) {
      sum += truth.exposurePropensity(0, i);
      max = Math.max(max, truth.exposurePropensity(0, i));
    }
    assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(max).isGreaterThan(5.0 / d.numItems()); // far from uniform with popularity-bias 1
  }

  @Test
  void load_clickRate_tracksTrueRelevance() {
    Dataset d = new Simulator(SMALL, 7L).load();
    InteractionLog log = d.log();
    GroundTruth truth = d.truth().orElseThrow();
    double expected = 0;
    double observed = 0;
    for (int r = 0; r < log.size(); r++) {
      expected += truth.relevance(log.queries()[r], log.items()[r]);
      observed += log.label("click")[r];
    }
    assertThat(observed / log.size()).isCloseTo(expected / log.size(), org.assertj.core.data.Offset.offset(0.02));
  }

  @Test
  void config_invalidValues_rejectedWithValue() {
    assertThatThrownBy(() -> new SimulatorConfig(-5, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-5");
    assertThatThrownBy(() -> new SimulatorConfig(null, null, null, null, null, null, null, -0.5, null, null, null, null,
        null, null, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-0.5");
  }

  /** Run with -Dtowerlab.perf=true: a 1M-row log must build in a few seconds. */
  @Test
  void load_oneMillionRows_takesAFewSeconds() {
    assumeTrue(Boolean.getBoolean("towerlab.perf"), "set -Dtowerlab.perf=true to time a 1M-row simulator");
    SimulatorConfig big = SimulatorConfig.of(50_000, 20_000, 20, 1L);
    long t0 = System.nanoTime();

    Dataset d = new Simulator(big, 1L).load();

    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("simulator: %d rows in %.2f s%n", d.log().size(), seconds);
    assertThat(d.log().size()).isBetween(950_000, 1_050_000);
    assertThat(seconds).isLessThan(10.0);
  }
}

package org.towerlab.modules.hit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Init;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.testkit.InteractionContract;

class MaxSimInteractionTest extends InteractionContract {

  @Override
  protected Interaction newInteraction() {
    return new MaxSimInteraction(new MaxSimInteractionConfig(true, 0.2));
  }

  /** Three heads of width 4 per entity; the embedding is the flattened heads, as HIT's. */
  @Override
  protected TowerOutput outputs(Side side, int n, NDManager manager, SplittableRandom rng) {
    NDArray heads = random(manager, new Shape(n, 3, 4), rng);
    return new TowerOutput(heads.reshape(n, 12), heads, null, null, Map.of());
  }
  private NDManager m;
  private Forward fwd;
  private final MaxSimInteraction plain = new MaxSimInteraction(new MaxSimInteractionConfig(null, null));

  @BeforeEach
  void setUp() {
    m = NDManager.newBaseManager();
    fwd = Forward.inference(m);
  }

  @AfterEach
  void tearDown() {
    m.close();
  }

  private TowerOutput heads(float[] values, long n, long h, long d) {
    NDArray heads = Tensors.create(m, values, new Shape(n, h, d));
    return new TowerOutput(heads.reshape(n, h * d), heads, null, null, Map.of());
  }

  private float[] random(int size, long seed) {
    return Init.normal(1.0).values(new Shape(size), new SplittableRandom(seed));
  }

  @Test
  void scoreAll_twoHeads_matchesHandComputedSumOfMaxima() {
    TowerOutput q = heads(new float[] {1, 0, 0, 1}, 1, 2, 2); // heads (1,0), (0,1)
    TowerOutput a = heads(new float[] {2, 1, -1, 3}, 1, 2, 2); // heads (2,1), (-1,3)
    // (1,0): max(2, -1) = 2; (0,1): max(1, 3) = 3; sum 5
    assertThat(plain.scoreAll(q, a, fwd).toFloatArray()).containsExactly(5f);
    MaxSimInteraction tau = new MaxSimInteraction(new MaxSimInteractionConfig(false, 0.5));
    assertThat(tau.scorePaired(q, a, 1, fwd).toFloatArray()).containsExactly(10f);
  }

  @Test
  void scoreAll_permutedHeadsOnEitherSide_givesTheSameScores() {
    float[] qv = random(3 * 3 * 4, 1);
    float[] av = random(5 * 3 * 4, 2);
    float[] base = plain.scoreAll(heads(qv, 3, 3, 4), heads(av, 5, 3, 4), fwd).toFloatArray();
    float[] qp = permuteHeads(qv, 3, 3, 4, new int[] {2, 0, 1});
    float[] ap = permuteHeads(av, 5, 3, 4, new int[] {1, 2, 0});
    assertThat(plain.scoreAll(heads(qp, 3, 3, 4), heads(av, 5, 3, 4), fwd).toFloatArray())
        .containsExactly(base, within(1e-5f));
    assertThat(plain.scoreAll(heads(qv, 3, 3, 4), heads(ap, 5, 3, 4), fwd).toFloatArray())
        .containsExactly(base, within(1e-5f));
  }

  @Test
  void scoreAll_oneHead_equalsDotProductAndNormalizedEqualsCosine() {
    float[] qv = random(3 * 6, 3);
    float[] av = random(4 * 6, 4);
    TowerOutput q = TowerOutput.of(Tensors.create(m, qv, new Shape(3, 6))); // no heads: one head
    TowerOutput a = TowerOutput.of(Tensors.create(m, av, new Shape(4, 6)));
    float[] dot = q.embedding().matMul(a.embedding().transpose()).toFloatArray();
    assertThat(plain.scoreAll(q, a, fwd).toFloatArray()).containsExactly(dot, within(1e-5f));
    MaxSimInteraction cosine = new MaxSimInteraction(new MaxSimInteractionConfig(true, 0.1));
    float[] s = cosine.scoreAll(q, a, fwd).toFloatArray();
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 4; j++) {
        double d = 0;
        double nq = 0;
        double na = 0;
        for (int k = 0; k < 6; k++) {
          d += qv[i * 6 + k] * av[j * 6 + k];
          nq += qv[i * 6 + k] * qv[i * 6 + k];
          na += av[j * 6 + k] * av[j * 6 + k];
        }
        assertThat(s[i * 4 + j]).isCloseTo((float) (d / Math.sqrt(nq) / Math.sqrt(na) / 0.1), within(1e-4f));
      }
    }
  }

  @Test
  void scorePaired_kItemsPerQuery_matchesTheRowsOfScoreAll() {
    float[] qv = random(2 * 2 * 3, 5);
    float[] av = random(2 * 3 * 2 * 3, 6); // B = 2 queries, K = 3 items each
    TowerOutput q = heads(qv, 2, 2, 3);
    TowerOutput a = heads(av, 6, 2, 3);
    float[] paired = plain.scorePaired(q, a, 3, fwd).toFloatArray(); // [2, 3]
    float[] all = plain.scoreAll(q, a, fwd).toFloatArray(); // [2, 6]
    for (int b = 0; b < 2; b++) {
      for (int k = 0; k < 3; k++) {
        assertThat(paired[b * 3 + k]).isCloseTo(all[b * 6 + b * 3 + k], within(1e-5f));
      }
    }
  }

  @Test
  void scoreAll_headWidthsDiffer_throwsNamingBothShapes() {
    TowerOutput q = heads(random(4, 1), 1, 2, 2);
    TowerOutput a = heads(random(3, 2), 1, 1, 3);
    assertThatThrownBy(() -> plain.scoreAll(q, a, fwd)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(1, 2, 2)").hasMessageContaining("(1, 1, 3)");
  }

  @Test
  void flopsPerPair_afterScoringTwoHeads_countsFourDotProducts() {
    assertThat(plain.itemSidePrecomputable()).isTrue();
    assertThat(plain.flopsPerPair(32)).isEqualTo(64); // one head: the dot product
    plain.scoreAll(heads(random(4, 1), 1, 2, 2), heads(random(4, 2), 1, 2, 2), fwd);
    // H = 2, d = 16: 4 dots of 32 flops, 2 comparisons, 1 addition
    assertThat(plain.flopsPerPair(32)).isEqualTo(4 * 32 + 2 + 1);
  }

  @Test
  void config_nonPositiveTemperature_throwsWithTheValue() {
    assertThatThrownBy(() -> new MaxSimInteractionConfig(null, -0.5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-0.5");
    assertThat(new MaxSimInteractionConfig(null, null).temperature()).isEqualTo(1.0);
  }

  private static float[] permuteHeads(float[] v, int n, int h, int d, int[] perm) {
    float[] out = new float[v.length];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < h; j++) {
        System.arraycopy(v, (i * h + perm[j]) * d, out, (i * h + j) * d, d);
      }
    }
    return out;
  }
}

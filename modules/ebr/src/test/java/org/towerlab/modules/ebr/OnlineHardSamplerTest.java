package org.towerlab.modules.ebr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.towerlab.api.loss.LossInput;
import org.towerlab.api.model.Forward;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.sampling.Negatives;
import org.towerlab.api.sampling.SampleRequest;
import org.towerlab.api.testkit.FakeSamplerContext;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.api.testkit.SamplerContract;

class OnlineHardSamplerTest extends SamplerContract {

  @Override
  protected Sampler newSampler() {
    return sampler(2, 3, true);
  }

  @Override
  protected boolean excludesKnownPositives() {
    return true;
  }

  private static OnlineHardSampler sampler(int k, int easy, boolean excludeKnown) {
    return new OnlineHardSampler(new OnlineHardSamplerConfig(k, easy, excludeKnown));
  }

  @Test
  void mine_picksTheHighestScoringOtherColumns() {
    float[][] s = {
        {9f, 1f, 5f, 3f},
        {2f, 9f, 0f, 4f},
        {1f, 7f, 9f, 6f},
        {8f, 1f, 2f, 9f}};
    int[][] cols = sampler(2, 0, false).mine(s, new long[] {0, 1, 2, 3}, new long[] {10, 11, 12, 13});
    assertThat(cols).isDeepEqualTo(new int[][] {{2, 3}, {3, 0}, {1, 3}, {0, 2}});
  }

  @Test
  void mine_neverReturnsOwnPositiveOrAColumnWithTheSameItem() {
    // Row 0's own score and column 1 (same item 10) are the highest; column 3 repeats item 12.
    float[][] s = {
        {9f, 8f, 5f, 6f},
        {8f, 9f, 5f, 6f},
        {1f, 2f, 9f, 3f},
        {1f, 2f, 3f, 9f}};
    long[] pos = {10, 10, 12, 12};
    int[][] cols = sampler(2, 0, false).mine(s, new long[] {0, 1, 2, 3}, pos);
    for (int i = 0; i < 4; i++) {
      for (int c : cols[i]) {
        assertThat(pos[c]).isNotEqualTo(pos[i]);
      }
    }
    // Row 0: items 12 at columns 2 and 3; only one of them (the higher, 3) is kept: distinct items.
    assertThat(cols[0]).containsExactly(3);
    assertThat(cols[2]).containsExactly(1);
  }

  @Test
  void mine_skipsKnownPositivesOfTheRowsQuery() {
    // Rows 0 and 1 belong to the same user 7; item 11 is also user 7's positive.
    float[][] s = {{9f, 8f, 1f}, {8f, 9f, 1f}, {1f, 2f, 9f}};
    OnlineHardSampler withCheck = sampler(1, 0, true);
    Set<Long> known = Set.of(FakeSamplerContext.pair(7, 10), FakeSamplerContext.pair(7, 11), FakeSamplerContext.pair(8, 12));
    withCheck.sample(new SampleRequest(new long[] {7, 7, 8}, new long[] {10, 11, 12}, 0, 0, new SplittableRandom(1)),
        FakeSamplerContext.of(new long[20], known, null));
    assertThat(withCheck.mine(s, new long[] {7, 7, 8}, new long[] {10, 11, 12})[0]).containsExactly(2);
    assertThat(sampler(1, 0, false).mine(s, new long[] {7, 7, 8}, new long[] {10, 11, 12})[0]).containsExactly(1);
  }

  @Test
  void mine_allColumnsHoldingTheSameItem_returnsEmptyRows() {
    float[][] s = {{1f, 2f}, {3f, 4f}};
    assertThat(sampler(2, 0, false).mine(s, new long[] {0, 1}, new long[] {5, 5})).isDeepEqualTo(new int[2][0]);
  }

  @Test
  void sample_returnsInBatchAndTheRequestedSharedEasyNegatives() {
    SampleRequest req = new SampleRequest(new long[] {0, 1}, new long[] {0, 1}, 0, 0, new SplittableRandom(3));
    Negatives none = sampler(2, 0, true).sample(req, FakeSamplerContext.of(new long[50], Set.of(), null));
    assertThat(none.inBatch()).isTrue();
    assertThat(none.shared()).isEmpty();
    Negatives easy = sampler(2, 16, true).sample(req, FakeSamplerContext.of(new long[50], Set.of(), null));
    assertThat(easy.inBatch()).isTrue();
    assertThat(java.util.Arrays.stream(easy.shared()).boxed().toList()).hasSize(16).allSatisfy(id -> assertThat(id).isBetween(0L, 49L));
  }

  /**
   * The trainer's path: in-batch scores from two leaves, the miner on a Java copy, the chosen
   * columns gathered, hinge loss. The positives' own scores use a detached copy of the item
   * vectors, so an item vector's gradient can only come from the gathered negative columns: an
   * item never chosen gets exactly zero, a chosen one (violating the margin) a non-zero gradient.
   */
  @Test
  void mine_selectionIsConstantAndGradientReachesOnlyChosenColumns() {
    try (NDManager m = NDManager.newBaseManager()) {
      int b = 4;
      NDArray q = Tensors.create(m, new float[] {1f, 0f, 0f, 1f, 1f, 1.2f, -1f, 0f}, new Shape(b, 2));
      NDArray p = Tensors.create(m, new float[] {1f, 0.2f, 0.2f, 1f, 1f, 0.9f, -1f, -0.3f}, new Shape(b, 2));
      q.setRequiresGradient(true);
      p.setRequiresGradient(true);
      int[][] cols;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        Forward fwd = new Forward(m, true, new SplittableRandom(0), 0, 0);
        NDArray all = Cosines.all(q, p); // [B, B]
        NDArray pos = Cosines.paired(q, p.stopGradient(), 1).reshape(b); // [B]
        float[] flat = all.toFloatArray();
        float[][] s = new float[b][];
        for (int i = 0; i < b; i++) {
          s[i] = java.util.Arrays.copyOfRange(flat, i * b, (i + 1) * b);
        }
        cols = sampler(1, 0, false).mine(s, new long[] {0, 1, 2, 3}, new long[] {0, 1, 2, 3});
        long[] idx = new long[b];
        for (int i = 0; i < b; i++) {
          idx[i] = cols[i][0];
          int best = -1;
          for (int j = 0; j < b; j++) {
            if (j != i && (best < 0 || s[i][j] > s[i][best])) {
              best = j;
            }
          }
          assertThat(cols[i][0]).isEqualTo(best);
        }
        NDArray neg = all.gather(Tensors.create(m, idx, new Shape(b, 1)), 1); // [B, 1]
        NDArray loss = new HingeLoss(new HingeLossConfig(2.0, "mean"))
            .compute(LossInput.builder(pos).negatives(neg, m.ones(new Shape(b, 1))).labels(Map.of()).build(), fwd);
        gc.backward(loss);
      }
      // Rows 0, 1, 2 choose each other (2, 2, 1) and row 3 chooses 1: column 3 is never chosen.
      assertThat(cols).isDeepEqualTo(new int[][] {{2}, {2}, {1}, {1}});
      float[] g = p.getGradient().toFloatArray();
      assertThat(new float[] {g[6], g[7]}).containsOnly(0f);
      assertThat(new float[] {g[0], g[1]}).containsOnly(0f);
      assertThat(Math.abs(g[2]) + Math.abs(g[3])).isPositive();
      assertThat(Math.abs(g[4]) + Math.abs(g[5])).isPositive();
    }
  }

  @Test
  void config_rejectsBadValuesNamingThem() {
    assertThatThrownBy(() -> new OnlineHardSamplerConfig(0, null, null)).hasMessageContaining("0");
    assertThatThrownBy(() -> new OnlineHardSamplerConfig(null, -3, null)).hasMessageContaining("-3");
    assertThat(new OnlineHardSamplerConfig(null, null, null)).isEqualTo(new OnlineHardSamplerConfig(2, 0, true));
  }
}

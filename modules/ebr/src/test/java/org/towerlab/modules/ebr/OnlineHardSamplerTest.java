package org.towerlab.modules.ebr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.towerlab.api.testkit.NDArrayAssert.assertThatArray;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.Split;
import org.towerlab.api.loss.TrainingRows;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.sampling.InBatchMiner;
import org.towerlab.api.sampling.Negatives;
import org.towerlab.api.sampling.SampleRequest;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.api.sampling.SamplerContext;
import org.towerlab.api.testkit.FakeSamplerContext;
import org.towerlab.api.testkit.Gradients;
import org.towerlab.api.testkit.KitModel;
import org.towerlab.api.testkit.KitTower;
import org.towerlab.api.testkit.Logs;
import org.towerlab.api.testkit.SamplerContract;
import org.towerlab.api.testkit.Splits;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.api.testkit.Tolerance;
import org.towerlab.trainers.TrainStep;

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

  /** An online hard sampler that records the columns it mined. */
  private static final class Recording implements Sampler, InBatchMiner {
    final OnlineHardSampler inner = sampler(1, 0, false);
    int[][] mined;

    @Override
    public Negatives sample(SampleRequest request, SamplerContext ctx) {
      return inner.sample(request, ctx);
    }

    @Override
    public int[][] mine(float[][] scores, long[] queries, long[] positives) {
      mined = inner.mine(scores, queries, positives);
      return mined;
    }
  }

  /**
   * Through the public training step: id towers holding fixed vectors, cosine at temperature 1,
   * hinge with margin 2. Each row mines the other column it scores highest, and the step's gradients
   * are exactly those of the hinge over the mined columns (computed directly from the vectors): the
   * choice itself carries no gradient, and a column never mined (item 3) gets gradient only from
   * its own row's positive score.
   */
  @Test
  void mine_selectionIsConstantAndGradientReachesOnlyChosenColumns() {
    float[] qv = {1f, 0f, 0f, 1f, 1f, 1.2f, -1f, 0f};
    float[] pv = {1f, 0.2f, 0.2f, 1f, 1f, 0.9f, -1f, -0.3f};
    int b = 4;
    Split split = Splits.idsOnly(b, b, Logs.pairs(new int[] {0, 1, 2, 3}, new int[] {0, 1, 2, 3}));
    try (NDManager m = NDManager.newBaseManager()) {
      KitModel model = new KitModel(KitTower.idOnly(2, 0.1), KitTower.idOnly(2, 0.1),
          new WeightedConcatInteraction(new WeightedConcatInteractionConfig(List.of(1.0)), "$.model.interaction"));
      TestParams params = new TestParams(m, 1);
      model.initialize(params.model(split));
      NDArray qEmb = params.all().get("model.query-tower.emb.id");
      NDArray pEmb = params.all().get("model.item-tower.emb.id");
      qEmb.set(qv);
      pEmb.set(pv);
      Recording sampler = new Recording();
      TrainStep step = TrainStep.builder(model, split).setLoss(new HingeLoss(new HingeLossConfig(2.0, "mean")))
          .optRows(TrainingRows.POSITIVES).optSampler(sampler, FakeSamplerContext.of(split)).build();
      Gradients.zero(params.all());
      step.run(new int[] {0, 1, 2, 3}, 0, 0, new SplittableRandom(0), new SplittableRandom(0), m);
      float[] gq = qEmb.getGradient().toFloatArray();
      float[] gp = pEmb.getGradient().toFloatArray();

      // Rows 0, 1, 2 choose each other (2, 2, 1) and row 3 chooses 1: column 3 is never chosen.
      assertThat(sampler.mined).isDeepEqualTo(new int[][] {{2}, {2}, {1}, {1}});
      NDArray q = Tensors.create(m, qv, new Shape(b, 2));
      NDArray p = Tensors.create(m, pv, new Shape(b, 2));
      Gradients.Result ref = Gradients.of(Map.of("q", q, "p", p), () -> {
        NDArray pos = Cosines.paired(q, p, 1).reshape(b); // [B]
        NDArray neg = Cosines.all(q, p).gather(Tensors.create(m, new long[] {2, 2, 1, 1}, new Shape(b, 1)), 1); // [B, 1]
        return Activation.relu(neg.sub(pos.expandDims(1)).add(2f)).mean(); // mean over rows of the one hinge term
      });
      assertThatArray(gq).as("query gradients of the step vs the hinge over the mined columns")
          .isCloseTo(ref.of("q"), Tolerance.relative(1e-4, 1e-6));
      assertThatArray(gp).as("item gradients of the step vs the hinge over the mined columns")
          .isCloseTo(ref.of("p"), Tolerance.relative(1e-4, 1e-6));
      assertThat(Math.abs(gp[2]) + Math.abs(gp[3])).isPositive();
    }
  }

  @Test
  void config_rejectsBadValuesNamingThem() {
    assertThatThrownBy(() -> new OnlineHardSamplerConfig(0, null, null)).hasMessageContaining("0");
    assertThatThrownBy(() -> new OnlineHardSamplerConfig(null, -3, null)).hasMessageContaining("-3");
    assertThat(new OnlineHardSamplerConfig(null, null, null)).isEqualTo(new OnlineHardSamplerConfig(2, 0, true));
  }
}

package org.towerlab.api.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.towerlab.api.testkit.NDArrayAssert.assertThatArray;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.Parameterized;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Init;
import org.towerlab.api.nn.Tensors;

/**
 * The contract every {@link Interaction} passes. A component test extends it and supplies a
 * factory (and, when the interaction reads more than embeddings, the tower outputs it scores):
 *
 * <pre>
 * class DotInteractionTest extends InteractionContract {
 *   &#64;Override
 *   protected Interaction newInteraction() {
 *     return new DotInteraction();
 *   }
 * }
 * </pre>
 *
 * <p>Each check builds a fresh interaction (a {@link Parameterized} one is initialized under
 * {@code model.interaction} on {@link TinyData#split()} with seed 1 and the tower widths of
 * {@link #towerDims()}) and scores tower outputs from
 * {@link #outputs} (default: normal random embeddings {@code [n, 8]}). It checks exactly this:
 * <ol>
 *   <li><b>shapes</b>: {@code scoreAll} of B = 3 queries and M = 7 items is {@code [B, M]},
 *       {@code scorePaired} with K = 2 is {@code [B, K]}, both finite;
 *   <li><b>paired vs all</b>: {@code scorePaired(q, items, K)[b, k]} equals
 *       {@code scoreAll(q, items)[b, b*K + k]} within {@link #tolerance()};
 *   <li><b>item blocks</b>: {@code scoreAll} of the 7 items in blocks {@code [0,3) [3,4) [4,7)}
 *       (item outputs sliced with {@link TowerOutput#rows}) equals the one-block scores within
 *       {@link #tolerance()} (the full-corpus scorer scores in blocks);
 *   <li><b>cost</b>: {@code flopsPerPair(dim)} and {@code flopsPerPair(queries, items)} are
 *       positive after scoring;
 *   <li><b>precomputable item side</b> (only when {@link Interaction#itemSidePrecomputable()}): the
 *       scores of fixed item outputs against a query do not depend on which other queries are
 *       scored with it (queries {2, 0} alone equal rows 2 and 0 of the three-query scores), so item
 *       outputs cached once serve every query batch;
 *   <li><b>gradients</b>: the gradient of {@code sum(R * scoreAll)} (fixed random R) with respect to
 *       both sides' embeddings and the interaction's parameters is finite, and not all zero for the
 *       two embeddings.
 * </ol>
 */
public abstract class InteractionContract {
  private static final int B = 3;
  private static final int M = 7;
  private static final int K = 2;

  /** A new interaction (not yet initialized if it is {@link Parameterized}). */
  protected abstract Interaction newInteraction();

  /**
   * The tower outputs of {@code n} entities of {@code side} the interaction scores. Default: normal
   * random embeddings {@code [n, 8]} and no heads; override for heads, layers or extras.
   */
  protected TowerOutput outputs(Side side, int n, NDManager manager, SplittableRandom rng) {
    return TowerOutput.of(random(manager, new Shape(n, 8), rng));
  }

  /** How close scores computed in different ways must be. */
  protected Tolerance tolerance() {
    return Tolerance.relative(1e-4, 1e-5);
  }

  /** The split a {@link Parameterized} interaction is initialized on. */
  protected Split split() {
    return TinyData.split();
  }

  protected static NDArray random(NDManager m, Shape shape, SplittableRandom rng) {
    return Tensors.create(m, Init.normal(1.0).values(shape, rng), shape);
  }

  /**
   * The output widths the interaction is initialized with ({@code InitContext.queryDim/itemDim}),
   * {@code {query, item}}: default {@code {8, 8}}, the width of the default outputs.
   */
  protected long[] towerDims() {
    return new long[] {8, 8};
  }

  private Interaction init(TestParams params) {
    Interaction i = newInteraction();
    if (i instanceof Parameterized p) {
      long[] dims = towerDims();
      p.initialize(params.interaction(split()).withTowerDims(dims[0], dims[1]));
    }
    return i;
  }

  @Test
  void scoreAllAndScorePaired_shapesAreBbyMandBbyK() {
    try (NDManager m = NDManager.newBaseManager()) {
      Interaction inter = init(new TestParams(m, 1));
      SplittableRandom rng = new SplittableRandom(5);
      TowerOutput q = outputs(Side.QUERY, B, m, rng);
      TowerOutput items = outputs(Side.ITEM, M, m, rng);
      TowerOutput paired = outputs(Side.ITEM, B * K, m, rng);
      Forward fwd = Forwards.inference(m);
      assertThatArray(inter.scoreAll(q, items, fwd)).as("scoreAll").hasShape(B, M).isFinite();
      assertThatArray(inter.scorePaired(q, paired, K, fwd)).as("scorePaired").hasShape(B, K).isFinite();
    }
  }

  @Test
  void scorePaired_kItemsPerQuery_equalsTheMatchingEntriesOfScoreAll() {
    try (NDManager m = NDManager.newBaseManager()) {
      Interaction inter = init(new TestParams(m, 1));
      SplittableRandom rng = new SplittableRandom(6);
      TowerOutput q = outputs(Side.QUERY, B, m, rng);
      TowerOutput items = outputs(Side.ITEM, B * K, m, rng);
      Forward fwd = Forwards.inference(m);
      float[] paired = inter.scorePaired(q, items, K, fwd).toFloatArray(); // [B, K]
      float[] all = inter.scoreAll(q, items, fwd).toFloatArray(); // [B, B*K]
      float[] expected = new float[B * K];
      for (int b = 0; b < B; b++) {
        for (int k = 0; k < K; k++) {
          expected[b * K + k] = all[b * B * K + b * K + k];
        }
      }
      assertThatArray(paired).as("scorePaired vs the diagonal blocks of scoreAll").isCloseTo(expected, tolerance());
    }
  }

  @Test
  void scoreAll_itemsInBlocks_sameScoresAsOneBlock() {
    try (NDManager m = NDManager.newBaseManager()) {
      Interaction inter = init(new TestParams(m, 1));
      SplittableRandom rng = new SplittableRandom(7);
      TowerOutput q = outputs(Side.QUERY, B, m, rng);
      TowerOutput items = outputs(Side.ITEM, M, m, rng);
      Forward fwd = Forwards.inference(m);
      NDArray whole = inter.scoreAll(q, items, fwd); // [B, M]
      NDList blocks = new NDList();
      int[] bounds = {0, 3, 4, M};
      for (int i = 0; i + 1 < bounds.length; i++) {
        blocks.add(inter.scoreAll(q, items.rows(bounds[i], bounds[i + 1]), fwd)); // [B, m]
      }
      assertThatArray(NDArrays.concat(blocks, 1)).as("scores of item blocks [0,3) [3,4) [4,7)")
          .hasShape(B, M).isCloseTo(whole, tolerance());
    }
  }

  @Test
  void flopsPerPair_afterScoring_positive() {
    try (NDManager m = NDManager.newBaseManager()) {
      Interaction inter = init(new TestParams(m, 1));
      SplittableRandom rng = new SplittableRandom(8);
      TowerOutput q = outputs(Side.QUERY, B, m, rng);
      TowerOutput items = outputs(Side.ITEM, M, m, rng);
      inter.scoreAll(q, items, Forwards.inference(m));
      assertThat(inter.flopsPerPair(items.dim())).as("flopsPerPair(dim)").isPositive();
      assertThat(inter.flopsPerPair(q, items)).as("flopsPerPair(queries, items)").isPositive();
    }
  }

  @Test
  void scoreAll_precomputableItemSide_scoresDoNotDependOnTheOtherQueries() {
    Interaction probe = newInteraction();
    Assumptions.assumeTrue(probe.itemSidePrecomputable(), "the item side is not precomputable");
    try (NDManager m = NDManager.newBaseManager()) {
      Interaction inter = init(new TestParams(m, 1));
      SplittableRandom rng = new SplittableRandom(9);
      TowerOutput q = outputs(Side.QUERY, B, m, rng);
      TowerOutput items = outputs(Side.ITEM, M, m, rng);
      Forward fwd = Forwards.inference(m);
      float[] all = inter.scoreAll(q, items, fwd).toFloatArray(); // [B, M]
      TowerOutput some = q.select(Tensors.create(m, new long[] {2, 0})); // queries 2 and 0 alone
      float[] part = inter.scoreAll(some, items, fwd).toFloatArray(); // [2, M]
      float[] expected = new float[2 * M];
      System.arraycopy(all, 2 * M, expected, 0, M);
      System.arraycopy(all, 0, expected, M, M);
      assertThatArray(part).as("scores of queries {2, 0} alone vs among three queries").isCloseTo(expected,
          tolerance());
    }
  }

  @Test
  void scoreAll_backward_finiteGradientsToBothSidesAndTheParameters() {
    try (NDManager m = NDManager.newBaseManager()) {
      TestParams params = new TestParams(m, 1);
      Interaction inter = init(params);
      SplittableRandom rng = new SplittableRandom(10);
      TowerOutput q = outputs(Side.QUERY, B, m, rng);
      TowerOutput items = outputs(Side.ITEM, M, m, rng);
      NDArray r = random(m, new Shape(B, M), rng);
      Map<String, NDArray> wrt = new LinkedHashMap<>(params.all());
      wrt.put("queries.embedding", q.embedding());
      wrt.put("items.embedding", items.embedding());
      if (q.heads() != null) {
        wrt.put("queries.heads", q.heads());
      }
      if (items.heads() != null) { // heads on one side only: a poly-encoder, max-sim against an mlp item tower
        wrt.put("items.heads", items.heads());
      }
      Gradients.Result g;
      try (NDManager bm = m.newSubManager()) {
        g = Gradients.of(wrt, () -> inter.scoreAll(q, items, Forwards.training(bm, 1)).mul(r).sum());
      }
      g.gradients().forEach((name, grad) -> assertThatArray(grad).as("gradient of " + name).isFinite());
      float[] toQueries = g.of(q.heads() != null ? "queries.heads" : "queries.embedding");
      float[] toItems = g.of(items.heads() != null ? "items.heads" : "items.embedding");
      assertThatArray(toQueries).as("gradient to the query outputs").isNotAllZero();
      assertThatArray(toItems).as("gradient to the item outputs").isNotAllZero();
    }
  }
}

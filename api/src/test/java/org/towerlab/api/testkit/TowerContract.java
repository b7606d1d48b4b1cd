package org.towerlab.api.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.towerlab.api.testkit.NDArrayAssert.assertThatArray;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.model.Coupling;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Init;
import org.towerlab.api.nn.Tensors;

/**
 * The contract every {@link Tower} passes. A component test extends it and supplies a factory; the
 * tests below then run on that tower, besides the test's own:
 *
 * <pre>
 * class MlpTowerTest extends TowerContract {
 *   &#64;Override
 *   protected Tower newTower(Side side) {
 *     return new MlpTower(new MlpTowerConfig(null, 4, List.of(8), 6, null, null), "$.model.tower");
 *   }
 * }
 * </pre>
 *
 * <p>Each check builds a fresh tower for each side of {@link #sides()}, initializes it on
 * {@link #split()} (default {@link TinyData#split()}: every field kind on both sides) under
 * {@code model.query-tower} or {@code model.item-tower} with seed 1, and feeds it batches built by
 * {@link Batches} (sequences: the whole training history). It checks exactly this:
 * <ol>
 *   <li><b>shapes</b>: for N entities (one repeated), in an inference and a training pass, the
 *       embedding is a floating {@code [N, D]} with {@code D > 0}; heads, when present, are
 *       {@code [N, H, D_h]}; every layer, the codes and every extra have N rows; every floating
 *       output is finite;
 *   <li><b>determinism</b>: two inference passes over one batch give the same embedding, heads,
 *       layers and floating extras within {@link #tolerance()};
 *   <li><b>batch-size independence</b>: the inference outputs of every entity of the side encoded
 *       in one batch equal those of the same entities encoded one at a time and in batches of 3,
 *       within {@link #tolerance()};
 *   <li><b>gradients</b>: in a training pass, the gradient of {@code sum(R * outputs)} (fixed random
 *       weights R over the embedding, heads, layers and floating extras) plus every auxiliary loss
 *       the tower adds (in {@code encode}, and for a {@link Coupling} tower in {@code couple}
 *       against {@link #otherSide}) is finite for every trainable parameter the tower created, and
 *       not all zero for each of them but {@link #parametersWithoutGradient};
 *   <li><b>memory</b>: after an inference pass and a training pass with its backward (and couple)
 *       on a batch sub-manager that is then closed, the parameters' manager holds exactly the
 *       arrays it held before: nothing was attached to it (see the DJL rules in
 *       {@code docs/adding-a-component.md}).
 * </ol>
 */
public abstract class TowerContract {

  /** A new, not yet initialized tower for {@code side}. */
  protected abstract Tower newTower(Side side);

  /** The split the towers are initialized on and read features from. */
  protected Split split() {
    return TinyData.split();
  }

  /** The sides to check (both by default; a tower made for one side only returns that one). */
  protected List<Side> sides() {
    return List.of(Side.QUERY, Side.ITEM);
  }

  /** How close repeated or re-batched float outputs must be. */
  protected Tolerance tolerance() {
    return Tolerance.relative(1e-4, 1e-5);
  }

  /**
   * Full parameter names that may get no gradient from outputs plus auxiliary terms (say why in
   * the overriding test); empty by default.
   */
  protected Set<String> parametersWithoutGradient(Side side) {
    return Set.of();
  }

  /**
   * The other tower's output for the rows of {@code self}, handed to {@code couple}. Default: random
   * values shaped like {@code self}'s embedding and heads (a tower whose coupling needs another
   * shape overrides this).
   */
  protected TowerOutput otherSide(TowerOutput self, Side side, Forward fwd) {
    SplittableRandom rng = new SplittableRandom(17);
    NDArray emb = random(fwd.manager(), self.embedding().getShape(), rng);
    NDArray heads = self.heads() == null ? null : random(fwd.manager(), self.heads().getShape(), rng);
    return new TowerOutput(emb, heads, null, null, Map.of());
  }

  private static NDArray random(NDManager m, Shape shape, SplittableRandom rng) {
    return Tensors.create(m, Init.normal(1.0).values(shape, rng), shape);
  }

  private static long[] sample(int count) {
    long[] ids = new long[5];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = (i * 2L + 1) % count;
    }
    ids[4] = ids[1]; // a repeated entity
    return ids;
  }

  private int count(Side side) {
    return side == Side.QUERY ? split().dataset().numQueries() : split().dataset().numItems();
  }

  private Tower init(Side side, TestParams params) {
    Tower t = newTower(side);
    t.initialize(params.tower(split(), side));
    return t;
  }

  private static String prefix(Side side) {
    return side == Side.QUERY ? "model.query-tower." : "model.item-tower.";
  }

  /** The floating outputs by name: embedding, heads, layer.i, extra.name. */
  private static Map<String, NDArray> floating(TowerOutput out) {
    Map<String, NDArray> m = new LinkedHashMap<>();
    m.put("embedding", out.embedding());
    if (out.heads() != null) {
      m.put("heads", out.heads());
    }
    if (out.layers() != null) {
      for (int i = 0; i < out.layers().size(); i++) {
        m.put("layer." + i, out.layers().get(i));
      }
    }
    out.extras().forEach((k, v) -> {
      if (v.getDataType().isFloating()) {
        m.put("extra." + k, v);
      }
    });
    return m;
  }

  private static Map<String, float[]> values(TowerOutput out) {
    Map<String, float[]> m = new LinkedHashMap<>();
    floating(out).forEach((k, v) -> m.put(k, v.toFloatArray()));
    return m;
  }

  @Test
  void encode_anyBatch_outputsHaveOneRowPerEntityAndAreFinite() {
    for (Side side : sides()) {
      try (NDManager manager = NDManager.newBaseManager()) {
        Tower tower = init(side, new TestParams(manager, 1));
        long[] ids = sample(count(side));
        for (boolean training : new boolean[] {false, true}) {
          try (NDManager bm = manager.newSubManager()) {
            Forward fwd = training ? Forwards.training(bm, 3) : Forwards.inference(bm);
            TowerOutput out = tower.encode(Batches.of(split()).build(side, ids, bm), fwd);
            String as = side + (training ? " training" : " inference") + " pass";
            int n = ids.length;
            assertThat(out.embedding().getShape().dimension()).as(as + ": embedding rank").isEqualTo(2);
            assertThat(out.embedding().getShape().get(0)).as(as + ": embedding rows").isEqualTo(n);
            assertThat(out.dim()).as(as + ": embedding width").isPositive();
            assertThat(out.embedding().getDataType().isFloating()).as(as + ": embedding type").isTrue();
            if (out.heads() != null) {
              assertThat(out.heads().getShape().dimension()).as(as + ": heads rank").isEqualTo(3);
              assertThat(out.heads().getShape().get(0)).as(as + ": heads rows").isEqualTo(n);
            }
            if (out.layers() != null) {
              out.layers().forEach(l -> assertThat(l.getShape().get(0)).as(as + ": layer rows").isEqualTo(n));
            }
            if (out.codes() != null) {
              assertThat(out.codes().getShape().get(0)).as(as + ": code rows").isEqualTo(n);
              assertThat(out.codes().getDataType().isInteger()).as(as + ": codes are integers").isTrue();
            }
            out.extras().forEach((k, v) -> assertThat(v.getShape().get(0)).as(as + ": rows of extra " + k)
                .isEqualTo(n));
            floating(out).forEach((k, v) -> assertThatArray(v).as(as + ": " + k).isFinite());
          }
        }
      }
    }
  }

  @Test
  void encode_inferenceTwice_sameOutputs() {
    for (Side side : sides()) {
      try (NDManager manager = NDManager.newBaseManager()) {
        Tower tower = init(side, new TestParams(manager, 1));
        long[] ids = sample(count(side));
        List<Map<String, float[]>> runs = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
          try (NDManager bm = manager.newSubManager()) {
            runs.add(values(tower.encode(Batches.of(split()).build(side, ids, bm), Forwards.inference(bm))));
          }
        }
        assertThat(runs.get(1).keySet()).isEqualTo(runs.get(0).keySet());
        runs.get(0).forEach((k, v) -> assertThatArray(runs.get(1).get(k)).as(side + " " + k + ", second pass")
            .isCloseTo(v, tolerance()));
      }
    }
  }

  @Test
  void encode_differentBatchSizes_sameRowsWithinTolerance() {
    for (Side side : sides()) {
      try (NDManager manager = NDManager.newBaseManager()) {
        Tower tower = init(side, new TestParams(manager, 1));
        long[] all = Batches.range(count(side));
        Map<String, float[]> whole;
        try (NDManager bm = manager.newSubManager()) {
          whole = values(tower.encode(Batches.of(split()).build(side, all, bm), Forwards.inference(bm)));
        }
        for (int size : new int[] {1, 3}) {
          for (int from = 0; from < all.length; from += size) {
            int to = Math.min(all.length, from + size);
            long[] part = java.util.Arrays.copyOfRange(all, from, to);
            try (NDManager bm = manager.newSubManager()) {
              Map<String, float[]> got = values(tower.encode(Batches.of(split()).build(side, part, bm),
                  Forwards.inference(bm)));
              for (Map.Entry<String, float[]> e : got.entrySet()) {
                float[] ref = whole.get(e.getKey());
                int width = ref.length / all.length;
                float[] expected = java.util.Arrays.copyOfRange(ref, from * width, to * width);
                assertThatArray(e.getValue())
                    .as("%s %s of entities [%d, %d) in batches of %d vs one batch", side, e.getKey(), from, to, size)
                    .isCloseTo(expected, tolerance());
              }
            }
          }
        }
      }
    }
  }

  /** {@code sum(R * outputs) + aux terms} of a training pass (with couple for a coupling tower). */
  private NDArray objective(Tower tower, Side side, long[] ids, NDManager bm) {
    Forward fwd = Forwards.training(bm, 3);
    TowerOutput out = tower.encode(Batches.of(split()).build(side, ids, bm), fwd);
    SplittableRandom rng = new SplittableRandom(23);
    NDArray total = null;
    for (NDArray v : floating(out).values()) {
      NDArray term = v.mul(random(bm, v.getShape(), rng)).sum(); // []
      total = total == null ? term : total.add(term);
    }
    if (tower instanceof Coupling c) {
      float[] y = new float[ids.length];
      for (int i = 0; i < y.length; i++) {
        y[i] = i % 2 == 0 ? 1f : 0f;
      }
      TowerOutput other = otherSide(out, side, fwd);
      c.couple(new Coupling.Pairs(side, out, other, Map.of("positive", Tensors.create(bm, y)), ids, ids, null), fwd);
    }
    for (NDArray aux : fwd.auxLosses().values()) {
      total = total.add(aux);
    }
    return total;
  }

  @Test
  void backward_outputsAndAuxTerms_finiteGradientToEveryParameter() {
    for (Side side : sides()) {
      try (NDManager manager = NDManager.newBaseManager()) {
        TestParams params = new TestParams(manager, 1);
        Tower tower = init(side, params);
        Map<String, NDArray> mine = params.under(prefix(side));
        long[] ids = sample(count(side));
        Gradients.Result g;
        try (NDManager bm = manager.newSubManager()) {
          g = Gradients.of(mine, () -> objective(tower, side, ids, bm));
        }
        assertThat(Float.isFinite(g.value())).as(side + " objective %s", g.value()).isTrue();
        Set<String> exempt = parametersWithoutGradient(side);
        g.gradients().forEach((name, grad) -> {
          assertThatArray(grad).as("gradient of " + name).isFinite();
          if (!exempt.contains(name)) {
            assertThatArray(grad).as("gradient of " + name + " (list it in parametersWithoutGradient if that is"
                + " intended)").isNotAllZero();
          }
        });
      }
    }
  }

  @Test
  void encode_batchManagerClosed_noArrayLeftOnTheParametersManager() {
    for (Side side : sides()) {
      try (NDManager manager = NDManager.newBaseManager()) {
        TestParams params = new TestParams(manager, 1);
        Tower tower = init(side, params);
        long[] ids = sample(count(side));
        int before = manager.getManagedArrays().size();
        try (NDManager bm = manager.newSubManager()) {
          tower.encode(Batches.of(split()).build(side, ids, bm), Forwards.inference(bm));
        }
        try (NDManager bm = manager.newSubManager();
            ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
          gc.backward(objective(tower, side, ids, bm));
        }
        assertThat(manager.getManagedArrays().size())
            .as(side + ": arrays on the parameters' manager after the batch closed (before: %d)", before)
            .isEqualTo(before);
      }
    }
  }
}

package org.towerlab.modules.mvke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.towerlab.api.testkit.NDArrayAssert.assertThatArray;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Init;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.testkit.Batches;
import org.towerlab.api.testkit.Forwards;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.api.testkit.TinyData;
import org.towerlab.api.testkit.Tolerance;
import org.towerlab.api.testkit.TowerContract;

/**
 * The tower contract on the query side of the kit's tiny data (every field kind; the tower alone
 * creates its kernels in its own scope), plus the VKE bottom's invariants and a hand-checked
 * attention.
 */
class MvkeUserTowerTest extends TowerContract {

  @Override
  protected Tower newTower(Side side) {
    return tower(Fixtures.config(false, 0.1));
  }

  @Override
  protected List<Side> sides() {
    return List.of(Side.QUERY); // the user tower serves the query side only
  }

  private static MvkeUserTower tower(MvkeModelConfig config) {
    return new MvkeUserTower(config, new VirtualKernels(config.kernels(), config.dim(), config.kernelInitStd()),
        "$.model");
  }

  private static MvkeUserTower init(MvkeModelConfig config, TestParams params) {
    MvkeUserTower t = tower(config);
    t.initialize(params.tower(TinyData.split(), Side.QUERY));
    return t;
  }

  private static NDArray normal(NDManager m, long seed, long... shape) {
    Shape s = new Shape(shape);
    return Tensors.create(m, Init.normal(1.0).values(s, new SplittableRandom(seed)), s);
  }

  @Test
  void bottom_attention_sumsToOneOverTheFieldsForEveryKernel() {
    try (NDManager m = NDManager.newBaseManager()) {
      MvkeUserTower t = init(Fixtures.config(false, 0.5), new TestParams(m, 1));
      MvkeUserTower.Bottom b = t.bottom(normal(m, 2, 4, 5, 8), Forwards.inference(m));
      assertThatArray(b.attention()).hasShape(4, 5, 3);
      assertThatArray(b.attention().sum(new int[] {1})).isCloseTo(m.ones(new Shape(4, 3)),
          Tolerance.relative(1e-6, 1e-6));
      assertThatArray(b.output()).hasShape(4, 3, 5, 8).isFinite();
    }
  }

  /** Permuting the fields of E permutes alpha and C along the field axis, nothing else. */
  @Test
  void bottom_permutedFields_permutesAttentionAndOutputEquivariantly() {
    int[] perm = {3, 0, 4, 2, 1};
    try (NDManager m = NDManager.newBaseManager()) {
      MvkeUserTower t = init(Fixtures.config(false, 0.5), new TestParams(m, 1));
      NDArray e = normal(m, 3, 2, 5, 8); // [N, F, d]
      NDArray idx = Tensors.create(m, new long[] {3, 0, 4, 2, 1});
      Forward fwd = Forwards.inference(m);
      MvkeUserTower.Bottom base = t.bottom(e, fwd);
      MvkeUserTower.Bottom permuted = t.bottom(e.get(":, {}", idx), fwd);
      assertThat(perm).hasSize(5);
      assertThatArray(permuted.attention()).isCloseTo(base.attention().get(":, {}", idx), Tolerance.relative(1e-5, 1e-6));
      assertThatArray(permuted.output()).isCloseTo(base.output().get(":, :, {}", idx), Tolerance.relative(1e-5, 1e-6));
    }
  }

  /** Identical kernels and one shared expert tower: every expert is the same vector. */
  @Test
  void encode_identicalKernelsSharedTower_identicalExperts() {
    try (NDManager m = NDManager.newBaseManager()) {
      TestParams params = new TestParams(m, 1);
      MvkeModelConfig config = Fixtures.config(true, 0.5);
      MvkeUserTower t = init(config, params);
      NDArray vk = params.root().all().get("model.query-tower.kernels.vk"); // [3, 8]
      float[] row = new float[8];
      for (int j = 0; j < 8; j++) {
        row[j] = 0.3f * (j - 4);
      }
      float[] same = new float[24];
      for (int k = 0; k < 3; k++) {
        System.arraycopy(row, 0, same, 8 * k, 8);
      }
      vk.set(same);
      NDArray u = t.encode(Batches.of(TinyData.split()).build(Side.QUERY, Batches.range(4), m),
          Forwards.inference(m)).heads(); // [4, 3, 8]
      for (int k = 1; k < 3; k++) {
        assertThatArray(u.get(":, " + k)).as("expert %d vs expert 0", k).isCloseTo(u.get(":, 0"),
            Tolerance.relative(1e-6, 1e-7));
      }
    }
  }

  /** Separate towers over identical kernels still differ: the test above can fail. */
  @Test
  void encode_identicalKernelsSeparateTowers_expertsDiffer() {
    try (NDManager m = NDManager.newBaseManager()) {
      TestParams params = new TestParams(m, 1);
      MvkeUserTower t = init(Fixtures.config(false, 0.5), params);
      params.root().all().get("model.query-tower.kernels.vk").set(new float[24]);
      NDArray u = t.encode(Batches.of(TinyData.split()).build(Side.QUERY, Batches.range(4), m),
          Forwards.inference(m)).heads(); // [4, 3, 8]
      float[] u0 = u.get(":, 0").toFloatArray();
      float[] u1 = u.get(":, 1").toFloatArray();
      assertThat(u1).isNotEqualTo(u0);
    }
  }

  /**
   * d = 2, one kernel, identity projections, zero biases: q = vk = (1, 0); fields e_0 = (2, 0),
   * e_1 = (0, 1); logits (2 / sqrt 2, 0); alpha = (0.804429, 0.195571). C_0 before LayerNorm:
   * alpha_0 e_0 + e_0 = (3.608857, 0) -> normalized (1, -1); alpha_1 e_1 + e_1 = (0, 1.195571) -> (-1, 1).
   */
  @Test
  void bottom_handSetWeights_matchesHandComputedAttentionAndOutput() {
    MvkeModelConfig config = new MvkeModelConfig(2, 1, 0.1, List.of("age", "tags"), null, List.of(), false,
        List.of(), List.of(new MvkeTaskConfig("a", List.of(0))), null, 0.1, null);
    try (NDManager m = NDManager.newBaseManager()) {
      TestParams params = new TestParams(m, 1);
      MvkeUserTower t = init(config, params);
      Map<String, NDArray> p = params.root().all();
      float[] eye = {1, 0, 0, 1};
      p.get("model.query-tower.kernels.vk").set(new float[] {1, 0});
      p.get("model.query-tower.bottom.query.weight").set(eye);
      p.get("model.query-tower.bottom.key.weight").set(eye);
      p.get("model.query-tower.bottom.value.weight").set(eye);
      NDArray e = Tensors.create(m, new float[] {2, 0, 0, 1}, new Shape(1, 2, 2));
      MvkeUserTower.Bottom b = t.bottom(e, Forwards.inference(m));
      assertThat(b.attention().toFloatArray()).containsExactly(new float[] {0.804429f, 0.195571f}, within(1e-5f));
      assertThat(b.output().toFloatArray()).containsExactly(new float[] {1, -1, -1, 1}, within(1e-5f));
    }
  }

  @Test
  void encode_embeddingIsTheMeanOfThePrimaryTasksExperts() {
    try (NDManager m = NDManager.newBaseManager()) {
      MvkeUserTower t = init(Fixtures.config(false, 0.5), new TestParams(m, 1));
      TowerOutput out = t.encode(Batches.of(TinyData.split()).build(Side.QUERY, Batches.range(4), m),
          Forwards.inference(m));
      NDArray u = out.heads(); // [4, 3, 8]; task a (primary) uses kernels 0 and 1
      assertThatArray(out.embedding()).isCloseTo(u.get(":, 0").add(u.get(":, 1")).div(2f),
          Tolerance.relative(1e-6, 1e-7));
    }
  }

  @Test
  void initialize_unknownField_userErrorNamingTheConfigKey() {
    MvkeModelConfig config = new MvkeModelConfig(8, 3, null, List.of("nope"), null, null, null, null,
        Fixtures.config(false, 0.1).tasks(), null, null, null);
    try (NDManager m = NDManager.newBaseManager()) {
      assertThatThrownBy(() -> init(config, new TestParams(m, 1))).isInstanceOf(UserException.class)
          .hasMessageContaining("'nope' at $.model.query-fields").hasMessageContaining("history");
    }
  }
}

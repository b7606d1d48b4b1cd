package org.towerlab.modules.mvke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.towerlab.api.testkit.NDArrayAssert.assertThatArray;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.Side;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Tower;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.testkit.Batches;
import org.towerlab.api.testkit.Forwards;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.api.testkit.TinyData;
import org.towerlab.api.testkit.Tolerance;
import org.towerlab.api.testkit.TowerContract;

/**
 * The tower contract on the item side of the kit's tiny data (the tower alone creates its kernels in
 * its own scope), plus the gate's invariants.
 */
class MvkeTagTowerTest extends TowerContract {

  @Override
  protected Tower newTower(Side side) {
    MvkeModelConfig config = Fixtures.config(false, 0.1);
    return new MvkeTagTower(config, new VirtualKernels(config.kernels(), config.dim(), config.kernelInitStd()),
        "$.model");
  }

  @Override
  protected List<Side> sides() {
    return List.of(Side.ITEM); // the tag tower serves the item side only
  }

  private static TowerOutput encode(NDManager m, Forward fwd) {
    MvkeModelConfig config = Fixtures.config(false, 0.5);
    MvkeTagTower t = new MvkeTagTower(config, new VirtualKernels(3, 8, 0.5), "$.model");
    t.initialize(new TestParams(m, 1).tower(TinyData.split(), Side.ITEM));
    return t.encode(Batches.of(TinyData.split()).build(Side.ITEM, Batches.range(TinyData.ITEMS), m), fwd);
  }

  /** Task a gates kernels {0, 1}, task b {1, 2}: each gate sums to 1 there and is exactly 0 elsewhere. */
  @Test
  void encode_gates_sumToOneOverTheTaskSubsetAndAreExactlyZeroOutside() {
    try (NDManager m = NDManager.newBaseManager()) {
      TowerOutput out = encode(m, Forwards.inference(m));
      int[][] outside = {{2}, {0}};
      String[] tasks = {"a", "b"};
      for (int t = 0; t < 2; t++) {
        float[] beta = out.extras().get(MvkeTagTower.GATE + tasks[t]).toFloatArray(); // [6, 3]
        for (int i = 0; i < TinyData.ITEMS; i++) {
          double sum = 0;
          for (int k = 0; k < 3; k++) {
            sum += beta[i * 3 + k];
          }
          assertThat(sum).as("gate of task %s, item %d", tasks[t], i).isCloseTo(1.0, within(1e-6));
          assertThat(beta[i * 3 + outside[t][0]]).as("task %s, item %d, kernel %d", tasks[t], i, outside[t][0])
              .isEqualTo(0f);
        }
      }
    }
  }

  @Test
  void encode_outputs_headsAreTheTaskTagsInOrderAndEmbeddingThePrimaryTag() {
    try (NDManager m = NDManager.newBaseManager()) {
      TowerOutput out = encode(m, Forwards.inference(m));
      assertThatArray(out.heads()).hasShape(TinyData.ITEMS, 2, 8);
      assertThatArray(out.heads().get(":, 0")).isCloseTo(out.extras().get(MvkeTagTower.TAG + "a"),
          Tolerance.relative(0, 0));
      assertThatArray(out.heads().get(":, 1")).isCloseTo(out.extras().get(MvkeTagTower.TAG + "b"),
          Tolerance.relative(0, 0));
      assertThatArray(out.embedding()).isCloseTo(out.extras().get(MvkeTagTower.TAG + "a"), Tolerance.relative(0, 0));
    }
  }

  @Test
  void encode_training_logsTheGateEntropyOfEachTask() {
    try (NDManager m = NDManager.newBaseManager()) {
      Forward fwd = Forwards.training(m, 1);
      encode(m, fwd);
      // two kernels per task: entropy in [0, ln 2]
      assertThat(fwd.metrics().get("mvke-gate-entropy-a")).isBetween(0.0, Math.log(2) + 1e-6);
      assertThat(fwd.metrics().get("mvke-gate-entropy-b")).isBetween(0.0, Math.log(2) + 1e-6);
    }
  }
}

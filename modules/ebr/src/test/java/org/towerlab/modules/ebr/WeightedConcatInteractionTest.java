package org.towerlab.modules.ebr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.testkit.InteractionContract;

class WeightedConcatInteractionTest extends InteractionContract {

  /** Two slices of width 4 over the contract's 8-wide outputs. */
  @Override
  protected Interaction newInteraction() {
    return new WeightedConcatInteraction(new WeightedConcatInteractionConfig(java.util.List.of(0.5, 1.0)),
        "$.model.interaction");
  }

  @Test
  void scoreAll_handCheckedWeightedSumOfSliceCosines() {
    try (NDManager m = NDManager.newBaseManager()) {
      Forward fwd = Forward.inference(m);
      // slices: q = [(1,0), (0,2)], d = [(1,1), (0,-3)] -> cos 0.70711 and -1
      TowerOutput q = TowerOutput.of(Tensors.create(m, new float[] {1f, 0f, 0f, 2f}, new Shape(1, 4)));
      TowerOutput d = TowerOutput.of(Tensors.create(m, new float[] {1f, 1f, 0f, -3f}, new Shape(1, 4)));
      var inter = new WeightedConcatInteraction(new WeightedConcatInteractionConfig(List.of(2.0, 0.5)), "$.model.interaction");
      assertThat(inter.scoreAll(q, d, fwd).getFloat()).isCloseTo(2 * 0.70711f - 0.5f, within(1e-5f));
      assertThat(inter.scorePaired(q, d, 1, fwd).getFloat()).isCloseTo(2 * 0.70711f - 0.5f, within(1e-5f));
    }
  }

  @Test
  void servedVectors_cosineTimesNormsEqualsTheEnsembleScore() {
    try (NDManager m = NDManager.newBaseManager()) {
      Forward fwd = Forward.inference(m);
      float[] qv = new float[2 * 9];
      float[] dv = new float[3 * 9];
      java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
      for (int i = 0; i < qv.length; i++) {
        qv[i] = (float) rng.nextGaussian();
      }
      for (int i = 0; i < dv.length; i++) {
        dv[i] = (float) rng.nextGaussian();
      }
      NDArray q = Tensors.create(m, qv, new Shape(2, 9));
      NDArray d = Tensors.create(m, dv, new Shape(3, 9));
      List<Double> alpha = List.of(0.5, 1.5, 3.0);
      var inter = new WeightedConcatInteraction(new WeightedConcatInteractionConfig(alpha), "$.model.interaction");
      float[] sw = inter.scoreAll(TowerOutput.of(q), TowerOutput.of(d), fwd).toFloatArray(); // [2, 3]
      float[] cos = Cosines.all(inter.queryVector(q, fwd), inter.itemVector(d)).toFloatArray();
      double scale = Math.sqrt(0.25 + 2.25 + 9.0) * Math.sqrt(3);
      for (int i = 0; i < sw.length; i++) {
        assertThat(cos[i] * scale).isCloseTo(sw[i], within(1e-5));
      }
      // and S_w is the weighted sum of the slices' cosines, computed slice by slice
      float direct = 0;
      for (int s = 0; s < 3; s++) {
        direct += (float) (alpha.get(s) * Cosines.all(q.get(":, " + 3 * s + ":" + 3 * (s + 1)),
            d.get(":, " + 3 * s + ":" + 3 * (s + 1))).toFloatArray()[1]);
      }
      assertThat(sw[1]).isCloseTo(direct, within(1e-5f));
    }
  }

  @Test
  void scoreAll_widthNotAMultipleOfTheWeights_failsNamingIt() {
    try (NDManager m = NDManager.newBaseManager()) {
      var inter = new WeightedConcatInteraction(new WeightedConcatInteractionConfig(List.of(1.0, 1.0)), "$.model.interaction");
      TowerOutput x = TowerOutput.of(m.ones(new Shape(1, 5)));
      assertThatThrownBy(() -> inter.scoreAll(x, x, Forward.inference(m))).isInstanceOf(org.towerlab.api.UserException.class).hasMessageContaining("5")
          .hasMessageContaining("$.model.interaction.weights");
      assertThatThrownBy(() -> new WeightedConcatInteractionConfig(List.of())).hasMessageContaining("[]");
    }
  }
}

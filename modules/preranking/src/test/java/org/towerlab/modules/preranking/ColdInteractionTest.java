package org.towerlab.modules.preranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.towerlab.api.UserException;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;
import org.towerlab.api.testkit.Forwards;
import org.towerlab.api.testkit.InteractionContract;
import org.towerlab.api.testkit.TestParams;
import org.towerlab.api.testkit.TinyData;

class ColdInteractionTest extends InteractionContract {
  @Override
  protected Interaction newInteraction() {
    // outputs [n, 8] of the contract: two fields of width 4 per side
    return new ColdInteraction(new ColdInteractionConfig(List.of(8), null, 4, true, true, 5));
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  @Test
  void scorePaired_oneFieldPerSide_gatedFieldsAndTheirInnerProductThroughTheNetwork() {
    try (NDManager m = NDManager.newBaseManager()) {
      TestParams params = new TestParams(m, 3);
      ColdInteraction cold = new ColdInteraction(new ColdInteractionConfig(List.of(), null, null, true, true, null));
      cold.initialize(params.interaction(TinyData.split()).withTowerDims(2, 2));
      float[] q = {0.5f, -1f};
      float[] v = {2f, 0.25f};
      TowerOutput qo = TowerOutput.of(Tensors.create(m, q, new Shape(1, 2)));
      TowerOutput vo = TowerOutput.of(Tensors.create(m, v, new Shape(1, 2)));

      float score = cold.scorePaired(qo, vo, 1, Forwards.inference(m)).getFloat();

      Map<String, float[]> w = new java.util.HashMap<>();
      params.all().forEach((k, a) -> w.put(k.substring("model.interaction.".length()), a.toFloatArray()));
      float[] x = {q[0], q[1], v[0], v[1]};
      double[] gate = new double[2];
      for (int f = 0; f < 2; f++) { // se.weight [4, 2]
        double z = w.get("se.bias")[f];
        for (int i = 0; i < 4; i++) {
          z += x[i] * w.get("se.weight")[i * 2 + f];
        }
        gate[f] = sigmoid(z);
      }
      double[] in = {gate[0] * q[0], gate[0] * q[1], gate[1] * v[0], gate[1] * v[1], 0};
      in[4] = in[0] * in[2] + in[1] * in[3]; // the one cross feature: <e'_query, e'_item>
      double expected = w.get("mlp.0.bias")[0];
      for (int i = 0; i < 5; i++) {
        expected += in[i] * w.get("mlp.0.weight")[i];
      }
      assertThat((double) score).isCloseTo(expected, within(1e-5));
    }
  }

  @Test
  void flopsPerPair_countsTheSeLayerTheCrossProductsAndTheNetwork() {
    try (NDManager m = NDManager.newBaseManager()) {
      ColdInteraction cold = new ColdInteraction(new ColdInteractionConfig(List.of(), null, null, true, true, null));
      cold.initialize(new TestParams(m, 3).interaction(TinyData.split()).withTowerDims(2, 2));

      // D = 4, F = 2, d = 2: SE 2*4*2 + 2*2 + 4 = 24; Gram 2*2*2*2 = 16; MLP 5 -> 1: 2*5 + 1 = 11
      assertThat(cold.flopsPerPair(2)).isEqualTo(51);
      assertThat(cold.itemSidePrecomputable()).isFalse();
    }
  }

  @Test
  void initialize_crossOverFieldsOfDifferentWidths_userError() {
    try (NDManager m = NDManager.newBaseManager()) {
      ColdInteraction cold = new ColdInteraction(new ColdInteractionConfig(null, null, null, null, true, null));
      assertThatThrownBy(() -> cold.initialize(new TestParams(m, 3).interaction(TinyData.split()).withTowerDims(8, 6)))
          .isInstanceOf(UserException.class).hasMessageContaining("cross: false");
    }
  }

  @Test
  void initialize_fieldDimNotDividingTheOutputs_userError() {
    try (NDManager m = NDManager.newBaseManager()) {
      ColdInteraction cold = new ColdInteraction(new ColdInteractionConfig(null, null, 3, null, null, null));
      assertThatThrownBy(() -> cold.initialize(new TestParams(m, 3).interaction(TinyData.split()).withTowerDims(8, 8)))
          .isInstanceOf(UserException.class).hasMessageContaining("field-dim 3");
    }
  }
}

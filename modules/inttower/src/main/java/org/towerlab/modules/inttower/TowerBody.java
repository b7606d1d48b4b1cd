package org.towerlab.modules.inttower;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.List;
import org.towerlab.api.model.FeatureBatch;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.nn.Dropout;
import org.towerlab.api.nn.FieldEncoder;
import org.towerlab.api.nn.Linear;

/**
 * The shared trunk of both IntTower towers: field embeddings, optional Light-SE, then fully
 * connected layers with ReLU and dropout after every layer (the official {@code User_Fe_DNN} /
 * {@code Item_Fe_DNN} without BatchNorm).
 *
 * <pre>
 * E   = FieldEncoder(fields) as [N, F, e]      categorical: lookup; multi-categorical, sequence: mean; dense: projection
 * x0  = flatten(LightSe(E))                     [N, F*e]  (flatten(E) without Light-SE)
 * h_l = dropout(relu(W_l h_{l-1} + b_l))        [N, hidden_l],  h_0 = x0,  l = 1..L
 * </pre>
 *
 * {@link #forward} returns {@code [x0, h_1, ..., h_L]}, so that a tower can project any layer's
 * input or output.
 */
final class TowerBody {
  private final FieldEncoder fields;
  private final LightSe lightSe;
  private final List<Linear> layers = new ArrayList<>();
  private final List<Integer> widths = new ArrayList<>();
  private final int embeddingDim;
  private final double dropout;

  TowerBody(InitContext ctx, List<String> fieldNames, int embeddingDim, boolean useLightSe, List<Integer> hidden,
      double dropout, double initStd, String path) {
    this.embeddingDim = embeddingDim;
    this.dropout = dropout;
    this.fields = new FieldEncoder(ctx, fieldNames, embeddingDim, initStd, path);
    this.lightSe = useLightSe ? new LightSe(ctx.params(), fields.fields().size()) : null;
    widths.add(fields.width());
    for (int i = 0; i < hidden.size(); i++) {
      layers.add(new Linear(ctx.params().scope("mlp"), String.valueOf(i), widths.get(i), hidden.get(i), true));
      widths.add(hidden.get(i));
    }
  }

  /** Widths of {@code [x0, h_1, ..., h_L]}. */
  List<Integer> widths() {
    return List.copyOf(widths);
  }

  /** Number of fields F. */
  int fieldCount() {
    return fields.fields().size();
  }

  /** Light-SE, or {@code null} when off. */
  LightSe lightSe() {
    return lightSe;
  }

  /** The field embeddings {@code E [N, F, e]} before Light-SE. */
  NDArray embeddings(FeatureBatch features) {
    NDArray flat = fields.encode(features); // [N, F*e]
    return flat.reshape(flat.getShape().get(0), fieldCount(), embeddingDim); // [N, F, e]
  }

  /** {@code [x0 [N, F*e], h_1 [N, hidden_1], ..., h_L [N, hidden_L]]}. */
  List<NDArray> forward(FeatureBatch features, Forward fwd) {
    NDArray e = embeddings(features); // [N, F, e]
    if (lightSe != null) {
      e = lightSe.forward(e); // [N, F, e]
    }
    List<NDArray> out = new ArrayList<>();
    NDArray h = e.reshape(e.getShape().get(0), -1); // [N, F*e]
    out.add(h);
    for (Linear layer : layers) {
      h = Activation.relu(layer.forward(h)); // [N, hidden_l]
      if (fwd.training() && dropout > 0) {
        h = Dropout.apply(h, dropout, fwd); // [N, hidden_l]
      }
      out.add(h);
    }
    return out;
  }
}

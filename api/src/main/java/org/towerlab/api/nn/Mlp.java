package org.towerlab.api.nn;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.towerlab.api.model.Forward;

/**
 * A multi-layer perceptron: Linear + ReLU for each hidden width, then a final Linear without
 * activation. Dropout (inverted, from the forward pass's seeded generator) after each hidden layer
 * while training.
 */
public final class Mlp {
  private final List<Linear> layers = new ArrayList<>();
  private final double dropout;

  /**
   * @param widths the input width followed by every layer's output width ({@code [in, h1, .., out]})
   */
  public Mlp(Params params, String name, List<Integer> widths, double dropout) {
    if (widths.size() < 2) {
      throw new IllegalArgumentException("an MLP needs an input and an output width, got " + widths);
    }
    Params p = params.scope(name);
    for (int i = 0; i + 1 < widths.size(); i++) {
      layers.add(new Linear(p, String.valueOf(i), widths.get(i), widths.get(i + 1), true));
    }
    this.dropout = dropout;
  }

  /** {@code x [N, in]} to {@code [N, out]}. */
  public NDArray forward(NDArray x, Forward fwd) {
    return forwardLayers(x, fwd).get(layers.size() - 1);
  }

  /** The output of every layer (hidden ones after activation), for per-layer interactions. */
  public List<NDArray> forwardLayers(NDArray x, Forward fwd) {
    List<NDArray> outs = new ArrayList<>();
    NDArray h = x;
    for (int i = 0; i < layers.size(); i++) {
      h = layers.get(i).forward(h); // [N, width_i+1]
      if (i + 1 < layers.size()) {
        h = ai.djl.nn.Activation.relu(h);
        if (fwd.training() && dropout > 0) {
          h = Dropout.apply(h, dropout, fwd);
        }
      }
      outs.add(h);
    }
    return outs;
  }
}

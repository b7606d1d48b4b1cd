package org.towerlab.modules.inttower;

import ai.djl.ndarray.NDArray;
import org.towerlab.api.nn.Linear;
import org.towerlab.api.nn.Params;

/**
 * IntTower's Light-SE field weighting (Li et al., CIKM 2022), a lightweight
 * squeeze-and-excitation over the F field embeddings of one tower:
 *
 * <pre>
 * z = mean_k(E)              [N, F]      squeeze: each field's mean over its k embedding dimensions
 * a = softmax_F(z W)         [N, F]      excitation: W is F x F, no bias (official layers/interaction.py)
 * E' = E + a (.) E           [N, F, k]   each field scaled by (1 + a_f)
 * </pre>
 *
 * The weights {@code a} sum to 1 over the fields of each sample, so a field's vector keeps its
 * direction and is scaled by a factor in (1, 2); with {@code W = 0} every field gets
 * {@code a_f = 1/F} and {@code E' = (1 + 1/F) E}.
 */
public final class LightSe {
  private final Linear excitation;
  private final int fields;

  /** Creates W ({@code [F, F]}, Xavier) as {@code <scope>.light-se.weight}. */
  public LightSe(Params params, int fields) {
    if (fields <= 0) {
      throw new IllegalArgumentException("Light-SE needs at least one field, got " + fields);
    }
    this.fields = fields;
    this.excitation = new Linear(params, "light-se", fields, fields, false);
  }

  /** The excitation matrix W {@code [F, F]} (a parameter). */
  public NDArray weight() {
    return excitation.weight();
  }

  /** The field weights {@code a = softmax(mean_k(E) W)} {@code [N, F]} of embeddings {@code E [N, F, k]}. */
  public NDArray weights(NDArray e) {
    check(e);
    NDArray z = e.mean(new int[] {2}); // [N, F]
    return excitation.forward(z).softmax(1); // [N, F]
  }

  /** The re-weighted embeddings {@code E (.) (1 + a)} {@code [N, F, k]}. */
  public NDArray forward(NDArray e) {
    NDArray a = weights(e); // [N, F]
    return e.mul(a.add(1f).expandDims(2)); // [N, F, k]; add(1f) needs no scalar in its backward
  }

  private void check(NDArray e) {
    if (e.getShape().dimension() != 3 || e.getShape().get(1) != fields) {
      throw new IllegalArgumentException("Light-SE over " + fields + " fields expects [N, " + fields + ", k], got "
          + e.getShape());
    }
  }
}

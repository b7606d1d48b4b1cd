package org.towerlab.modules.tarq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.model.Forward;
import org.towerlab.api.nn.EmbeddingTable;
import org.towerlab.api.nn.Init;
import org.towerlab.api.nn.Params;

/**
 * Encodes a behaviour sequence (a {@code SEQUENCE} field: item ids + 1, 0 = padding, most recent
 * last) into one vector per position:
 *
 * <pre>
 *   X = E[ids] + P                  [N, T, d]   item embedding + learned position (counted from the end)
 *   H = X + MHA(X, X, X)            [N, T, d]   one self-attention layer with a residual (optional)
 * </pre>
 *
 * <p>TARQ's backbone and teacher run {@code H_u = MHA(X_seq, X_seq, X_seq)} over the sequence before
 * the target attention [S: secondary summaries of the paper]; this is that layer, without the
 * feed-forward block and layer norm (not specified by the public sources).
 */
final class SequenceEncoder {
  private final EmbeddingTable items;
  private final NDArray positions; // [T, d]
  private final MultiHeadAttention self;
  private final int length;

  SequenceEncoder(Params params, FieldSpec field, int dim, int heads, boolean selfAttention, double initStd) {
    this.items = new EmbeddingTable(params, "items", field.cardinality() + 1, dim, initStd);
    this.length = field.maxLength();
    this.positions = params.create("positions", new Shape(length, dim), Init.normal(initStd));
    this.self = selfAttention ? new MultiHeadAttention(params.scope("self-attention"), dim, dim, dim, dim, heads) : null;
  }

  /** An encoded sequence: {@code H [N, T, d]} and its mask {@code [N, T]} (1 = real position). */
  record Encoded(NDArray sequence, NDArray mask) {}

  /** @param ids int64 {@code [N, T]} (ids + 1, 0 = padding) */
  Encoded encode(NDArray ids, Forward fwd) {
    NDArray mask = ids.gt(0).toType(DataType.FLOAT32, false); // [N, T]
    NDArray x = items.lookup(ids).add(positions); // [N, T, d]
    if (self == null) {
      return new Encoded(x, mask);
    }
    NDArray h = x.add(self.attendPerRow(x, self.keys(x, mask), fwd)); // [N, T, d]
    return new Encoded(h, mask);
  }

  int length() {
    return length;
  }

  /** Mean of the real positions {@code [N, d]} (zeros for an empty sequence). */
  static NDArray maskedMean(NDArray sequence, NDArray mask) {
    NDArray sum = sequence.mul(mask.expandDims(2)).sum(new int[] {1}); // [N, d]
    NDArray count = mask.sum(new int[] {1}, true).maximum(1f); // [N, 1], no gradient
    return sum.div(count);
  }
}

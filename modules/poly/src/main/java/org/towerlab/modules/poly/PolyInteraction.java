package org.towerlab.modules.poly;

import ai.djl.ndarray.NDArray;
import java.util.concurrent.atomic.AtomicLong;
import org.towerlab.api.UserException;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;

/**
 * The Poly-encoder's candidate attention (Humeau et al., ICLR 2020, arXiv 1905.01969; ParlAI
 * {@code PolyEncoderModule.score}): each candidate embedding {@code y_c} attends over the query's m
 * context vectors {@code Y [m, D]} (its {@link TowerOutput#heads()}, from {@link PolyTower}) and is
 * scored against the context vector it made:
 *
 * <pre>
 * w   = softmax_m(Y y_c (/ sqrt D))        [m]     one distribution per (query, candidate)
 * y_f = sum_j w_j Y_j                      [D]
 * s   = &lt;y_f, y_c&gt; = sum_j w_j &lt;Y_j, y_c&gt;
 * </pre>
 *
 * The right-hand form is what is computed: the m dot products {@code <Y_j, y_c>} are the attention
 * logits, so the score is their softmax-weighted mean (algebraically the paper's
 * {@code <w Y, y_c>}, without materializing a {@code [B, M, D]} tensor). The candidate vector is
 * the item tower's {@code embedding}; item towers never see the query, so item vectors are
 * computed once and cached ({@link #itemSidePrecomputable()}), while every pair still pays for its
 * own attention. A query output without heads counts as one context vector, its embedding: then
 * {@code w = 1} and the score is the dot product (a bi-encoder). Each candidate's score depends
 * only on its own vector, never on the other candidates scored with it.
 */
public final class PolyInteraction implements Interaction {
  private final boolean sqrt;
  /** Code count of the last scored query output, for {@link #flopsPerPair(long)}. */
  private final AtomicLong lastCodes = new AtomicLong(1);

  public PolyInteraction(PolyInteractionConfig config) {
    this.sqrt = "sqrt".equals(config.attention());
  }

  /** The context vectors {@code [B, m, D]} of a query output (its embedding as one vector if it has no heads). */
  static NDArray contexts(TowerOutput queries) {
    return queries.heads() != null ? queries.heads() : queries.embedding().expandDims(1);
  }

  @Override
  public NDArray scoreAll(TowerOutput queries, TowerOutput items, Forward fwd) {
    NDArray y = contexts(queries); // [B, m, D]
    NDArray logits = logitsAll(y, items.embedding()); // [B, m, M]
    return pool(logits, 1, y.getShape().get(2), fwd); // [B, M]
  }

  @Override
  public NDArray scorePaired(TowerOutput queries, TowerOutput items, int k, Forward fwd) {
    NDArray y = contexts(queries); // [B, m, D]
    NDArray yc = items.embedding(); // [B*K, D]
    long b = y.getShape().get(0);
    long d = checkWidth(y, yc);
    lastCodes.set(y.getShape().get(1));
    NDArray logits = yc.reshape(b, k, d).batchMatMul(y.transpose(0, 2, 1)); // [B, K, m]
    return pool(logits, 2, d, fwd); // [B, K]
  }

  /**
   * The candidate attention w {@code [B, M, m]}: for each query and candidate a distribution over
   * the query's m context vectors (sums to 1 over m).
   */
  public NDArray candidateAttention(TowerOutput queries, TowerOutput items, Forward fwd) {
    NDArray y = contexts(queries); // [B, m, D]
    NDArray logits = logitsAll(y, items.embedding()); // [B, m, M]
    return scaled(logits, y.getShape().get(2), fwd).softmax(1).transpose(0, 2, 1); // [B, M, m]
  }

  private NDArray logitsAll(NDArray y, NDArray yc) {
    checkWidth(y, yc);
    lastCodes.set(y.getShape().get(1));
    return y.matMul(yc.transpose()); // [B, m, M]: <Y_j, y_c>
  }

  /** {@code sum_axis softmax_axis(logits) * logits}: the attended context dotted with the candidate. */
  private NDArray pool(NDArray logits, int axis, long d, Forward fwd) {
    NDArray w = scaled(logits, d, fwd).softmax(axis); // sums to 1 over m
    return w.mul(logits).sum(new int[] {axis});
  }

  private NDArray scaled(NDArray logits, long d, Forward fwd) {
    return sqrt ? logits.div(Tensors.scalar(fwd.manager(), (float) Math.sqrt(d))) : logits;
  }

  private static long checkWidth(NDArray y, NDArray yc) {
    long d = y.getShape().get(2);
    if (yc.getShape().get(1) != d) {
      throw new UserException("The poly interaction attends with each candidate vector over the query's context"
          + " vectors, so both need the same width; the query tower gives " + d + " and the item tower "
          + yc.getShape().get(1) + ". Set the item tower's output-dim to the poly tower's output-dim (" + d + ").");
    }
    return d;
  }

  @Override
  public boolean itemSidePrecomputable() {
    return true;
  }

  /**
   * Per pair, with m context vectors of width d: m dot products ({@code 2 m d}), the softmax over m
   * (max, subtract, exp, sum, divide: {@code 5 m}; {@code + m} with {@code sqrt} scaling) and the
   * weighted sum ({@code 2 m}). m is the code count of the last scored query output.
   */
  @Override
  public long flopsPerPair(long dim) {
    return flops(lastCodes.get(), dim);
  }

  @Override
  public long flopsPerPair(TowerOutput queries, TowerOutput items) {
    return flops(contexts(queries).getShape().get(1), items.dim());
  }

  private long flops(long m, long d) {
    return 2 * m * d + 7 * m + (sqrt ? m : 0);
  }
}

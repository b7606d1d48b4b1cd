package org.towerlab.modules.tarq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import org.towerlab.api.model.Forward;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.Parameterized;
import org.towerlab.api.model.TowerOutput;

/**
 * Target attention (Zhou et al., "Deep Interest Network for Click-Through Rate Prediction", KDD
 * 2018): the candidate item's query attends over the user's encoded behaviour sequence, and the
 * attended vector scores the item. TARQ's teacher ("Target-Attention Net", Li et al., "Equip
 * Pre-ranking with Target Attention by Residual Quantization", SIGIR 2026, arXiv 2509.16931):
 *
 * <pre>
 *   h_tar(u, i) = MHA(q_i, H_u, H_u)              [d]      q_i from {@link ItemQueryTower}, H_u from {@link SequenceTower}
 *   s(u, i)     = &lt;h_tar(u, i) + v_u, q_i&gt;         scalar   (v_u only with the backbone)
 * </pre>
 *
 * <p>The readout {@code <h + v_u, q>} is ours [I]: the paper's logit head is in classes that are not
 * public. It is linear in h, so a student that reproduces h (TARQ's {@code h_tilde}) reproduces the
 * score. Not decomposable: every (user, item) pair runs the attention, so the item side is not
 * precomputable (its query projection is).
 */
final class TargetAttention implements Interaction, Parameterized {
  private final Architecture arch;
  private MultiHeadAttention attention;
  private long length = -1;

  TargetAttention(Architecture arch) {
    this.arch = arch;
  }

  @Override
  public void initialize(InitContext ctx) {
    attention = new MultiHeadAttention(ctx.params(), arch.dim(), arch.dim(), arch.dim(), arch.dim(), arch.heads());
    ctx.dataset().schema().field(org.towerlab.api.data.Side.QUERY, arch.sequenceField())
        .ifPresent(f -> length = f.maxLength());
  }

  MultiHeadAttention attention() {
    return attention;
  }

  /** The users' keys and values. */
  MultiHeadAttention.Keys keys(TowerOutput users) {
    return attention.keys(users.heads(), users.extras().get(SequenceTower.MASK));
  }

  /**
   * Each row's own queries over its sequence.
   *
   * @param queries {@code [B, C, d]}
   * @return h {@code [B, C, d]}
   */
  NDArray attend(TowerOutput users, NDArray queries, Forward fwd) {
    return attention.attendPerRow(queries, keys(users), fwd);
  }

  /**
   * Queries shared by every row, in blocks of rows so that at most {@code chunk} attention weights
   * exist at once.
   *
   * @param queries {@code [Q, d]}
   * @return {@code [B, Q, d]}
   */
  NDArray attendShared(TowerOutput users, NDArray queries, Forward fwd) {
    NDArray h = users.heads(); // [B, T, d]
    NDArray mask = users.extras().get(SequenceTower.MASK); // [B, T]
    long b = h.getShape().get(0);
    long q = queries.getShape().get(0);
    long t = h.getShape().get(1);
    long rows = Math.max(1, arch.chunk() / Math.max(1, arch.heads() * q * t));
    if (rows >= b) {
      return attention.attendShared(queries, attention.keys(h, mask), fwd);
    }
    NDList parts = new NDList();
    for (long from = 0; from < b; from += rows) {
      long to = Math.min(b, from + rows);
      String r = from + ":" + to;
      parts.add(attention.attendShared(queries, attention.keys(h.get(r), mask.get(r)), fwd)); // [r, Q, d]
    }
    return NDArrays.concat(parts, 0); // [B, Q, d]
  }

  /**
   * The readout {@code <h + v_u, q>}.
   *
   * @param h attended vectors {@code [B, C, d]}
   * @param users the users (their embedding is v_u when the backbone is on)
   * @param q the items' queries {@code [B, C, d]} or {@code [1, C, d]}
   * @return {@code [B, C]}
   */
  NDArray readout(NDArray h, TowerOutput users, NDArray q) {
    NDArray x = arch.backbone() ? h.add(users.embedding().expandDims(1)) : h; // [B, C, d]
    return x.mul(q).sum(new int[] {2}); // [B, C]
  }

  @Override
  public NDArray scoreAll(TowerOutput queries, TowerOutput items, Forward fwd) {
    NDArray q = items.embedding(); // [M, d]
    NDArray h = attendShared(queries, q, fwd); // [B, M, d]
    return readout(h, queries, q.expandDims(0)); // [B, M]
  }

  @Override
  public NDArray scorePaired(TowerOutput queries, TowerOutput items, int k, Forward fwd) {
    long b = queries.embedding().getShape().get(0);
    NDArray q = items.embedding().reshape(b, k, arch.dim()); // [B, K, d]
    return readout(attend(queries, q, fwd), queries, q); // [B, K]
  }

  @Override
  public boolean itemSidePrecomputable() {
    return false;
  }

  /**
   * Per pair, with T the sequence length: attention scores and weighted values (4 T d), the softmax
   * (3 T H), the output projection (2 d^2) and the readout (2 d, plus d for the backbone). The
   * query projection {@code q W_Q} is per item (precomputable) and the keys and values per user; they
   * are not counted.
   */
  @Override
  public long flopsPerPair(long dim) {
    long t = Math.max(length, 0);
    return attentionFlops(t, dim, arch.heads()) + 2 * dim + (arch.backbone() ? dim : 0);
  }

  @Override
  public long flopsPerPair(TowerOutput queries, TowerOutput items) {
    if (queries.heads() != null) {
      length = queries.heads().getShape().get(1);
    }
    return flopsPerPair(items.dim());
  }

  /** One attention query over a sequence of length t, output projection included. */
  static long attentionFlops(long t, long dim, long heads) {
    return 4 * t * dim + 3 * t * heads + 2 * dim * dim;
  }
}

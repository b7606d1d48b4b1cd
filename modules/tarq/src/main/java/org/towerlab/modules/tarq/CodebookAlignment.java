package org.towerlab.modules.tarq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.towerlab.api.nn.Tensors;

/**
 * TARQ's codebook alignment loss (Li et al., SIGIR 2026, arXiv 2509.16931; the public file of
 * {@code zyody/tarq_sigir2026}). Two residual chains advance with the same item-side codes
 * {@code z_l}: the item query through the codebooks and the teacher's attended vector through the
 * user's personalized codebook,
 *
 * <pre>
 *   r_0 = q,  rb_0 = sg(h_tar)
 *   p_l  = softmax_k(-||r_(l-1)  - C_l[k]||^2 / tau)        [B, C, K]
 *   pb_l = softmax_k(-||rb_(l-1) - X_bar_l[k]||^2 / tau)    [B, C, K]
 *   r_l = r_(l-1) - C_l[z_l],  rb_l = rb_(l-1) - X_bar_l[z_l]
 *   L_align = sum_l mean_cells [ KL(p_l || pb_l) + KL(pb_l || p_l) ]
 * </pre>
 *
 * so the codeword that is nearest to the item's residual should also be the one whose personalized
 * vector is nearest to the teacher's. {@code q} is not stopped (the item query and the codebooks
 * learn from it, as in the official code); the teacher's vector is. With {@code eps > 0} the KL is
 * the official code's {@code sum p log(p / (pb + eps) + eps)}; with {@code eps = 0} it is the exact
 * KL from log-softmaxes ({@code >= 0}, and 0 exactly when the distributions agree).
 */
final class CodebookAlignment {
  private CodebookAlignment() {}

  /**
   * @param q the items' queries {@code [B, C, d]} (with gradient)
   * @param target the teacher's attended vectors {@code [B, C, d]}, already stop-gradiented
   * @param codebooks {@code L x [K, d]}
   * @param xbar the users' personalized codebooks {@code [B, L*K, d]}
   * @param codes the cells' codes, row-major {@code [B, C, L]}
   * @return the scalar loss on {@code manager}
   */
  static NDArray loss(NDArray q, NDArray target, NDArray[] codebooks, NDArray xbar, long[] codes, float temperature,
      float epsilon, NDManager manager) {
    int levels = codebooks.length;
    int size = Math.toIntExact(codebooks[0].getShape().get(0));
    long b = q.getShape().get(0);
    int c = Math.toIntExact(q.getShape().get(1));
    NDArray invT = Tensors.scalar(manager, 1f / temperature);
    NDArray two = Tensors.scalar(manager, 2f); // a tensor, not a Java number: mul's backward reads it
    NDArray r = q; // [B, C, d]
    NDArray rb = target; // [B, C, d]
    NDArray total = null;
    for (int l = 0; l < levels; l++) {
      NDArray cl = codebooks[l]; // [K, d]
      NDArray xl = xbar.get(":, " + (l * size) + ":" + ((l + 1) * size) + ", :"); // [B, K, d]
      // -||r - c||^2 up to a term constant in k (||r||^2), which the softmax ignores
      NDArray lp = r.matMul(cl.transpose()).mul(two) // [B, C, K]
          .sub(cl.square().sum(new int[] {1}).reshape(1, 1, size)).mul(invT);
      NDArray lpb = rb.matMul(xl.transpose(0, 2, 1)).mul(two) // [B, C, K]
          .sub(xl.square().sum(new int[] {2}).expandDims(1)).mul(invT);
      NDArray sym = symmetricKl(lp, lpb, epsilon).mean(); // []
      total = total == null ? sym : total.add(sym);
      if (l + 1 < levels) {
        long[] idx = levelCodes(codes, b, c, levels, l);
        r = r.sub(ResidualQuantizer.rows(cl, Tensors.create(manager, idx, new Shape(b, c)))); // [B, C, d]
        rb = rb.sub(PersonalizedCodebook.gather(xbar, codes, c, levels, size, l, l + 1, manager)); // [B, C, d]
      }
    }
    return total;
  }

  /**
   * {@code KL(p || pb) + KL(pb || p)} per cell from logits {@code [.., K]}, summed over k: {@code [..]}.
   */
  static NDArray symmetricKl(NDArray logitsP, NDArray logitsPb, float epsilon) {
    if (epsilon == 0f) {
      NDArray lp = logitsP.logSoftmax(-1);
      NDArray lpb = logitsPb.logSoftmax(-1);
      NDArray diff = lp.sub(lpb);
      return lp.exp().sub(lpb.exp()).mul(diff).sum(new int[] {-1});
    }
    NDArray p = logitsP.softmax(-1);
    NDArray pb = logitsPb.softmax(-1);
    NDArray forward = p.mul(p.div(pb.add(epsilon)).add(epsilon).log()).sum(new int[] {-1});
    NDArray backward = pb.mul(pb.div(p.add(epsilon)).add(epsilon).log()).sum(new int[] {-1});
    return forward.add(backward);
  }

  private static long[] levelCodes(long[] codes, long b, int c, int levels, int l) {
    long[] idx = new long[Math.toIntExact(b * c)];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = codes[i * levels + l];
    }
    return idx;
  }
}

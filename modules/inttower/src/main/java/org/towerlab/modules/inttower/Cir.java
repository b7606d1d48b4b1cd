package org.towerlab.modules.inttower;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.towerlab.api.UserException;
import org.towerlab.api.model.Coupling;
import org.towerlab.api.model.TowerOutput;
import org.towerlab.api.nn.Tensors;

/**
 * IntTower's contrastive interaction regularization (CIR; Li et al., CIKM 2022): an
 * InfoNCE term that pulls each user toward its own item and away from the other candidates of the
 * step, in the cosine space of the user's last FE projection and the item's FE projection.
 *
 * <pre>
 * u_i = vec M_u^L(i) / ||.||                         [B, D]   the user's last projection
 * v_c = vec M_v(c) / ||.||                           [C, D]   candidates c of row i:
 *       in-batch: the items of all B rows (column i = the row's own item, the positive),
 *       shared sampled candidates, then row i's own per-query candidates (Coupling.Sampled)
 * s_ic = cos(u_i, v_c) / tau ;  masked (-inf) where candidate c != i holds row i's item (accidental hit)
 * L_cir = - (1 / |A|) sum_{i in A} log softmax_c(s_i)[i]
 * </pre>
 *
 * A = the anchor rows: those labelled {@code positive} (every row of a positives-only step; the
 * clicked rows of a logged step, whose unclicked rows still serve as other rows' candidates). No
 * stop-gradient: the gradient reaches the user tower through u and the item tower through every v.
 * The official code ({@code contrast_loss}, cosine with tau = 0.07 on the same two projections)
 * indexes the positive column by the click label instead of the row and, at HEAD, does not add the
 * term to the loss; see docs/methods/inttower.md.
 */
final class Cir {
  private static final float MASKED = -1e9f;

  private Cir() {}

  /**
   * @return the scalar {@code L_cir} on {@code m}, or {@code null} when no row is a positive
   */
  static NDArray loss(Coupling.Pairs pairs, double temperature, String path, NDManager m) {
    TowerOutput query = pairs.query();
    NDArray u = normalize(userRepresentation(query), m); // [B, D]
    NDArray v = normalize(itemRepresentation(pairs.item(), u, path), m); // [B, D]
    int b = Math.toIntExact(u.getShape().get(0));
    float[] anchor = anchors(pairs, b);
    float count = 0;
    for (float a : anchor) {
      count += a;
    }
    if (count == 0) {
      return null;
    }
    long[] own = pairs.itemIds();
    NDList columns = new NDList();
    List<float[]> penalties = new ArrayList<>();
    List<Integer> widths = new ArrayList<>();

    columns.add(u.matMul(v.transpose())); // [B, B]
    float[] inBatch = new float[b * b];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < b; j++) {
        boolean hit = j != i && own != null && own[j] == own[i];
        inBatch[i * b + j] = hit ? MASKED : 0f;
      }
    }
    penalties.add(inBatch);
    widths.add(b);

    Coupling.Sampled sampled = pairs.sampled();
    if (sampled != null && sampled.items() != null) {
      int shared = sampled.shared();
      int k = sampled.perQuery();
      long[] ids = sampled.ids();
      NDArray cand = normalize(itemRepresentation(sampled.items(), u, path), m); // [S + B*K, D]
      if (shared > 0) {
        columns.add(u.matMul(cand.get("0:" + shared).transpose())); // [B, S]
        float[] pen = new float[b * shared];
        for (int i = 0; i < b; i++) {
          for (int s = 0; s < shared; s++) {
            pen[i * shared + s] = ids[s] < 0 || (own != null && ids[s] == own[i]) ? MASKED : 0f;
          }
        }
        penalties.add(pen);
        widths.add(shared);
      }
      if (k > 0) {
        NDArray per = cand.get(shared + ":" + (shared + (long) b * k)).reshape(b, k, -1); // [B, K, D]
        columns.add(per.mul(u.expandDims(1)).sum(new int[] {2})); // [B, K]
        float[] pen = new float[b * k];
        for (int i = 0; i < b; i++) {
          for (int j = 0; j < k; j++) {
            long id = ids[shared + i * k + j];
            pen[i * k + j] = id < 0 || (own != null && id == own[i]) ? MASKED : 0f;
          }
        }
        penalties.add(pen);
        widths.add(k);
      }
    }
    int c = widths.stream().mapToInt(Integer::intValue).sum();
    NDArray cos = columns.size() == 1 ? columns.get(0) : NDArrays.concat(columns, 1); // [B, C]
    NDArray logits = cos.div(Tensors.scalar(m, (float) temperature))
        .add(Tensors.create(m, interleave(penalties, widths, b), new Shape(b, c))); // [B, C]
    float[] pick = new float[b * c];
    for (int i = 0; i < b; i++) {
      pick[i * c + i] = anchor[i] / count; // the positive is in-batch column i
    }
    return logits.logSoftmax(1).mul(Tensors.create(m, pick, new Shape(b, c))).sum().neg(); // []
  }

  /** The user's last FE projection {@code [B, D]} (its flattened heads, or its embedding, for other towers). */
  static NDArray userRepresentation(TowerOutput query) {
    if (query.layers() != null && !query.layers().isEmpty()) {
      return query.layers().get(query.layers().size() - 1);
    }
    return flatten(query);
  }

  private static NDArray itemRepresentation(TowerOutput items, NDArray u, String path) {
    NDArray v = flatten(items); // [N, D']
    if (v.getShape().get(1) != u.getShape().get(1)) {
      throw new UserException("CIR at " + path + " compares the user's last FE projection (width "
          + u.getShape().get(1) + ") with the item representation (width " + v.getShape().get(1) + ") by cosine: "
          + "make the item tower's heads x head-dim equal to the user tower's, or set " + path + ".cir-weight: 0.");
    }
    return v;
  }

  private static NDArray flatten(TowerOutput out) {
    return out.heads() != null ? out.heads().reshape(out.heads().getShape().get(0), -1) : out.embedding();
  }

  private static NDArray normalize(NDArray x, NDManager m) {
    NDArray norm = x.square().sum(new int[] {1}, true).add(Tensors.scalar(m, 1e-12f)).sqrt(); // [N, 1]
    return x.div(norm); // [N, D]
  }

  /** 1 for rows labelled positive (every row when the step has no {@code positive} label), else 0. */
  private static float[] anchors(Coupling.Pairs pairs, int b) {
    NDArray y = pairs.labels().get("positive");
    float[] out = new float[b];
    if (y == null) {
      java.util.Arrays.fill(out, 1f);
      return out;
    }
    float[] v = y.toFloatArray();
    for (int i = 0; i < b; i++) {
      out[i] = v[i] > 0 ? 1f : 0f;
    }
    return out;
  }

  private static float[] interleave(List<float[]> cols, List<Integer> widths, int b) {
    int total = widths.stream().mapToInt(Integer::intValue).sum();
    float[] out = new float[b * total];
    int offset = 0;
    for (int c = 0; c < cols.size(); c++) {
      int w = widths.get(c);
      for (int i = 0; i < b; i++) {
        System.arraycopy(cols.get(c), i * w, out, i * total + offset, w);
      }
      offset += w;
    }
    return out;
  }
}

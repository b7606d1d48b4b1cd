package org.towerlab.modules.dat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.towerlab.api.nn.Tensors;

/**
 * DAT's Category Alignment Loss (Yu et al., DLP-KDD 2021), a CORAL-style second-order
 * alignment of the item vectors of each category with those of the batch's largest category:
 *
 * <pre>
 *   loss_CA = sum_{c != major} || C(S_major) - C(S_c) ||_F^2
 *   C(S)    = 1 / (|S| - 1) * sum_{x in S} (x - mean(S)) (x - mean(S))^T      (D x D)
 * </pre>
 *
 * <p>{@code S_c} is the set of the batch's item vectors of category {@code c} (every encoded row,
 * duplicates included); {@code major} is the category with the most rows, ties broken by the
 * smaller category id. Categories with fewer than two rows have no (unbiased) covariance and are
 * skipped; if the largest category has fewer than two rows, or no other category has two, the loss
 * is zero. Gradients flow into every vector of the compared categories (no stop-gradient).
 */
final class CategoryAlignment {
  private CategoryAlignment() {}

  /**
   * @param x the item vectors {@code [N, D]}, a batch array
   * @param categories the category of each row, length N
   * @param manager the batch manager
   * @return the scalar loss on {@code manager} (a constant zero when fewer than two categories
   *     have two rows)
   */
  static NDArray loss(NDArray x, int[] categories, NDManager manager) {
    int n = categories.length;
    if (x.getShape().get(0) != n) {
      throw new IllegalArgumentException("CAL got " + x.getShape() + " vectors for " + n + " categories");
    }
    Map<Integer, List<Integer>> groups = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      groups.computeIfAbsent(categories[i], c -> new ArrayList<>()).add(i);
    }
    int major = -1;
    int majorSize = 0;
    for (Map.Entry<Integer, List<Integer>> g : groups.entrySet()) {
      if (g.getValue().size() > majorSize) {
        major = g.getKey();
        majorSize = g.getValue().size();
      }
    }
    List<List<Integer>> used = new ArrayList<>();
    if (majorSize >= 2) {
      used.add(groups.get(major));
      for (Map.Entry<Integer, List<Integer>> g : groups.entrySet()) {
        if (g.getKey() != major && g.getValue().size() >= 2) {
          used.add(g.getValue());
        }
      }
    }
    if (used.size() < 2) {
      return Tensors.scalar(manager, 0f);
    }
    int groupCount = used.size();
    float[] member = new float[groupCount * n];
    float[] count = new float[groupCount];
    float[] dof = new float[groupCount];
    for (int g = 0; g < groupCount; g++) {
      for (int row : used.get(g)) {
        member[g * n + row] = 1f;
      }
      count[g] = used.get(g).size();
      dof[g] = count[g] - 1;
    }
    NDArray mask = Tensors.create(manager, member, new Shape(groupCount, n)); // [G, N]
    NDArray sizes = Tensors.create(manager, count, new Shape(groupCount, 1)); // [G, 1]
    NDArray dofs = Tensors.create(manager, dof, new Shape(groupCount, 1, 1)); // [G, 1, 1]
    NDArray mean = mask.matMul(x).div(sizes); // [G, D]
    NDArray centered = x.expandDims(0).sub(mean.expandDims(1)).mul(mask.expandDims(2)); // [G, N, D]
    NDArray cov = centered.transpose(0, 2, 1).matMul(centered).div(dofs); // [G, D, D]
    NDArray diff = cov.get("1:").sub(cov.get("0:1")); // [G-1, D, D], each category against the major one
    return diff.square().sum(); // []
  }
}

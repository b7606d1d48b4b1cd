package org.towerlab.modules.tarq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.towerlab.api.nn.Init;
import org.towerlab.api.nn.Tensors;

class CodebookAlignmentTest {
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private NDArray random(Shape shape, long seed) {
    return Tensors.create(manager, Init.normal(1.0).values(shape, new SplittableRandom(seed)), shape);
  }

  @Test
  void symmetricKl_exact_isNonNegativeAndZeroOnlyForEqualDistributions() {
    NDArray a = random(new Shape(5, 7), 1);
    NDArray b = random(new Shape(5, 7), 2);
    float[] differ = CodebookAlignment.symmetricKl(a, b, 0f).toFloatArray();
    for (float v : differ) {
      assertThat(v).isPositive();
    }
    // the same distribution up to a shift of the logits
    float[] same = CodebookAlignment.symmetricKl(a, a.add(3f), 0f).toFloatArray();
    assertThat(same).containsOnly(new float[] {0f}, within(1e-6f));
  }

  @Test
  void symmetricKl_twoCodes_matchesTheHandValue() {
    // p = softmax(0, ln 3) = (1/4, 3/4), pb = (1/2, 1/2): KL(p||pb) + KL(pb||p) = sum (p - pb) ln(p / pb)
    NDArray lp = Tensors.create(manager, new float[] {0f, (float) Math.log(3)}, new Shape(1, 2));
    NDArray lpb = Tensors.create(manager, new float[] {0f, 0f}, new Shape(1, 2));
    double expected = (0.25 - 0.5) * Math.log(0.5) + (0.75 - 0.5) * Math.log(1.5);
    assertThat(CodebookAlignment.symmetricKl(lp, lpb, 0f).getFloat()).isCloseTo((float) expected, within(1e-6f));
    // the official epsilon form differs from it by O(eps)
    assertThat(CodebookAlignment.symmetricKl(lp, lpb, 1e-8f).getFloat()).isCloseTo((float) expected, within(1e-5f));
  }

  @Test
  void loss_personalizedCodebookEqualToTheCodebooksAndTargetEqualToQuery_isZero() {
    // X_bar_l = C_l for every user and h_tar = q: both chains see the same distances at every level
    int b = 3;
    int c = 2;
    int k = 4;
    int d = 5;
    NDArray[] codebooks = {random(new Shape(k, d), 3), random(new Shape(k, d), 4)};
    NDArray stacked = ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(codebooks), 0); // [2K, d]
    NDArray xbar = stacked.expandDims(0).repeat(0, b); // [B, 2K, d]
    NDArray q = random(new Shape(b, c, d), 5);
    long[] codes = new long[b * c * 2];
    NDArray flat = q.reshape(b * c, d);
    long[] z1 = ResidualQuantizer.nearest(flat, codebooks[0]).toLongArray();
    NDArray r1 = flat.sub(ResidualQuantizer.rows(codebooks[0], Tensors.create(manager, z1)));
    long[] z2 = ResidualQuantizer.nearest(r1, codebooks[1]).toLongArray();
    for (int i = 0; i < b * c; i++) {
      codes[i * 2] = z1[i];
      codes[i * 2 + 1] = z2[i];
    }
    float loss = CodebookAlignment.loss(q, q, codebooks, xbar, codes, 1f, 0f, manager).getFloat();
    assertThat(loss).isCloseTo(0f, within(1e-5f));
    float other = CodebookAlignment.loss(q, random(new Shape(b, c, d), 6), codebooks, xbar, codes, 1f, 0f, manager)
        .getFloat();
    assertThat(other).isPositive();
  }
}

package org.towerlab.modules.dat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.towerlab.api.nn.Tensors;

class CategoryAlignmentTest {
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private float cal(float[] x, int dim, int[] categories) {
    NDArray v = Tensors.create(manager, x, new Shape(categories.length, dim));
    return CategoryAlignment.loss(v, categories, manager).getFloat();
  }

  @Test
  void loss_twoCategories_givesTheHandCheckedValue() {
    // major A = {(1,0), (-1,0), (0,0)}: C = [[1,0],[0,0]]; B = {(0,1), (0,-1)}: C = [[0,0],[0,2]].
    // ||C_A - C_B||_F^2 = 1 + 4 = 5.
    float[] x = {1, 0, -1, 0, 0, 0, 0, 1, 0, -1};
    assertThat(cal(x, 2, new int[] {7, 7, 7, 2, 2})).isCloseTo(5f, within(1e-5f));
  }

  @Test
  void loss_identicalCovariances_isZero() {
    // B is A shifted by (5, -3): same covariance.
    float[] x = {1, 2, -1, 0, 3, 1, 6, -1, 4, -3, 8, -2};
    assertThat(cal(x, 2, new int[] {0, 0, 0, 1, 1, 1})).isCloseTo(0f, within(1e-5f));
  }

  @Test
  void loss_constantShiftOfOneCategory_isUnchanged() {
    SplittableRandom rng = new SplittableRandom(4);
    int n = 12;
    int d = 3;
    int[] cats = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 0, 1};
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rng.nextGaussian();
    }
    float[] shifted = x.clone();
    for (int i = 0; i < n; i++) {
      if (cats[i] == 1) {
        for (int j = 0; j < d; j++) {
          shifted[i * d + j] += 10f * (j + 1);
        }
      }
    }
    float before = cal(x, d, cats);
    assertThat(before).isPositive();
    assertThat(cal(shifted, d, cats)).isCloseTo(before, within(1e-3f));
  }

  @Test
  void loss_singletonCategory_isSkipped() {
    float[] x = {1, 0, -1, 0, 0, 0, 0, 1, 0, -1};
    float[] withSingleton = {1, 0, -1, 0, 0, 0, 0, 1, 0, -1, 9, 9};
    assertThat(cal(withSingleton, 2, new int[] {7, 7, 7, 2, 2, 4})).isCloseTo(cal(x, 2, new int[] {7, 7, 7, 2, 2}),
        within(1e-6f));
  }

  @Test
  void loss_noSecondCategoryWithTwoRows_isZero() {
    assertThat(cal(new float[] {1, 0, -1, 0, 3, 3}, 2, new int[] {0, 0, 1})).isZero();
    assertThat(cal(new float[] {1, 0, -1, 0, 3, 3}, 2, new int[] {0, 1, 2})).isZero();
  }

  @Test
  void loss_randomBatch_matchesNaiveComputationAgainstTheLargestCategory() {
    SplittableRandom rng = new SplittableRandom(11);
    int n = 20;
    int d = 4;
    int[] cats = new int[n];
    float[] x = new float[n * d];
    for (int i = 0; i < n; i++) {
      cats[i] = i < 8 ? 3 : i < 13 ? 1 : i < 17 ? 5 : i < 19 ? 0 : 9; // sizes 8, 5, 4, 2, 1: major = 3
      for (int j = 0; j < d; j++) {
        x[i * d + j] = (float) rng.nextGaussian();
      }
    }
    double[][] major = covariance(x, d, cats, 3);
    double expected = 0;
    for (int c : new int[] {1, 5, 0}) {
      double[][] cov = covariance(x, d, cats, c);
      for (int a = 0; a < d; a++) {
        for (int b = 0; b < d; b++) {
          expected += Math.pow(major[a][b] - cov[a][b], 2);
        }
      }
    }
    assertThat((double) cal(x, d, cats)).isCloseTo(expected, within(1e-4 * Math.max(1, expected)));
  }

  @Test
  void loss_tiedLargestCategories_comparesAgainstTheSmallerId() {
    // Categories 4 and 2 both have three rows; 2 is the major one. Category 9 differs from both.
    float[] x = {1, 0, -1, 0, 0, 0, /* 4 */ 2, 0, -2, 0, 0, 0, /* 2 */ 0, 1, 0, -1 /* 9 */};
    int[] cats = {4, 4, 4, 2, 2, 2, 9, 9};
    double[][] c2 = covariance(x, 2, cats, 2);
    double expected = 0;
    for (int c : new int[] {4, 9}) {
      double[][] cov = covariance(x, 2, cats, c);
      for (int a = 0; a < 2; a++) {
        for (int b = 0; b < 2; b++) {
          expected += Math.pow(c2[a][b] - cov[a][b], 2);
        }
      }
    }
    assertThat((double) cal(x, 2, cats)).isCloseTo(expected, within(1e-5));
    // against 2: |C2 - C4|^2 + |C2 - C9|^2 = 9 + (16 + 4) = 29; against 4 it would be 9 + (1 + 4) = 14
    assertThat(expected).isCloseTo(29.0, within(1e-9));
  }

  private static double[][] covariance(float[] x, int d, int[] cats, int c) {
    int count = 0;
    double[] mean = new double[d];
    for (int i = 0; i < cats.length; i++) {
      if (cats[i] == c) {
        count++;
        for (int j = 0; j < d; j++) {
          mean[j] += x[i * d + j];
        }
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= count;
    }
    double[][] cov = new double[d][d];
    for (int i = 0; i < cats.length; i++) {
      if (cats[i] == c) {
        for (int a = 0; a < d; a++) {
          for (int b = 0; b < d; b++) {
            cov[a][b] += (x[i * d + a] - mean[a]) * (x[i * d + b] - mean[b]) / (count - 1);
          }
        }
      }
    }
    return cov;
  }
}

package org.towerlab.modules.arf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.towerlab.api.nn.Tensors;

/** The label side: tie-broken label permutation, top-k targets, hard and relaxed Recall@m@k, OPA. */
class ListTargetsTest {
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private static float[] ones(int n) {
    float[] v = new float[n];
    java.util.Arrays.fill(v, 1f);
    return v;
  }

  @Test
  void of_tiedLabels_equalLabelsKeepSlotOrder() {
    float[] labels = {1, 0, 1, 0, 2};
    ListTargets t = ListTargets.of(labels, ones(5), 1, 5, 2, true);

    assertThat(t.order(0)).containsExactly(4, 0, 2, 1, 3);
    float[] p = t.permutation(manager).toFloatArray();
    int[] expected = {4, 0, 2, 1, 3};
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 5; j++) {
        assertThat(p[i * 5 + j]).as("P_y[%d, %d]", i, j).isEqualTo(j == expected[i] ? 1f : 0f);
      }
    }
  }

  @Test
  void permutation_tieBrokenLabels_equalsNeuralSortAtTinyTemperature() {
    float[] labels = {1, 0, 1, 0, 2, 0};
    // the tie-break as scores: label minus a slot-order offset smaller than any label gap
    float[] broken = new float[6];
    for (int j = 0; j < 6; j++) {
      broken[j] = labels[j] - 0.01f * j;
    }
    float[] hard = ListTargets.of(labels, ones(6), 1, 6, 1, true).permutation(manager).toFloatArray();
    float[] soft = NeuralSort.permutation(Tensors.create(manager, broken, new Shape(1, 6)), null, 1e-4f, manager)
        .toFloatArray();

    assertThat(soft).containsExactly(hard, within(1e-5f));
  }

  @Test
  void neuralSort_rawTiedLabels_mergesTheTiedRows() {
    // why ties are broken first: NeuralSort of tied labels averages the tied rows
    float[] p = NeuralSort.permutation(Tensors.create(manager, new float[] {1, 0, 1}, new Shape(1, 3)), null, 1e-4f,
        manager).toFloatArray();

    assertThat(p[0]).isCloseTo(0.5f, within(1e-4f));
    assertThat(p[2]).isCloseTo(0.5f, within(1e-4f));
    assertThat(p[3]).isCloseTo(0.5f, within(1e-4f));
    assertThat(p[5]).isCloseTo(0.5f, within(1e-4f));
  }

  @Test
  void of_relevantOnly_targetsOnlyEngagedSlots() {
    float[] labels = {0, 1, 0, 0};
    ListTargets relevant = ListTargets.of(labels, ones(4), 1, 4, 3, true);
    ListTargets filled = ListTargets.of(labels, ones(4), 1, 4, 3, false);

    assertThat(relevant.topKValues()).containsExactly(0, 1, 0, 0);
    assertThat(relevant.targetCounts()).containsExactly(1);
    assertThat(filled.topKValues()).containsExactly(1, 1, 1, 0);
  }

  @Test
  void of_paddedSlots_neverRankedNorTargeted() {
    float[] labels = {0, 1, 5, 1};
    float[] mask = {1, 1, 0, 1};
    ListTargets t = ListTargets.of(labels, mask, 1, 4, 5, false);

    assertThat(t.order(0)).containsExactly(1, 3, 0);
    assertThat(t.sizes()).containsExactly(3);
    assertThat(t.topKValues()).containsExactly(1, 1, 0, 1);
    float[] p = t.permutation(manager).toFloatArray();
    for (int j = 0; j < 4; j++) {
      assertThat(p[3 * 4 + j]).as("rank 4 does not exist").isZero();
    }
  }

  @Test
  void recall_handExample_isIntersectionOverK() {
    // relevant slots 0, 2, 4; the scores rank them 1st, 4th and 5th; m = 3 keeps one of three
    float[] labels = {1, 0, 1, 0, 1, 0};
    float[] scores = {9, 8, 6, 7, 5, 4};
    ListTargets t = ListTargets.of(labels, ones(6), 1, 6, 3, true);

    assertThat(t.recall(scores, ones(6), 3)[0]).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(t.recall(scores, ones(6), 5)[0]).isCloseTo(1.0, within(1e-12));
    assertThat(ListTargets.of(new float[6], ones(6), 1, 6, 3, true).recall(scores, ones(6), 3)[0]).isNaN();
  }

  @Test
  void relaxedRecall_temperatureToZero_equalsHardRecall() {
    float[] labels = {1, 0, 1, 0, 1, 0};
    float[] scores = {9, 8, 6, 7, 5, 4};
    ListTargets t = ListTargets.of(labels, ones(6), 1, 6, 3, true);
    for (int m : new int[] {3, 4, 5}) {
      float relaxed = t.relaxedRecall(NeuralSort.permutation(Tensors.create(manager, scores, new Shape(1, 6)), null,
          1e-3f, manager), m, manager).getFloat();

      assertThat((double) relaxed).as("m = %d", m).isCloseTo(t.recall(scores, ones(6), m)[0], within(1e-5));
    }
  }

  @Test
  void opa_handExample_countsOrderedPairs() {
    // pairs with y_i > y_j: (0,1), (0,2), (1,2); only s_1 > s_2 holds
    double[] o = ListTargets.opa(new float[] {1, 3, 2}, new float[] {2, 1, 0}, ones(3), 1, 3);

    assertThat(o[0]).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(ListTargets.opa(new float[] {1, 2}, new float[] {1, 1}, ones(2), 1, 2)[0]).isNaN();
  }
}

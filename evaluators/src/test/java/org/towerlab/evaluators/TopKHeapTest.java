package org.towerlab.evaluators;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopKHeapTest {

  @Test
  void drainSorted_tiesAndNaN_orderedByScoreThenLowerId() {
    TopKHeap heap = new TopKHeap(1, 4);
    // Offered in descending id order so that a first-come rule would disagree.
    heap.offer(0, 0.5f, 9);
    heap.offer(0, Float.NaN, 8);
    heap.offer(0, 0.5f, 7);
    heap.offer(0, 0.9f, 6);
    heap.offer(0, 0.5f, 3);
    heap.offer(0, 0.1f, 1);

    assertThat(heap.drainSorted(0)).containsExactly(6, 3, 7, 9);
  }

  @Test
  void drainSorted_fewerCandidatesThanK_returnsAllSorted() {
    TopKHeap heap = new TopKHeap(2, 5);
    heap.offer(1, 0.2f, 0);
    heap.offer(1, 0.3f, 1);

    assertThat(heap.drainSorted(0)).isEmpty();
    assertThat(heap.drainSorted(1)).containsExactly(1, 0);
  }
}

package org.towerlab.modules.longretriever;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MultiContextMergeTest {
  // items 0..7; categories: 0 -> {0, 1, 2}, 1 -> {3, 4, 5}, 2 -> {6, 7}
  private static final int[] CATEGORY = {0, 0, 0, 1, 1, 1, 2, 2};

  @Test
  void quotas_largestRemainder_sumsToTheBudgetTiesToTheEarlierContext() {
    assertThat(MultiContextMerge.quotas(new double[] {1, 1, 1}, 10)).containsExactly(4, 3, 3);
    assertThat(MultiContextMerge.quotas(new double[] {0.4, 0.3, 0.2, 0.1}, 100)).containsExactly(40, 30, 20, 10);
    assertThat(MultiContextMerge.quotas(new double[] {0.4, 0.3, 0.2, 0.1}, 7)).containsExactly(3, 2, 1, 1);
    // renormalized over the contexts a user has: shares 0.4 and 0.3 of a budget of 5 -> 2.857, 2.143
    assertThat(MultiContextMerge.quotas(new double[] {0.4, 0.3}, 5)).containsExactly(3, 2);
  }

  @Test
  void merge_twoRestrictedContexts_quotasFromEachCategoryOrderedByTheirScoresThenTheTail() {
    float[][] scores = {
        {0.9f, 0.1f, 0.5f, 0.95f, 0.2f, 0.3f, 0.0f, 0.8f}, // context 0: category 0
        {0.0f, 0.7f, 0.0f, 0.6f, 0.4f, 0.99f, 0.1f, 0.2f}}; // context 1: category 1
    int[] order = MultiContextMerge.merge(scores, new int[] {0, 1}, new double[] {2, 1}, 3, true, CATEGORY, null);
    // quotas 2 and 1: context 0 takes items 0 (0.9) and 2 (0.5) of category 0 (item 3's 0.95 is category 1);
    // context 1 takes item 5 (0.99). Merged by retrieving score: 5 (0.99), 0 (0.9), 2 (0.5).
    // Tail by the best context score: 3 (0.95), 7 (0.8), 1 (0.7), 4 (0.4), 6 (0.1)
    assertThat(order).containsExactly(5, 0, 2, 3, 7, 1, 4, 6);
  }

  @Test
  void merge_excludedItems_neverTakeAQuotaAndComeLast() {
    float[][] scores = {{0.9f, 0.1f, 0.5f, 0.95f, 0.2f, 0.3f, 0.0f, 0.8f}};
    int[] order = MultiContextMerge.merge(scores, new int[] {0}, new double[] {1}, 2, true, CATEGORY, new int[] {0, 6});
    // category 0 without item 0: items 2 (0.5), 1 (0.1); tail 3, 7, 5, 4; excluded 0, 6 by id
    assertThat(order).containsExactly(2, 1, 3, 7, 5, 4, 0, 6);
  }

  @Test
  void merge_categorySmallerThanItsQuota_takesWhatThereIsWithoutPassingItOn() {
    float[][] scores = {{0, 0, 0, 0, 0, 0, 0.5f, 0.6f}, {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.9f, 0.9f}};
    int[] order = MultiContextMerge.merge(scores, new int[] {2, 1}, new double[] {1, 1}, 6, true, CATEGORY, null);
    // quotas 3 and 3: category 2 has two items (7 at 0.6, 6 at 0.5); category 1 gives 5, 4, 3 (0.6, 0.5, 0.4);
    // merged by score, ties to the lower id: 5, 7, 4, 6, 3
    assertThat(Arrays.copyOf(order, 5)).containsExactly(5, 7, 4, 6, 3);
    assertThat(Arrays.copyOfRange(order, 5, 8)).containsExactly(2, 1, 0); // tail by the best score: 0.3, 0.2, 0.1
  }

  @Test
  void merge_oneUnrestrictedContext_theOrderOfItsScores() {
    float[] s = {0.3f, -0.2f, 0.3f, 0.9f, -0.0f, 0.0f, -1f, 0.5f};
    int[] merged = MultiContextMerge.merge(new float[][] {s}, new int[] {1}, new double[] {1}, 3, false, CATEGORY,
        null);
    assertThat(merged).containsExactly(3, 7, 0, 2, 4, 5, 1, 6).containsExactly(MultiContextMerge.order(s, null));
  }

  @Test
  void merge_unrestrictedContexts_anItemIsTakenOnceByTheEarlierContext() {
    float[][] scores = {{0.9f, 0.8f, 0, 0, 0, 0, 0, 0}, {0.85f, 0.1f, 0.7f, 0, 0, 0, 0, 0}};
    int[] order = MultiContextMerge.merge(scores, new int[] {0, 1}, new double[] {1, 1}, 4, false, CATEGORY, null);
    // context 0 takes 0 (0.9), 1 (0.8); context 1's best not taken: 2 (0.7), then 3 (0.0, lowest id of the ties)
    assertThat(Arrays.copyOf(order, 4)).containsExactly(0, 1, 2, 3);
  }

  @Test
  void key_ordersByScoreDescendingThenIdAscending() {
    assertThat(MultiContextMerge.key(1f, 5)).isLessThan(MultiContextMerge.key(0.5f, 0));
    assertThat(MultiContextMerge.key(-0.5f, 9)).isLessThan(MultiContextMerge.key(-2f, 0));
    assertThat(MultiContextMerge.key(0f, 1)).isLessThan(MultiContextMerge.key(-0f, 2));
    assertThat(MultiContextMerge.key(0.25f, 3)).isLessThan(MultiContextMerge.key(0.25f, 4));
    assertThat(MultiContextMerge.id(MultiContextMerge.key(-3.5f, 123456))).isEqualTo(123456);
  }
}

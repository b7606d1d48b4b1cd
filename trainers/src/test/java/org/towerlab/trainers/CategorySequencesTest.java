package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.FieldSpec.ByCategory.Select;
import org.towerlab.api.data.InteractionLog;

class CategorySequencesTest {
  // items 0..5, category = item % 3
  private static final int[] CATEGORY = {0, 1, 2, 0, 1, 2};

  /**
   * Query 0: item 1 (cat 1) at 10, item 4 (cat 1) at 20, item 2 (cat 2) at 30, item 0 (cat 0) at 40,
   * item 3 (cat 0) at 40, item 5 (cat 2) at 50 with positive = 0; query 1: item 2 at 5.
   */
  private static InteractionLog log() {
    return new InteractionLog(new int[] {0, 0, 0, 0, 0, 0, 1}, new int[] {1, 4, 2, 0, 3, 5, 2},
        new long[] {10, 20, 30, 40, 40, 50, 5}, Map.of("positive", new float[] {1, 1, 1, 1, 1, 0, 1}), null, null,
        null);
  }

  @Test
  void sequence_categoryAndCutoff_mostRecentOfThatCategoryStrictlyBeforeOldestFirst() {
    CategorySequences s = new CategorySequences(log(), CATEGORY, 2);

    assertThat(s.sequence(0, 1, Long.MAX_VALUE, 3)).containsExactly(0, 2, 5); // items 1, 4 as ids + 1, left-padded
    assertThat(s.sequence(0, 1, 20, 3)).containsExactly(0, 0, 2); // item 4 at 20 is not strictly before 20
    assertThat(s.sequence(0, 1, 10, 3)).containsExactly(0, 0, 0);
    assertThat(s.sequence(0, 0, Long.MAX_VALUE, 1)).containsExactly(4); // ties at 40 keep log order: 0, then 3
    assertThat(s.sequence(0, 2, Long.MAX_VALUE, 2)).containsExactly(0, 3); // item 5 is not a positive
    assertThat(s.sequence(1, 0, Long.MAX_VALUE, 2)).containsExactly(0, 0); // never engaged category 0
    assertThat(s.sequence(1, -1, Long.MAX_VALUE, 2)).containsExactly(0, 0); // an empty slot
  }

  @Test
  void select_frequencyAndRecency_orderTheCategoriesOfTheHistoryBeforeTheCutoff() {
    CategorySequences s = new CategorySequences(log(), CATEGORY, 2);

    // whole history: cat 1 two (last 20), cat 0 two (last 40), cat 2 one (30)
    assertThat(s.select(0, Long.MAX_VALUE, 3, Select.FREQUENCY)).containsExactly(0, 1, 2);
    assertThat(s.select(0, Long.MAX_VALUE, 3, Select.RECENCY)).containsExactly(0, 2, 1);
    assertThat(s.select(0, Long.MAX_VALUE, 1, Select.FREQUENCY)).containsExactly(0);
    // before 35: cat 1 two, cat 2 one; cat 0 not yet
    assertThat(s.select(0, 35, 3, Select.FREQUENCY)).containsExactly(1, 2);
    assertThat(s.select(0, 35, 3, Select.RECENCY)).containsExactly(2, 1);
    assertThat(s.select(0, 10, 3, Select.FREQUENCY)).isEmpty();
    assertThat(s.select(1, Long.MAX_VALUE, 4, Select.RECENCY)).containsExactly(2);
  }

  @Test
  void sequence_otherCategoryBehavioursAddedOrRemoved_unchanged() {
    InteractionLog base = log();
    // add behaviours of categories 0 and 2 before and after the cutoff, remove query 0's category-0 rows
    InteractionLog changed = new InteractionLog(new int[] {0, 0, 0, 0, 0, 0, 1, 0}, new int[] {1, 4, 2, 2, 5, 5, 2, 0},
        new long[] {10, 20, 30, 15, 25, 60, 5, 12}, Map.of("positive", new float[] {1, 1, 1, 1, 1, 1, 1, 1}), null,
        null, null);
    CategorySequences a = new CategorySequences(base, CATEGORY, 2);
    CategorySequences b = new CategorySequences(changed, CATEGORY, 2);
    for (long cutoff : new long[] {5, 10, 11, 20, 21, 45, Long.MAX_VALUE}) {
      for (int len = 1; len <= 3; len++) {
        assertThat(b.sequence(0, 1, cutoff, len)).as("category 1, cutoff %d, length %d", cutoff, len)
            .containsExactly(a.sequence(0, 1, cutoff, len));
      }
    }
  }
}

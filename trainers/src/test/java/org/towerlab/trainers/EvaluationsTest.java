package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.InteractionLog;

class EvaluationsTest {

  @Test
  void concat_rowsInOrderAndOnlySharedLabels() {
    InteractionLog a = new InteractionLog(new int[] {0, 1}, new int[] {5, 6}, new long[] {10, 20},
        Map.of("positive", new float[] {1, 0}, "rating", new float[] {4, 2}), null, null, null);
    InteractionLog b = new InteractionLog(new int[] {2}, new int[] {7}, new long[] {30},
        Map.of("positive", new float[] {1}), null, null, null);

    InteractionLog c = Evaluations.concat(a, b);
    assertThat(c.queries()).containsExactly(0, 1, 2);
    assertThat(c.items()).containsExactly(5, 6, 7);
    assertThat(c.timestamps()).containsExactly(10, 20, 30);
    assertThat(c.labelNames()).containsExactly("positive");
    assertThat(c.label("positive")).containsExactly(1, 0, 1);
  }
}

package org.towerlab.modules.gnolr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.testkit.TinyData;

class OrdinalLevelsTest {

  @Test
  void classes_labelsForm_deepestPositiveLevel() {
    OrdinalLevels levels = OrdinalLevels.ofLabels(List.of("click", "like", "share"));
    Map<String, float[]> v = Map.of(
        "click", new float[] {0, 1, 1, 1, 0},
        "like", new float[] {0, 0, 1, 1, 1},
        "share", new float[] {0, 0, 0, 1, 0});
    // the last row liked without a click: its deepest level is like (class 2), as in the official code
    assertThat(levels.classes(v, 5)).containsExactly(0, 1, 2, 3, 2);
    assertThat(levels.count()).isEqualTo(3);
  }

  @Test
  void classes_cutsForm_countsTheCutsReached() {
    OrdinalLevels levels = OrdinalLevels.ofCuts("rating", List.of(3.0, 4.0, 5.0));
    int[] y = levels.classes(Map.of("rating", new float[] {1, 2, 3, 4, 5, 4.5f}), 6);
    assertThat(y).containsExactly(0, 0, 1, 2, 3, 2);
    assertThat(levels.names()).containsExactly("rating>=3", "rating>=4", "rating>=5");
  }

  @Test
  void positiveRates_tinyTrainingRows_shownRowsOnly() {
    // TinyData's training part: 12 logged rows, r8 never shown; ratings 4 or 5 on the 8 positive rows
    // (5 on r1, r3, r5, r7, r9), 1 or 2 on the others
    OrdinalLevels levels = OrdinalLevels.ofCuts("rating", List.of(4.0, 5.0));
    InteractionLog shown = OrdinalLevels.shown(TinyData.loggedTrain());
    assertThat(shown.size()).isEqualTo(11);
    assertThat(levels.positiveRates(shown)).containsExactly(new double[] {8.0 / 11, 5.0 / 11}, within(1e-12));
  }

  @Test
  void thresholds_ratesAndOdds_minusLogOdds() {
    double[] a = OrdinalLevels.thresholdsFromRates(new double[] {0.5, 0.2});
    assertThat(a).containsExactly(new double[] {0.0, Math.log(4)}, within(1e-12));
    assertThat(OrdinalLevels.thresholdsFromOdds(List.of(1.0, 0.25))).containsExactly(new double[] {0.0, Math.log(4)},
        within(1e-12));
  }

  @Test
  void scaleBounds_gapsOfTheThresholds_firstLevelFree() {
    double[] a = {-1.0, 0.5, 2.5};
    assertThat(OrdinalLevels.scaleBounds(a)).containsExactly(Double.POSITIVE_INFINITY, 1.5, 2.0);
    assertThat(OrdinalLevels.guardViolations(a, List.of(100.0, 1.4, 1.9))).isEmpty();
    assertThat(OrdinalLevels.guardViolations(a, List.of(1.0, 1.5, 2.1))).containsExactly(1, 2);
  }
}

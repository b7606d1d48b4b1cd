package org.towerlab.tracking.provenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.towerlab.api.UserException;
import org.towerlab.tracking.provenance.Provenance.DataFile;

class ReproduceTest {
  private static final Map<String, DataFile> RECORDED = Map.of("u.data", new DataFile("aa", 100),
      "u.item", new DataFile("bb", 10));

  @Test
  void dataDiff_sameFiles_isEmpty() {
    assertThat(Reproduce.dataDiff(RECORDED, Map.copyOf(RECORDED))).isEmpty();
    Reproduce.requireSameData("runs/e/r", RECORDED, RECORDED); // does not throw
  }

  @Test
  void requireSameData_changedAndMissingFiles_throwsWithDiff() {
    Map<String, DataFile> now = Map.of("u.data", new DataFile("cc", 99), "u.new", new DataFile("dd", 1));

    assertThat(Reproduce.dataDiff(RECORDED, now)).containsExactly(
        "~ u.data: sha256 aa -> cc, rows 100 -> 99", "- u.item: recorded (sha256 bb, 10 rows) but not read now",
        "+ u.new: not in the recorded run (sha256 dd, 1 rows)");
    assertThatThrownBy(() -> Reproduce.requireSameData("runs/e/r", RECORDED, now))
        .isInstanceOf(UserException.class).hasMessageContaining("runs/e/r")
        .hasMessageContaining("~ u.data: sha256 aa -> cc");
  }

  @Test
  void formatMetricDiff_identicalMetrics_saysIdentical() {
    Map<String, Double> m = Map.of("test/recall@20", 0.31, "test/ndcg@20", 0.2);

    assertThat(Reproduce.formatMetricDiff(m, Map.copyOf(m))).endsWith("identical: all 2 metrics match exactly");
  }

  @Test
  void formatMetricDiff_changedMetric_marksIt() {
    String table = Reproduce.formatMetricDiff(Map.of("a", 0.5, "b", 1.0), Map.of("a", 0.5, "b", 1.25));

    assertThat(table).contains("+2.500e-01  *").endsWith("1 of 2 metrics differ (marked *)");
    assertThat(Reproduce.metricDiff(Map.of("a", 1.0), Map.of()).get(0).delta()).isNaN();
  }
}

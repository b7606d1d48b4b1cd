package org.towerlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchPlotsTest {
  @Test
  void decadeAround_narrowDataGetsOneDecade_wideDataKeepsItsOwnRange() {
    double[] r = BenchPlots.decadeAround(57_621, 76_644);
    assertThat(r[1] / r[0]).isCloseTo(10, within(1e-9));
    assertThat(r[0]).isLessThan(57_621);
    assertThat(r[1]).isGreaterThan(76_644);
    assertThat(Math.sqrt(r[0] * r[1])).isCloseTo(Math.sqrt(57_621.0 * 76_644), within(1e-6));
    assertThat(BenchPlots.decadeAround(0.27, 49.1)).isNull();
    assertThat(BenchPlots.decadeAround(Double.POSITIVE_INFINITY, 0)).isNull(); // no points
  }

  @Test
  void logLog_writesAPng(@TempDir Path dir) throws Exception {
    Map<Double, Double> points = new TreeMap<>(Map.of(1e3, 72_494.0, 1e6, 57_621.0));
    Path png = BenchPlots.logLog("t", "items", "examples / s", Map.of("training", points), dir.resolve("a/t.png"));
    assertThat(Files.size(png)).isGreaterThan(1000);
  }
}

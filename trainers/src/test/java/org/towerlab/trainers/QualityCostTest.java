package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.config.SummaryConfig;

class QualityCostTest {
  @TempDir Path tmp;

  private static ExperimentRunner.RunOutcome run(String variant, int seed, double flops, double us, double recall,
      double auc) {
    return new ExperimentRunner.RunOutcome("g[variant=" + variant + ",seed=" + seed + "]", "r", null,
        Map.of(QualityCost.FLOPS, flops, QualityCost.LATENCY, us, "test/recall@20", recall, "test/auc", auc), null);
  }

  private static List<ExperimentRunner.RunOutcome> grid() {
    List<ExperimentRunner.RunOutcome> out = new ArrayList<>();
    for (int seed = 1; seed <= 2; seed++) {
      out.add(run("baseline", seed, 128, 900 + seed, 0.33 + seed * 0.001, 0.7));
      out.add(run("dnn", seed, 16_576, 40_000 + seed, 0.35 + seed * 0.001, 0.72));
    }
    return out;
  }

  @Test
  void qualityMetric_primaryDeclared_wins() {
    assertThat(QualityCost.qualityMetric(grid(), new SummaryConfig("auc", null, null))).isEqualTo("test/auc");
    assertThat(QualityCost.qualityMetric(grid(), null)).isEqualTo("test/recall@20");
  }

  @Test
  void write_twoMethodsWithCosts_writesBothCharts() throws Exception {
    List<Path> pngs = QualityCost.write(tmp, "g", grid(), null);
    assertThat(pngs).containsExactly(tmp.resolve("plots/quality-vs-flops.png"),
        tmp.resolve("plots/quality-vs-latency.png"));
    for (Path p : pngs) {
      BufferedImage img = ImageIO.read(p.toFile());
      assertThat(img.getWidth()).isPositive();
    }
  }

  @Test
  void write_costStage_plotsThatStagesCostNotTheRunsOwn() {
    // a grid of cascades: the run's own cost keys are absent, the pre-ranker's are there
    List<ExperimentRunner.RunOutcome> cascades = grid().stream()
        .map(o -> new ExperimentRunner.RunOutcome(o.name(), o.runId(), o.dir(), Map.of(
            "cost/pre-ranker/flops-per-pair", o.metrics().get(QualityCost.FLOPS),
            "cost/pre-ranker/us-per-1000-candidates", o.metrics().get(QualityCost.LATENCY),
            "test/pre-ranker/auc", o.metrics().get("test/auc")), null))
        .toList();
    SummaryConfig noStage = new SummaryConfig("pre-ranker/auc", null, null);
    assertThat(QualityCost.write(tmp, "g", cascades, noStage)).isEmpty();
    SummaryConfig stage = new SummaryConfig("pre-ranker/auc", null, null, "pre-ranker", null);
    assertThat(QualityCost.write(tmp, "g", cascades, stage)).containsExactly(tmp.resolve("plots/quality-vs-flops.png"),
        tmp.resolve("plots/quality-vs-latency.png"));
  }

  @Test
  void write_oneMethodOrNoCosts_writesNothing() {
    List<ExperimentRunner.RunOutcome> one = grid().stream().filter(o -> o.name().contains("baseline")).toList();
    assertThat(QualityCost.write(tmp, "g", one, null)).isEmpty();
    List<ExperimentRunner.RunOutcome> noCosts = grid().stream()
        .map(o -> new ExperimentRunner.RunOutcome(o.name(), o.runId(), o.dir(), Map.of("test/recall@20", 0.3), null))
        .toList();
    assertThat(QualityCost.write(tmp, "g", noCosts, null)).isEmpty();
    assertThat(tmp.resolve("plots")).doesNotExist();
  }

  @Test
  void shortName_gridLabels_keepTheVariantOrTheAxisValues() {
    assertThat(QualityCost.shortName("exp[variant=dat]")).isEqualTo("dat");
    assertThat(QualityCost.shortName("exp[variant=dat,lr=0.1]")).isEqualTo("dat");
    assertThat(QualityCost.shortName("exp[model=two-tower]")).isEqualTo("model=two-tower");
    assertThat(QualityCost.shortName("plain")).isEqualTo("plain");
  }
}

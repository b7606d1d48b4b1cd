package org.towerlab.tracking.plots;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.tracking.local.MetricPoint;

class PlotsTest {
  @TempDir
  Path tmp;

  /** Set -Dtowerlab.plots.keep=DIR to keep the PNGs for a look. */
  private Path out(String name) {
    String keep = System.getProperty("towerlab.plots.keep");
    return keep != null ? Path.of(keep).resolve(name) : tmp.resolve(name);
  }

  @Test
  void trainingCurves_twoMetrics_writesReadablePng() throws Exception {
    Map<String, List<MetricPoint>> history = new LinkedHashMap<>();
    List<MetricPoint> loss = new ArrayList<>();
    List<MetricPoint> recall = new ArrayList<>();
    for (int e = 1; e <= 10; e++) {
      loss.add(new MetricPoint("train/loss", 2.0 / e, e, e));
      recall.add(new MetricPoint("valid/recall@20", 0.3 - 0.2 / e, e, e));
    }
    history.put("train/loss", loss);
    history.put("valid/recall@20", recall);

    Path png = Plots.trainingCurves("ml-100k two-tower", history, out("curves.png"));
    BufferedImage img = ImageIO.read(png.toFile());

    assertThat(img.getWidth()).isEqualTo(Plots.WIDTH);
    assertThat(img.getHeight()).isEqualTo(Plots.HEIGHT);
    assertThat(distinctColors(img)).isGreaterThan(3); // not a blank canvas
  }

  @Test
  void recallAtK_gridRuns_writesReadablePng() throws Exception {
    Map<String, Map<Integer, Double>> byRun = new LinkedHashMap<>();
    byRun.put("dim=32", Plots.atK(Map.of("test/recall@10", 0.1, "test/recall@20", 0.18, "test/recall@50", 0.3,
        "test/ndcg@10", 0.5), "test/recall"));
    byRun.put("dim=64", Map.of(10, 0.12, 20, 0.21, 50, 0.35));

    Path png = Plots.recallAtK("Recall@K", byRun, out("recall-at-k.png"));

    assertThat(byRun.get("dim=32")).containsOnlyKeys(10, 20, 50);
    assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(Plots.WIDTH);
  }

  private static int distinctColors(BufferedImage img) {
    java.util.Set<Integer> c = new java.util.HashSet<>();
    for (int x = 0; x < img.getWidth(); x += 7) {
      for (int y = 0; y < img.getHeight(); y += 7) {
        c.add(img.getRGB(x, y));
      }
    }
    return c.size();
  }
}

package org.towerlab.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Log-log PNG charts of {@code towerlab bench --what scale} (JFreeChart, headless). */
final class BenchPlots {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  private BenchPlots() {}

  /**
   * One line per series, both axes logarithmic (base 10).
   *
   * @param series name to (x to y); non-positive values are left out (a log axis cannot show them)
   */
  static Path logLog(String title, String xLabel, String yLabel, Map<String, Map<Double, Double>> series, Path png) {
    XYSeriesCollection data = new XYSeriesCollection();
    series.forEach((name, points) -> {
      XYSeries s = new XYSeries(name, true, false);
      points.forEach((x, y) -> {
        if (x > 0 && y > 0 && Double.isFinite(y)) {
          s.add(x, y);
        }
      });
      data.addSeries(s);
    });
    LogAxis x = new LogAxis(xLabel);
    LogAxis y = new LogAxis(yLabel);
    x.setBase(10);
    y.setBase(10);
    x.setSmallestValue(1e-6);
    y.setSmallestValue(1e-6);
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      r.setSeriesStroke(i, new BasicStroke(2f));
    }
    XYPlot plot = new XYPlot(data, x, y, r);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(210, 210, 210));
    plot.setRangeGridlinePaint(new Color(210, 210, 210));
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    try {
      Files.createDirectories(png.toAbsolutePath().getParent());
      ChartUtils.saveChartAsPNG(png.toFile(), chart, 800, 500);
      return png;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the plot " + png, e);
    }
  }
}

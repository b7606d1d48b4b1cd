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
    // A log axis fitted to data that moves by a few percent would draw run-to-run noise as swings:
    // show at least one decade around the data (a flat series then looks flat).
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    for (int i = 0; i < data.getSeriesCount(); i++) {
      for (int j = 0; j < data.getItemCount(i); j++) {
        lo = Math.min(lo, data.getYValue(i, j));
        hi = Math.max(hi, data.getYValue(i, j));
      }
    }
    double[] range = decadeAround(lo, hi);
    if (range != null) {
      y.setRange(range[0], range[1]);
    }
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

  /**
   * The y range for data from {@code lo} to {@code hi} that spans less than a decade: one decade
   * centred (geometrically) on it; {@code null} when the data span a decade or more, or there is none.
   */
  static double[] decadeAround(double lo, double hi) {
    if (!(lo > 0) || !(hi >= lo) || hi / lo >= 10) {
      return null;
    }
    double mid = Math.sqrt(lo * hi);
    return new double[] {mid / Math.sqrt(10), mid * Math.sqrt(10)};
  }
}

package org.towerlab.tracking.plots;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.towerlab.tracking.local.AtomicFiles;
import org.towerlab.tracking.local.MetricPoint;

/**
 * PNG charts logged as run artifacts (JFreeChart, headless): training curves of one run and
 * Recall@K against K across the runs of a grid. Files are written atomically.
 */
public final class Plots {
  public static final int WIDTH = 900;
  public static final int HEIGHT = 560;

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Plots() {}

  /**
   * Training curves: one line per metric key, value against step (epoch).
   *
   * @param title chart title (the run name)
   * @param history points per metric key (TowerLab names)
   */
  public static Path trainingCurves(String title, Map<String, List<MetricPoint>> history, Path png) {
    XYSeriesCollection data = new XYSeriesCollection();
    history.forEach((key, points) -> {
      XYSeries s = new XYSeries(key, true, true); // sorted by step; a re-logged step replaces the value
      for (MetricPoint p : points) {
        if (Double.isFinite(p.value())) {
          s.addOrUpdate(p.step(), p.value());
        }
      }
      data.addSeries(s);
    });
    JFreeChart chart = ChartFactory.createXYLineChart(title, "epoch", "value", data, PlotOrientation.VERTICAL,
        true, false, false);
    style(chart, true);
    return save(chart, png);
  }

  /**
   * Recall@K against K: one line per run of a grid.
   *
   * @param recallByRun run name to (K to recall@K)
   */
  public static Path recallAtK(String title, Map<String, Map<Integer, Double>> recallByRun, Path png) {
    XYSeriesCollection data = new XYSeriesCollection();
    recallByRun.forEach((run, byK) -> {
      XYSeries s = new XYSeries(run, true, false);
      byK.forEach((k, v) -> s.add(k.doubleValue(), v.doubleValue()));
      data.addSeries(s);
    });
    JFreeChart chart = ChartFactory.createXYLineChart(title, "K", "Recall@K", data, PlotOrientation.VERTICAL,
        true, false, false);
    style(chart, true);
    return save(chart, png);
  }

  /**
   * A trade-off scatter: one labelled point per method (Meta's related items: the relevant share of
   * the top-K against engagement recall@K, as relabelling and IPW strength vary).
   *
   * @param points method label to {@code {x, y}}
   */
  public static Path tradeoff(String title, Map<String, double[]> points, String xLabel, String yLabel, Path png) {
    XYSeriesCollection data = new XYSeriesCollection();
    points.forEach((label, xy) -> {
      XYSeries s = new XYSeries(label, false, true);
      s.add(xy[0], xy[1]);
      data.addSeries(s);
    });
    JFreeChart chart = ChartFactory.createScatterPlot(title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true,
        false, false);
    chart.setBackgroundPaint(Color.WHITE);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(220, 220, 220));
    plot.setRangeGridlinePaint(new Color(220, 220, 220));
    ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
    ((NumberAxis) plot.getDomainAxis()).setAutoRangeIncludesZero(false);
    return save(chart, png);
  }

  /**
   * Extracts K to value from metric names such as {@code test/recall@20} (any prefix, the given
   * metric name, then {@code @K}).
   */
  public static Map<Integer, Double> atK(Map<String, Double> metrics, String prefix) {
    Map<Integer, Double> out = new java.util.TreeMap<>();
    metrics.forEach((name, v) -> {
      if (name.startsWith(prefix + "@")) {
        try {
          out.put(Integer.parseInt(name.substring(prefix.length() + 1)), v);
        } catch (NumberFormatException e) {
          // not an @K metric
        }
      }
    });
    return out;
  }

  private static void style(JFreeChart chart, boolean shapes) {
    chart.setBackgroundPaint(Color.WHITE);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(220, 220, 220));
    plot.setRangeGridlinePaint(new Color(220, 220, 220));
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, shapes);
    for (int i = 0; i < plot.getDataset().getSeriesCount(); i++) {
      r.setSeriesStroke(i, new BasicStroke(2f));
    }
    plot.setRenderer(r);
    ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
    ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
  }

  private static Path save(JFreeChart chart, Path png) {
    try {
      Path tmp = Files.createTempFile("towerlab-plot", ".png");
      try {
        ChartUtils.saveChartAsPNG(tmp.toFile(), chart, WIDTH, HEIGHT);
        AtomicFiles.copy(tmp, png);
      } finally {
        Files.deleteIfExists(tmp);
      }
      return png;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write chart " + png + ": " + e.getMessage(), e);
    }
  }
}

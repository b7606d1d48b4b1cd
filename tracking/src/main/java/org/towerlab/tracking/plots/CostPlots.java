package org.towerlab.tracking.plots;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.towerlab.tracking.local.AtomicFiles;

/**
 * Quality against serving cost across the methods of a grid: one colour per method, one small
 * point per seed and a large labelled point at the method's mean. The cost axis is logarithmic,
 * because pre-rankers differ in cost by orders of magnitude while their quality differs by
 * percents. Written atomically, as every chart of {@link Plots}.
 */
public final class CostPlots {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  private static final Color[] PALETTE = {
      new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
      new Color(0xff7f0e), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf),
      new Color(0x7f7f7f), new Color(0xbcbd22)};

  private CostPlots() {}

  /**
   * Draws the chart.
   *
   * @param title chart title
   * @param costLabel x-axis label (a cost, positive values)
   * @param qualityLabel y-axis label
   * @param pointsByMethod per method, its runs' (cost, quality) points; non-positive or non-finite
   *     costs and non-finite qualities are skipped
   */
  public static Path qualityVsCost(String title, String costLabel, String qualityLabel,
      Map<String, List<double[]>> pointsByMethod, Path png) {
    XYSeriesCollection data = new XYSeriesCollection();
    XYPlot plot = new XYPlot(data, new LogAxis(costLabel), new NumberAxis(qualityLabel), null);
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
    int series = 0;
    int method = 0;
    for (Map.Entry<String, List<double[]>> e : pointsByMethod.entrySet()) {
      Color color = PALETTE[method++ % PALETTE.length];
      XYSeries runs = new XYSeries(e.getKey(), false, true);
      double sx = 0;
      double sy = 0;
      int n = 0;
      for (double[] p : e.getValue()) {
        if (p[0] > 0 && Double.isFinite(p[0]) && Double.isFinite(p[1])) {
          runs.add(p[0], p[1]);
          sx += Math.log(p[0]);
          sy += p[1];
          n++;
        }
      }
      if (n == 0) {
        continue;
      }
      XYSeries mean = new XYSeries(e.getKey() + " (mean)", false, true);
      double mx = Math.exp(sx / n);
      double my = sy / n;
      mean.add(mx, my);
      data.addSeries(runs);
      r.setSeriesPaint(series, color);
      r.setSeriesShape(series, new Ellipse2D.Double(-3, -3, 6, 6));
      r.setSeriesVisibleInLegend(series, true);
      series++;
      data.addSeries(mean);
      r.setSeriesPaint(series, color);
      r.setSeriesShape(series, new Ellipse2D.Double(-7, -7, 14, 14));
      r.setSeriesVisibleInLegend(series, false);
      series++;
      XYTextAnnotation label = new XYTextAnnotation("  " + e.getKey(), mx, my);
      label.setTextAnchor(TextAnchor.CENTER_LEFT);
      label.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      label.setPaint(color.darker());
      plot.addAnnotation(label);
    }
    plot.setRenderer(r);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(220, 220, 220));
    plot.setRangeGridlinePaint(new Color(220, 220, 220));
    ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
    LogAxis x = (LogAxis) plot.getDomainAxis();
    x.setBase(10);
    x.setSmallestValue(1e-9);
    x.setUpperMargin(0.15); // room for the label of the costliest method
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      r.setSeriesStroke(i, new BasicStroke(1.5f));
    }
    try {
      Path tmp = Files.createTempFile("towerlab-plot", ".png");
      try {
        ChartUtils.saveChartAsPNG(tmp.toFile(), chart, Plots.WIDTH, Plots.HEIGHT);
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

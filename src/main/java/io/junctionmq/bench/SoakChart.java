package io.junctionmq.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * Draws a soak run as a PNG: four panels over time (throughput, p99, heap after GC, and the
 * message table with the WAL), each scaled from zero to its largest value, so that a flat
 * line reads as flat and growth cannot hide in the axis.
 */
final class SoakChart {
  private static final int WIDTH = 960;
  private static final int PANEL = 190;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 24;
  private static final int BOTTOM = 22;
  private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c)};

  private record Series(String name, ToDoubleFunction<Soak.Sample> value) {
  }

  private record Panel(String title, String unit, List<Series> series) {
  }

  private static final List<Panel> PANELS = List.of(
      new Panel("throughput", "msg/s", List.of(new Series("sent", Soak.Sample::sent),
          new Series("received", Soak.Sample::received))),
      new Panel("p99 publish to delivery", "ms", List.of(new Series("p99", Soak.Sample::p99))),
      new Panel("heap after GC", "MiB", List.of(new Series("heap", Soak.Sample::heapMib))),
      new Panel("storage", "MiB", List.of(new Series("message table", Soak.Sample::tableMib),
          new Series("WAL", Soak.Sample::walMib))));

  private SoakChart() {
  }

  static void write(List<Soak.Sample> samples, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    var image = new BufferedImage(WIDTH, PANEL * PANELS.size(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      for (int i = 0; i < PANELS.size(); i++) {
        draw(g, PANELS.get(i), samples, i * PANEL);
      }
    } finally {
      g.dispose();
    }
    ImageIO.write(image, "png", png.toFile());
  }

  private static void draw(Graphics2D g, Panel panel, List<Soak.Sample> samples, int y0) {
    int x0 = LEFT;
    int x1 = WIDTH - RIGHT;
    int top = y0 + TOP;
    int bottom = y0 + PANEL - BOTTOM;
    double tMax = Math.max(1, samples.get(samples.size() - 1).t());
    double yMax = 0;
    for (Series s : panel.series) {
      for (Soak.Sample sample : samples) {
        yMax = Math.max(yMax, s.value.applyAsDouble(sample));
      }
    }
    yMax = yMax <= 0 ? 1 : yMax * 1.1;
    g.setColor(Color.DARK_GRAY);
    g.drawString(panel.title + " (" + panel.unit + ")", x0, y0 + 16);
    g.setColor(Color.LIGHT_GRAY);
    g.drawRect(x0, top, x1 - x0, bottom - top);
    g.setColor(Color.DARK_GRAY);
    g.drawString(format(yMax), 6, top + 10);
    g.drawString("0", 6, bottom);
    g.drawString("0 min", x0, bottom + 15);
    String end = format(tMax / 60) + " min";
    g.drawString(end, x1 - g.getFontMetrics().stringWidth(end), bottom + 15);
    int legend = x0 + 260;
    for (int i = 0; i < panel.series.size(); i++) {
      Series s = panel.series.get(i);
      var path = new Path2D.Double();
      for (int j = 0; j < samples.size(); j++) {
        Soak.Sample sample = samples.get(j);
        double x = x0 + (x1 - x0) * sample.t() / tMax;
        double y = bottom - (bottom - top) * Math.max(0, s.value.applyAsDouble(sample)) / yMax;
        if (j == 0) {
          path.moveTo(x, y);
        } else {
          path.lineTo(x, y);
        }
      }
      g.setColor(COLORS[i % COLORS.length]);
      g.setStroke(new BasicStroke(1.5f));
      g.draw(path);
      g.drawString(s.name, legend, y0 + 16);
      legend += g.getFontMetrics().stringWidth(s.name) + 20;
    }
  }

  private static String format(double v) {
    return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
  }
}

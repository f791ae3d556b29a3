package io.junctionmq.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SoakTest {

  private static Soak.Sample sample(int t, double sent, double tableMib) {
    return new Soak.Sample(t, sent, sent, 2.5, 100, tableMib, 10, 0, 16, 40);
  }

  @Test
  void theSlopeIsTheLeastSquaresLinePerTenMinutes() {
    // The table grows 3 MiB a minute under noise that averages out; the rate is flat.
    List<Soak.Sample> samples = IntStream.range(0, 60)
        .mapToObj(i -> sample(i * 10, 1000 + (i % 2 == 0 ? 50 : -50), i * 0.5 + (i % 2 == 0 ? 0.2 : -0.2)))
        .toList();
    assertEquals(30.0, Soak.slopePer10Min(samples, Soak.Sample::tableMib), 0.5);
    assertEquals(0.0, Soak.slopePer10Min(samples, Soak.Sample::sent), 10.0, "under 1 % of the rate");
    assertEquals(0.0, Soak.slopePer10Min(List.of(sample(10, 5, 5)), Soak.Sample::sent));
  }

  @Test
  void theChartIsAPngWithOnePanelPerFigure(@TempDir Path dir) throws Exception {
    List<Soak.Sample> samples = IntStream.range(1, 30).mapToObj(i -> sample(i * 10, 900 + i, 4 + i % 3)).toList();
    Path png = dir.resolve("soak.png");
    SoakChart.write(samples, png);
    BufferedImage image = ImageIO.read(png.toFile());
    assertNotNull(image, "a PNG that ImageIO reads back");
    assertEquals(960, image.getWidth());
    assertEquals(4 * 190, image.getHeight());
    long drawn = IntStream.range(0, image.getWidth()).filter(x -> image.getRGB(x, 60) != 0xFFFFFFFF).count();
    assertTrue(drawn > 0, "something is drawn across the first panel");
  }

  @Test
  void aWindowHasTheRatesAndP99OfTheTicksSinceTheLastOne() {
    var stats = new Stats(1);
    stats.start();
    for (int i = 0; i < 100; i++) {
      stats.published();
      stats.received(i < 98 ? 1_000 : 50_000);
    }
    stats.tick(1);
    Stats.Window w = stats.window();
    assertTrue(w.sent() > 0 && w.sent() == w.received(), "rates of the window: " + w);
    assertEquals(50.0, w.p99(), 0.1);
    stats.tick(2);
    Stats.Window next = stats.window();
    assertEquals(0.0, next.sent());
    assertEquals(0.0, next.p99());
  }
}

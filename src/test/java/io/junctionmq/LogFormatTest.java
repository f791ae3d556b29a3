package io.junctionmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.joran.spi.JoranException;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The shipped src/main/resources/logback.xml, in each format, on a logger context of the test's own. */
class LogFormatTest {

  /** What one logged event (with key-value pairs) prints to stdout when the format property is {@code format}. */
  private static String logOnce(String format) throws JoranException {
    PrintStream stdout = System.out;
    var captured = new ByteArrayOutputStream();
    var context = new LoggerContext();
    // What LogbackServiceProvider gives the context it makes; a context made by hand has none.
    context.setMDCAdapter(new LogbackMDCAdapter());
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      if (format != null) {
        context.putProperty(Junction.LOG_FORMAT_PROPERTY, format);
      }
      var configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(LogFormatTest.class.getClassLoader().getResource("logback.xml"));
      context.getLogger("io.junctionmq.Test").atInfo().addKeyValue("event", "connection.opened")
          .addKeyValue("connection", "conn-1").log("STOMP connection {}", "opened");
    } finally {
      context.stop();
      System.setOut(stdout);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void textIsTheDefaultWithKeyValuePairsAfterTheMessage() throws Exception {
    String out = logOnce(null);
    assertTrue(out.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[[^]]+] io\\.junctionmq\\.Test - STOMP connection opened"
        + " event=\"connection.opened\" connection=\"conn-1\"\\n"), out);
  }

  @Test
  void anUnknownFormatIsText() throws Exception {
    assertTrue(logOnce("yaml").contains(" - STOMP connection opened event="), "text expected");
  }

  @Test
  void jsonIsOneObjectPerLineWithTheKeyValuePairs() throws Exception {
    String out = logOnce("json");
    assertTrue(out.endsWith("\n") && out.indexOf('\n') == out.length() - 1, "one line: " + out);
    var line = new JsonObject(out);
    assertEquals("INFO", line.getString("level"));
    assertEquals("io.junctionmq.Test", line.getString("loggerName"));
    assertEquals("STOMP connection opened", line.getString("formattedMessage"));
    assertEquals("connection.opened", line.getJsonArray("kvpList").getJsonObject(0).getString("event"));
    assertEquals("conn-1", line.getJsonArray("kvpList").getJsonObject(1).getString("connection"));
  }
}

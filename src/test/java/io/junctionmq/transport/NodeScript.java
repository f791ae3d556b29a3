package io.junctionmq.transport;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Node.js script from {@code src/test/js} with the real client libraries installed
 * there ({@code @stomp/stompjs}, {@code ws}, {@code eventsource}, {@code playwright-core},
 * {@code parse-prometheus-text-format}).
 * The npm packages are installed on first use ({@code npm ci}) when any that
 * {@code package-lock.json} names is missing, as after a pull that added one.
 *
 * <p>Without Node (or Chromium, for browser scripts) the calling test is skipped on a
 * developer's machine, and fails in CI ({@code CI=true}), where {@code .ci/run} installs them.
 *
 * <pre>{@code
 * var result = NodeScript.run("stomp-basic.mjs", Map.of("WS_URL", node.wsUrl()), Duration.ofSeconds(60));
 * assertEquals(0, result.exitCode(), result.output());
 * }</pre>
 */
public final class NodeScript {
  public static final Path DIR = Path.of(System.getProperty("basedir", "."), "src", "test", "js");
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static boolean installed;

  private NodeScript() {
  }

  /** What a script printed (stdout and stderr interleaved) and how it ended. */
  public record Result(int exitCode, String output) {
  }

  /** Skips (fails in CI) unless Node and the npm packages are there. */
  public static synchronized void assumeNode() {
    require(onPath("node"), "node is not installed");
    if (!installed && !packagesInstalled()) {
      require(onPath("npm"), "npm is not installed");
      Result npm = exec(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), Duration.ofMinutes(5));
      if (npm.exitCode() != 0) {
        fail("npm ci in " + DIR + " failed:\n" + npm.output());
      }
    }
    installed = true;
  }

  /** Whether every package {@code package-lock.json} names is in {@code node_modules}. */
  private static boolean packagesInstalled() {
    try {
      var packages = new JsonObject(Files.readString(DIR.resolve("package-lock.json")))
          .getJsonObject("packages");
      return packages.fieldNames().stream().filter(p -> !p.isEmpty()).allMatch(p -> Files.isDirectory(DIR.resolve(p)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Skips (fails in CI) unless Node, the npm packages and Debian's chromium are there. */
  public static void assumeChromium() {
    assumeNode();
    require(Files.isExecutable(CHROMIUM), CHROMIUM + " is not installed (apt-get install chromium)");
  }

  /** Runs {@code node <script>} in {@link #DIR} with {@code env} added; kills it after {@code timeout}. */
  public static Result run(String script, Map<String, String> env, Duration timeout) {
    assumeNode();
    return exec(List.of("node", script), env, timeout);
  }

  private static Result exec(List<String> command, Map<String, String> env, Duration timeout) {
    try {
      Path log = Files.createTempFile("node-script", ".log");
      try {
        var builder = new ProcessBuilder(new ArrayList<>(command)).directory(DIR.toFile())
            .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!ended) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        return new Result(ended ? process.exitValue() : -1,
            ended ? output : output + "\n[killed after " + timeout + "]");
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    }
  }

  private static void require(boolean present, String why) {
    if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(why + ": CI must have it (.ci/run installs it)");
    }
    assumeTrue(present, why + ": skipped");
  }

  private static boolean onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}

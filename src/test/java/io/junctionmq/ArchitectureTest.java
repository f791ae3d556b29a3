package io.junctionmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/design.md, read from the sources: which package may use which, so that
 * dependencies point inward (transports → broker → cluster → queue, routing, store → model),
 * and the size of the files that used to be the knot.
 */
class ArchitectureTest {
  private static final Path ROOT = Path.of("src/main/java/io/junctionmq");
  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.junctionmq\\.([a-z.]+)\\.([A-Z]\\w*)",
      Pattern.MULTILINE);
  /** package → the Junction packages it uses (by import), and the files that use each. */
  private static final Map<String, Map<String, Set<String>>> uses = new TreeMap<>();
  /** package → the Junction classes it imports, as {@code package.Class}. */
  private static final Map<String, Set<String>> classesUsed = new TreeMap<>();
  private static final Map<String, Integer> lines = new TreeMap<>();

  @BeforeAll
  static void readSources() throws IOException {
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String source = Files.readString(file);
        String relative = ROOT.relativize(file).toString();
        String pkg = relative.contains("/") ? relative.substring(0, relative.lastIndexOf('/')).replace('/', '.') : "";
        lines.put(relative, (int) source.lines().count());
        Matcher m = IMPORT.matcher(source);
        while (m.find()) {
          String used = m.group(1);
          classesUsed.computeIfAbsent(pkg, p -> new TreeSet<>()).add(used + "." + m.group(2));
          if (!used.equals(pkg)) {
            uses.computeIfAbsent(pkg, p -> new TreeMap<>()).computeIfAbsent(used, u -> new TreeSet<>())
                .add(relative);
          }
        }
      }
    }
  }

  private static List<String> violations(String pkg, Set<String> allowed) {
    var found = new ArrayList<String>();
    uses.getOrDefault(pkg, Map.of()).forEach((used, files) -> {
      if (!allowed.contains(used)) {
        found.add(pkg + " uses " + used + " in " + files);
      }
    });
    return found;
  }

  @Test
  void theCoreDependsOnNothingAboveIt() {
    var found = new ArrayList<String>();
    found.addAll(violations("model", Set.of()));
    found.addAll(violations("async", Set.of()));
    found.addAll(violations("routing", Set.of("model")));
    found.addAll(violations("store", Set.of("model", "async")));
    found.addAll(violations("queue", Set.of("model", "async", "store")));
    assertEquals(List.of(), found);
  }

  @Test
  void securityKnowsNothingOfTheBrokerFacadeOrTheTransports() {
    assertEquals(List.of(), violations("security", Set.of("model", "async", "store", "cluster")));
  }

  @Test
  void clusterKnowsNothingOfTheBrokerFacadeOrTheTransports() {
    assertEquals(List.of(), violations("cluster", Set.of("model", "async", "config", "routing", "queue", "store")));
  }

  @Test
  void theBrokerKnowsNoTransport() {
    assertEquals(List.of(), violations("broker", Set.of("model", "async", "routing", "queue", "store", "cluster",
        "security")));
  }

  /** Definitions are read and applied through the Broker API and the user database, as a transport would. */
  @Test
  void definitionsUseOnlyTheBrokerApi() {
    assertEquals(List.of(), violations("definitions", Set.of("broker", "model", "security")));
  }

  /**
   * Transports call the Broker API only, and know the identities it gives them ({@code
   * security}); the event-bus transport speaks the cluster's wire format ({@code Wire}, and
   * {@code Protocol} for its addresses) as the client does.
   */
  @Test
  void transportsUseOnlyTheBrokerApi() {
    var found = new ArrayList<String>();
    found.addAll(violations("transport.stomp", Set.of("broker", "model", "config", "security")));
    found.addAll(violations("transport.http", Set.of("broker", "model", "config", "security", "definitions")));
    found.addAll(violations("transport.eventbus", Set.of("broker", "model", "cluster", "security")));
    classesUsed.getOrDefault("transport.eventbus", Set.of()).stream()
        .filter(c -> c.startsWith("cluster.") && !Set.of("cluster.Wire", "cluster.Protocol", "cluster.Stats").contains(c))
        .forEach(c -> found.add("transport.eventbus uses " + c));
    assertEquals(List.of(), found);
  }

  /** The collaborators of the broker and the cluster talk through methods: none shows its state as a field. */
  @Test
  void theBrokersAndTheClustersClassesKeepTheirFieldsPrivate() throws IOException {
    Pattern field = Pattern.compile("^  (?!private |public static final |static final |return )(?:final |volatile )*"
        + "[A-Z][\\w<>, ?\\[\\]]* \\w+( =[^;]*)?;", Pattern.MULTILINE);
    var found = new ArrayList<String>();
    for (String pkg : List.of("broker", "cluster")) {
      try (Stream<Path> files = Files.list(ROOT.resolve(pkg))) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          Matcher m = field.matcher(Files.readString(file));
          while (m.find()) {
            found.add(ROOT.relativize(file) + ": " + m.group().trim());
          }
        }
      }
    }
    assertEquals(List.of(), found);
  }

  @Test
  void noMainFileIsOver500LinesAndTheFacadeIsUnder300() {
    var large = new TreeMap<String, Integer>();
    lines.forEach((file, n) -> {
      if (n > 500) {
        large.put(file, n);
      }
    });
    assertEquals(Map.of(), large);
    assertTrue(lines.get("broker/BrokerImpl.java") < 300, "BrokerImpl has " + lines.get("broker/BrokerImpl.java"));
  }
}

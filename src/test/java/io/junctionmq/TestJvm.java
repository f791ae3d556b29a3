package io.junctionmq;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a new JVM running a class from the jar that {@code package} built (and,
 * if asked, from the test classes), for tests that need a real process to kill, pause or starve.
 */
public final class TestJvm {
  private TestJvm() {
  }

  /** {@code target/junction.jar}, or the path the build passes as {@code -Djunction.jar}; fails if it is missing. */
  public static Path jar() {
    Path jar = Path.of(System.getProperty("junction.jar", "target/junction.jar")).toAbsolutePath();
    if (!Files.exists(jar)) {
      throw new IllegalStateException("run after 'package': " + jar);
    }
    return jar;
  }

  /** {@code java <jvmOptions> -cp <jar>[:test-classes] <mainClass> <args>}. */
  public static List<String> command(List<String> jvmOptions, boolean withTestClasses, String mainClass,
      List<String> args) {
    var command = new ArrayList<String>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    String classpath = withTestClasses
        ? Path.of("target", "test-classes").toAbsolutePath() + File.pathSeparator + jar()
        : jar().toString();
    command.addAll(List.of("-cp", classpath, mainClass));
    command.addAll(args);
    return command;
  }
}

package io.junctionmq.client;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Keeps the program shown in docs/embedding.md the one that compiles and runs (JunctionClientIT). */
class EmbeddingDocTest {
  @Test
  void theDocShowsTheExampleAsItIs() throws IOException {
    String doc = Files.readString(Path.of("docs/embedding.md"));
    String example = Files.readString(Path.of("src/test/java/io/junctionmq/client/EmbeddingExample.java"));

    assertTrue(doc.contains("```java\n" + example + "```\n"),
        "docs/embedding.md must show src/test/java/io/junctionmq/client/EmbeddingExample.java verbatim");
  }
}

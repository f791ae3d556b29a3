package io.junctionmq.definitions;

import io.junctionmq.broker.Broker;
import io.junctionmq.model.JunctionException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The definitions file of {@code definitions.file}, imported at start. */
public final class DefinitionsFile {
  private static final Logger log = LoggerFactory.getLogger(DefinitionsFile.class);

  private DefinitionsFile() {
  }

  /**
   * Reads {@code path} and imports it, all or nothing; nothing to do for an empty path. Fails
   * with an {@link IllegalStateException} naming the file and, for a bad document, the field.
   */
  public static Future<Void> load(Vertx vertx, Broker broker, String path) {
    if (path == null || path.isEmpty()) {
      return Future.succeededFuture();
    }
    return vertx.fileSystem().readFile(path)
        .map(buffer -> {
          try {
            return DefinitionsReader.read(new JsonObject(buffer));
          } catch (DecodeException e) {
            throw new IllegalStateException("not a JSON object: " + e.getMessage().lines().findFirst().orElse(""));
          }
        })
        .compose(d -> DefinitionsImport.apply(broker, d, null))
        .<Void>map(counts -> {
          log.atInfo().addKeyValue("event", "definitions.loaded").addKeyValue("file", path)
              .log("definitions.file {} imported: {}", path, counts);
          return null;
        })
        .recover(e -> Future.failedFuture(new IllegalStateException("definitions.file " + path + ": "
            + (e instanceof JunctionException j ? j.reason() : e.getMessage()), e)));
  }
}

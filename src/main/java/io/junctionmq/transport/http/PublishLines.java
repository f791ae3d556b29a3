package io.junctionmq.transport.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;

/**
 * Reads the lines of a streaming publish in their usual shape straight from their bytes, for
 * {@link NdjsonPublish}. Building a {@link JsonObject} for each line made the 1.4 KB payload a
 * String, only to decode it again; that was half of the reading event loop's time. Here the
 * payload is skipped by the parser and taken from the line's bytes: base64 is decoded from them,
 * a string without escapes is its bytes. A line's properties are parsed once and reused while
 * the next lines repeat them byte for byte, as a streaming upload's lines usually do.
 *
 * <p>Anything unusual (an escape in the payload, a non-ASCII string payload, a field of an
 * unexpected type, broken JSON, a payload that does not decode) gives null, and the line is read
 * through {@link MessageJson#message}, which gives the same message or reports the error. So this
 * class never decides what is an error, and a test checks it agrees with that path.
 */
final class PublishLines {
  /** A line's message and whether it is published as mandatory. */
  record Line(Message message, boolean mandatory) {
  }

  private static final JsonFactory JSON = new JsonFactory();

  private final String exchange;
  /** The bytes of the last properties object read, and what they gave. */
  private byte[] lastProperties;
  private MessageProperties lastParsed;

  PublishLines(String exchange) {
    this.exchange = exchange;
  }

  /**
   * The message of a line (without its newline): read straight from its bytes when it has the
   * usual shape, else through {@link MessageJson}.
   *
   * @throws JunctionException INVALID_ARGUMENT saying what is wrong with the line
   */
  Line message(Buffer line) {
    Line read = read(line.getBytes());
    return read != null ? read : slowly(line);
  }

  /** A line this class does not take: through a JsonObject, which reports what is wrong with it. */
  Line slowly(Buffer line) {
    JsonObject body;
    try {
      body = new JsonObject(line);
    } catch (DecodeException | ClassCastException e) {
      throw ErrorCode.INVALID_ARGUMENT.error("the line is not a JSON object");
    }
    return new Line(MessageJson.message(exchange, body, null), Rest.bool(body, "mandatory", false));
  }

  /** The message of a line (a whole array, no newline), or null to read it through {@link MessageJson}. */
  Line read(byte[] line) {
    try (JsonParser parser = JSON.createParser(line)) {
      return read(parser, line);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private Line read(JsonParser parser, byte[] line) throws IOException {
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      return null;
    }
    String routingKey = "";
    String encoding = "string";
    boolean mandatory = false;
    int payloadAt = -1;
    int payloadEnd = -1;
    MessageProperties properties = MessageProperties.TRANSIENT;
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME || token == JsonToken.END_OBJECT) {
      if (payloadEnd < payloadAt) {
        // The payload's closing quote is the last quote before the token that follows it.
        payloadEnd = (int) parser.currentTokenLocation().getByteOffset();
        while (--payloadEnd > payloadAt && line[payloadEnd] != '"') {
          // only a comma and white space stand between the two
        }
      }
      if (token == JsonToken.END_OBJECT) {
        break;
      }
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (field) {
        case "routing_key" -> {
          if (value != JsonToken.VALUE_STRING) {
            return null;
          }
          routingKey = parser.getText();
        }
        case "payload_encoding" -> {
          if (value != JsonToken.VALUE_STRING) {
            return null;
          }
          encoding = parser.getText();
        }
        case "payload" -> {
          // Not read here: the next token makes the parser skip (and check) it without building a String.
          payloadAt = at(parser, line, JsonToken.VALUE_STRING, '"');
          if (payloadAt < 0) {
            return null;
          }
          payloadEnd = -1;
        }
        case "mandatory" -> {
          if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
            return null;
          }
          mandatory = value == JsonToken.VALUE_TRUE;
        }
        case "properties" -> {
          int start = at(parser, line, JsonToken.START_OBJECT, '{');
          if (start < 0) {
            return null;
          }
          parser.skipChildren();
          properties = properties(line, start, (int) parser.currentTokenLocation().getByteOffset() + 1);
        }
        default -> {
          // Ignored, as MessageJson ignores it; a nested value goes the long way, so Vert.x's parser judges it.
          if (value.isStructStart()) {
            return null;
          }
        }
      }
    }
    if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
      return null;
    }
    byte[] body = payloadAt >= 0 ? payload(line, payloadAt + 1, payloadEnd, encoding)
        : encoding.equals("string") || encoding.equals("base64") ? new byte[0] : null;
    return body == null ? null : new Line(new Message(exchange, routingKey, properties, body), mandatory);
  }

  /** Where the current token starts in the line, when it is {@code expected} and starts with {@code first}; else -1. */
  private static int at(JsonParser parser, byte[] line, JsonToken expected, char first) {
    if (parser.currentToken() != expected) {
      return -1;
    }
    long at = parser.currentTokenLocation().getByteOffset();
    return at >= 0 && at < line.length && line[(int) at] == first ? (int) at : -1;
  }

  /**
   * The payload between {@code from} and {@code end} (after its opening quote, at its closing
   * one), or null when it does not decode or has an escape: a string is scanned for them; in
   * base64 the decoder refuses the backslash an escape starts with.
   */
  private static byte[] payload(byte[] line, int from, int end, String encoding) {
    switch (encoding) {
      case "string" -> {
        // Without escapes, an ASCII string's bytes are its UTF-8 encoding; anything else goes the long way.
        for (int i = from; i < end; i++) {
          if (line[i] < 0 || line[i] == '\\') {
            return null;
          }
        }
        return Arrays.copyOfRange(line, from, end);
      }
      case "base64" -> {
        ByteBuffer decoded;
        try {
          decoded = Base64.getDecoder().decode(ByteBuffer.wrap(line, from, end - from));
        } catch (IllegalArgumentException e) {
          return null; // maybe base64 with line breaks, which MessageJson takes
        }
        byte[] bytes = decoded.array();
        return decoded.remaining() == bytes.length ? bytes : Arrays.copyOf(bytes, decoded.remaining());
      }
      default -> {
        return null;
      }
    }
  }

  private MessageProperties properties(byte[] line, int start, int end) {
    if (lastProperties == null || !Arrays.equals(lastProperties, 0, lastProperties.length, line, start, end)) {
      byte[] bytes = Arrays.copyOfRange(line, start, end);
      lastParsed = MessageJson.properties(new JsonObject(Buffer.buffer(bytes)));
      lastProperties = bytes;
    }
    return lastParsed;
  }
}

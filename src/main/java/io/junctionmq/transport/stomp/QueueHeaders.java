package io.junctionmq.transport.stomp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** The {@code x-*} queue arguments of a SUBSCRIBE, typed as RabbitMQ's STOMP plugin types them. */
final class QueueHeaders {
  private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");

  private QueueHeaders() {
  }

  /** Every {@code x-} header except {@code x-queue-name}: integers as numbers, true/false as booleans. */
  static Map<String, Object> arguments(StompFrame f) {
    var args = new LinkedHashMap<String, Object>();
    for (StompFrame.Header h : f.headers()) {
      if (h.name().startsWith("x-") && !h.name().equals("x-queue-name") && !args.containsKey(h.name())) {
        args.put(h.name(), value(h.value()));
      }
    }
    return args;
  }

  private static Object value(String v) {
    if (INTEGER.matcher(v).matches()) {
      return Long.parseLong(v);
    }
    if (v.equals("true") || v.equals("false")) {
      return Boolean.parseBoolean(v);
    }
    return v;
  }
}

package io.junctionmq.store;

import io.vertx.pgclient.PgConnectOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL URI with one host or several, as libpq takes it:
 * {@code postgresql://user@h1:5432,h2:5433/db?target_session_attrs=read-write}. vertx-pg-client
 * 5.0 parses one host only and would send {@code target_session_attrs} to the server as a
 * setting, which it refuses; this splits the list into one {@link PgConnectOptions} per host
 * (in the URI's order) and takes the attribute out.
 *
 * @param hosts the connect options of each host, in order
 * @param readWrite whether only a server that accepts writes will do ({@code target_session_attrs=read-write}
 *     or {@code primary}); with {@code any} (libpq's default) the first that answers does
 */
public record PgHosts(List<PgConnectOptions> hosts, boolean readWrite) {
  private static final Pattern URI = Pattern.compile("^(postgres(?:ql)?://)([^@/?]*@)?([^/?]*)(.*)$");
  private static final Pattern ATTRS = Pattern.compile("([?&])target_session_attrs=([^&]*)&?");

  public PgHosts {
    hosts = List.copyOf(hosts);
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("no host");
    }
  }

  /**
   * Parses {@code uri}.
   *
   * @throws IllegalArgumentException when it is not a PostgreSQL URI, a host is empty, or
   *     {@code target_session_attrs} is not one of {@code any}, {@code read-write}, {@code primary}
   */
  public static PgHosts parse(String uri) {
    Matcher m = URI.matcher(uri);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a postgresql:// URI");
    }
    String scheme = m.group(1);
    String user = m.group(2) == null ? "" : m.group(2);
    String rest = m.group(4);
    boolean readWrite = false;
    Matcher attrs = ATTRS.matcher(rest);
    if (attrs.find()) {
      readWrite = switch (attrs.group(2)) {
        case "any" -> false;
        case "read-write", "primary" -> true;
        default -> throw new IllegalArgumentException("target_session_attrs '" + attrs.group(2)
            + "' is not supported: any, read-write or primary");
      };
      String remaining = rest.substring(attrs.end());
      rest = rest.substring(0, attrs.start()) + (remaining.isEmpty() ? "" : attrs.group(1) + remaining);
    }
    var hosts = new ArrayList<PgConnectOptions>();
    for (String host : m.group(3).split(",", -1)) {
      if (host.isBlank()) {
        throw new IllegalArgumentException("an empty host in the host list");
      }
      hosts.add(PgConnectOptions.fromUri(scheme + user + host + rest));
    }
    return new PgHosts(hosts, readWrite);
  }

  /** Whether the URI names more than one host, or asks for a server that accepts writes. */
  public boolean needsChoosing() {
    return hosts.size() > 1 || readWrite;
  }
}

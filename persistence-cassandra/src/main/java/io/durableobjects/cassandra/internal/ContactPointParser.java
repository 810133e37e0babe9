package io.durableobjects.cassandra.internal;

import java.net.InetSocketAddress;

/**
 * INTERNAL API
 *
 * <p>Parses one {@code host:port} entry of a contact point list, with precise errors.
 */
public final class ContactPointParser {

  private ContactPointParser() {}

  public static InetSocketAddress parse(String entry, int position, String whole) {
    String where = "contact point #" + position + " of \"" + whole + "\"";
    if (entry.isEmpty()) {
      throw new IllegalArgumentException(where + " is empty; expected host:port[,host:port...]");
    }
    String host;
    String port;
    if (entry.startsWith("[")) {
      int close = entry.indexOf(']');
      if (close < 0 || close + 1 >= entry.length() || entry.charAt(close + 1) != ':') {
        throw new IllegalArgumentException(
            where + " (\"" + entry + "\") must look like [ipv6-address]:port");
      }
      host = entry.substring(1, close);
      port = entry.substring(close + 2);
    } else {
      int colon = entry.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(
            where
                + " (\""
                + entry
                + "\") has no port; expected host:port such as "
                + entry
                + ":9042");
      }
      if (entry.indexOf(':') != colon) {
        throw new IllegalArgumentException(
            where + " (\"" + entry + "\") has several ':'; write IPv6 addresses as [address]:port");
      }
      host = entry.substring(0, colon);
      port = entry.substring(colon + 1);
    }
    if (host.isBlank()) {
      throw new IllegalArgumentException(where + " (\"" + entry + "\") has an empty host");
    }
    if (host.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(where + " (\"" + entry + "\") has whitespace in its host");
    }
    return InetSocketAddress.createUnresolved(host, port(where, entry, port));
  }

  private static int port(String where, String entry, String port) {
    int value;
    try {
      value = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      value = -1;
    }
    if (value < 1 || value > 65535) {
      throw new IllegalArgumentException(
          where
              + " (\""
              + entry
              + "\") has port \""
              + port
              + "\"; expected a number from 1 to 65535");
    }
    return value;
  }
}

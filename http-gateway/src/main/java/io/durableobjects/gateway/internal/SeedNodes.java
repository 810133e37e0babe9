package io.durableobjects.gateway.internal;

import com.typesafe.config.ConfigException;
import java.util.ArrayList;
import java.util.List;

/**
 * INTERNAL API: the seed nodes of {@code DO_SEED_NODES}, {@code host:port[,host:port...]} (the
 * remoting addresses of nodes to join), as Pekko cluster addresses.
 */
public final class SeedNodes {
  /** The environment variable operators set. */
  public static final String VARIABLE = "DO_SEED_NODES";

  private SeedNodes() {}

  /**
   * {@code pekko://<system>@host:port} for each entry of {@code value}.
   *
   * @throws ConfigException.BadValue naming {@value #VARIABLE} and the bad entry
   */
  public static List<String> parse(String value, String systemName) {
    List<String> seeds = new ArrayList<>();
    for (String raw : value.split(",")) {
      String entry = raw.strip();
      if (entry.isEmpty()) {
        continue;
      }
      int colon = entry.lastIndexOf(':');
      String host = colon > 0 ? entry.substring(0, colon) : "";
      String port = colon > 0 ? entry.substring(colon + 1) : "";
      boolean hostOk = host.matches("[A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:]+\\]");
      boolean portOk =
          port.matches("[0-9]{1,5}")
              && Integer.parseInt(port) >= 1
              && Integer.parseInt(port) <= 65535;
      if (!hostOk || !portOk) {
        throw new ConfigException.BadValue(
            VARIABLE,
            "'"
                + entry
                + "' is not host:port (the remoting address of a node, e.g. 127.0.0.1:2551)");
      }
      seeds.add("pekko://" + systemName + "@" + host + ":" + port);
    }
    return seeds;
  }
}

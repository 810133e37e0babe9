package io.durableobjects.cassandra.embedded.internal;

import io.durableobjects.cassandra.embedded.EmbeddedCassandraException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * INTERNAL API
 *
 * <p>Port checks done before Cassandra is launched. Both are best effort: another process can still
 * take a port between the check and Cassandra's bind, which then surfaces as a startup failure with
 * Cassandra's own bind error in the log tail.
 */
public final class Ports {

  private Ports() {}

  /** A port that is free on {@code host} right now, distinct from {@code avoid}. */
  public static int freePort(String host, int avoid) {
    for (int attempt = 0; attempt < 20; attempt++) {
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(false);
        socket.bind(new InetSocketAddress(InetAddress.getByName(host), 0), 1);
        int port = socket.getLocalPort();
        if (port != avoid) {
          return port;
        }
      } catch (IOException e) {
        throw new EmbeddedCassandraException("cannot find a free port on " + host, e);
      }
    }
    throw new EmbeddedCassandraException("cannot find a free port on " + host);
  }

  /** Whether {@code port} can be bound on {@code host} right now. */
  public static boolean isFree(String host, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true); // as Cassandra binds: a port in TIME_WAIT counts as free
      socket.bind(new InetSocketAddress(InetAddress.getByName(host), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Fails fast when a requested port is taken.
   *
   * @param what e.g. "CQL port" (used in the message)
   * @throws EmbeddedCassandraException naming the port
   */
  public static void requireFree(String host, int port, String what) {
    if (!isFree(host, port)) {
      throw new EmbeddedCassandraException(
          what
              + " "
              + port
              + " on "
              + host
              + " is already in use by another process; choose another port or 0 for a free one");
    }
  }
}

package io.durableobjects.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Free TCP ports on loopback for nodes a test starts. A port is never handed out twice in one JVM:
 * the operating system may offer a port again as soon as the probe socket is closed, and two nodes
 * of one test once got the same one (the second then failed to bind again and again).
 */
public final class FreePorts {
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  /** A port that was free a moment ago and that this JVM has not handed out before. */
  public static int next() {
    while (true) {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException("no free port", e);
      }
      if (HANDED_OUT.add(port)) {
        return port;
      }
    }
  }
}

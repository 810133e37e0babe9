package io.durableobjects.gateway.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import org.apache.pekko.http.javadsl.settings.ServerSettings;

/**
 * INTERNAL API: the pings the gateway sends on a quiet WebSocket ({@code
 * durable-objects.http.websocket.ping-interval}). Without them pekko-http's idle timeout ({@code
 * pekko.http.server.idle-timeout}, 60 s) closes every socket on which nobody spoke for that long,
 * while a hibernated object (a chat room at night) means to keep its sockets open for hours. A ping
 * is traffic on the connection; browsers and other clients answer it with a pong by themselves.
 */
public final class WebSocketKeepAlive {
  private static final String KEY = "durable-objects.http.websocket.ping-interval";

  private final Duration interval;

  private WebSocketKeepAlive(Duration interval) {
    this.interval = interval;
  }

  /**
   * Reads and checks the interval: positive, and shorter than the server's idle timeout when that
   * is finite (or the pings would come too late to keep anything open).
   */
  public static WebSocketKeepAlive fromConfig(Config config) {
    Duration interval = config.getDuration(KEY);
    if (interval.isZero() || interval.isNegative()) {
      throw new ConfigException.BadValue(KEY, "must be positive, got " + interval);
    }
    String idle = config.getString("pekko.http.server.idle-timeout");
    if (!idle.equals("infinite")) {
      Duration idleTimeout = config.getDuration("pekko.http.server.idle-timeout");
      if (interval.compareTo(idleTimeout) >= 0) {
        throw new ConfigException.BadValue(
            KEY,
            "must be shorter than pekko.http.server.idle-timeout ("
                + idleTimeout
                + "), or quiet WebSockets are closed before the first ping; got "
                + interval);
      }
    }
    return new WebSocketKeepAlive(interval);
  }

  public Duration interval() {
    return interval;
  }

  /** {@code server} with a ping after {@link #interval} without a frame sent to the client. */
  public ServerSettings applyTo(ServerSettings server) {
    return server.withWebsocketSettings(
        server
            .getWebsocketSettings()
            .withPeriodicKeepAliveMode("ping")
            .withPeriodicKeepAliveMaxIdle(interval));
  }
}

package io.durableobjects.gateway;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * The HTTP gateway's settings, read from {@code durable-objects.http} (see reference.conf; {@code
 * DO_HTTP_HOST} and {@code DO_HTTP_PORT} override the address).
 *
 * @param host the interface to bind
 * @param port the port to bind; 0 picks a free port
 * @param entityTimeout how long to wait for a request body to arrive completely
 * @param maxBodyBytes the largest request body accepted (413 above it)
 */
public record GatewaySettings(String host, int port, Duration entityTimeout, long maxBodyBytes) {

  /**
   * Reads and validates the settings.
   *
   * @throws ConfigException naming the bad key
   */
  public static GatewaySettings fromConfig(Config root) {
    Config c = root.getConfig("durable-objects.http");
    String host = c.getString("host");
    if (host.isBlank()) {
      throw new ConfigException.BadValue(c.origin(), "durable-objects.http.host", "must not be empty");
    }
    int port = port(c);
    Duration entityTimeout = c.getDuration("entity-timeout");
    if (entityTimeout.isZero() || entityTimeout.isNegative()) {
      throw new ConfigException.BadValue(
          c.origin(), "durable-objects.http.entity-timeout", "must be positive, got " + entityTimeout);
    }
    long maxBody = c.getBytes("max-body-size");
    if (maxBody < 0) {
      throw new ConfigException.BadValue(
          c.origin(), "durable-objects.http.max-body-size", "must not be negative");
    }
    return new GatewaySettings(host, port, entityTimeout, maxBody);
  }

  private static int port(Config c) {
    String raw = String.valueOf(c.getValue("port").unwrapped()).strip();
    int port;
    try {
      port = Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new ConfigException.BadValue(
          c.getValue("port").origin(),
          "durable-objects.http.port",
          "must be a port number in 0..65535 (0 picks a free port), got '" + raw + "'");
    }
    return port;
  }
}

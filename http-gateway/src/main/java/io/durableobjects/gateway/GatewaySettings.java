package io.durableobjects.gateway;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The HTTP gateway's settings, read from {@code durable-objects.http} (see reference.conf; {@code
 * DO_HTTP_HOST} and {@code DO_HTTP_PORT} override the address, {@code DO_API_TOKENS} and {@code
 * DO_ADMIN_TOKEN} the tokens, {@code DO_ALLOWED_ORIGINS} and {@code DO_ALLOWED_HOSTS} the pages and
 * host names browsers may use).
 *
 * @param host the interface to bind
 * @param port the port to bind; 0 picks a free port
 * @param entityTimeout how long to wait for a request body to arrive completely
 * @param maxBodyBytes the largest request body accepted (413 above it)
 * @param maxInFlight object requests in flight at this node beyond which new ones get 503
 * @param maxInFlightPerObject requests in flight to one object from this node beyond which new ones
 *     get 429
 * @param maxInFlightBytes bytes of request bodies held by object requests in flight at this node
 *     beyond which new requests with a body get 503 (before their body is read)
 * @param shutdownUnreadyDelay how long a shutting-down node answers "not ready" before it stops
 *     accepting connections
 * @param shutdownDrain how long a shutting-down node lets in-flight requests finish
 * @param auth who may call
 * @param browser which web pages may call, and by which host names ({@link BrowserSettings})
 * @param staticPages pages served from the classpath: URL path to resource name (see {@link
 *     StaticPages}); the paths are checked here, the resources when the pages are loaded
 * @param metricsToken the bearer token {@code GET /metrics} requires, if any ({@code
 *     durable-objects.http.metrics.token}, {@code DO_METRICS_TOKEN})
 * @param consoleEnabled whether the node serves the operator console ({@link ConsoleRoutes}, {@code
 *     durable-objects.http.console.enabled}, {@code DO_CONSOLE_ENABLED})
 */
public record GatewaySettings(
    String host,
    int port,
    Duration entityTimeout,
    long maxBodyBytes,
    int maxInFlight,
    int maxInFlightPerObject,
    long maxInFlightBytes,
    Duration shutdownUnreadyDelay,
    Duration shutdownDrain,
    AuthSettings auth,
    BrowserSettings browser,
    Map<String, String> staticPages,
    Optional<String> metricsToken,
    boolean consoleEnabled) {

  /** The first path segments of the gateway's own routes, which no static page may use. */
  static final Set<String> RESERVED_SEGMENTS =
      Set.of("v1", "admin", "health", "metrics", "openapi.yaml", "console");

  private static final Pattern PAGE_PATH = Pattern.compile("/|(/[A-Za-z0-9._~-]+)+/?");

  public GatewaySettings {
    staticPages = Map.copyOf(staticPages);
  }

  /**
   * Reads and validates the settings.
   *
   * @throws ConfigException naming the bad key
   */
  public static GatewaySettings fromConfig(Config root) {
    Config c = root.getConfig("durable-objects.http");
    String host = c.getString("host");
    if (host.isBlank()) {
      throw new ConfigException.BadValue(
          c.origin(), "durable-objects.http.host", "must not be empty");
    }
    int port = port(c);
    Duration entityTimeout = c.getDuration("entity-timeout");
    if (entityTimeout.isZero() || entityTimeout.isNegative()) {
      throw new ConfigException.BadValue(
          c.origin(),
          "durable-objects.http.entity-timeout",
          "must be positive, got " + entityTimeout);
    }
    long maxBody = c.getBytes("max-body-size");
    if (maxBody < 0) {
      throw new ConfigException.BadValue(
          c.origin(), "durable-objects.http.max-body-size", "must not be negative");
    }
    int maxInFlight = positiveInt(c, "max-in-flight");
    int maxPerObject = positiveInt(c, "max-in-flight-per-object");
    long maxInFlightBytes = c.getBytes("max-in-flight-bytes");
    if (maxInFlightBytes < maxBody) {
      throw new ConfigException.BadValue(
          c.origin(),
          "durable-objects.http.max-in-flight-bytes",
          "must be at least max-body-size ("
              + maxBody
              + " bytes), or no request of the largest size is ever admitted; got "
              + maxInFlightBytes);
    }
    Duration drain = positive(c, "shutdown-drain");
    Duration unreadyDelay = c.getDuration("shutdown-unready-delay");
    if (unreadyDelay.isNegative() || unreadyDelay.compareTo(Duration.ofSeconds(4)) > 0) {
      throw new ConfigException.BadValue(
          c.origin(),
          "durable-objects.http.shutdown-unready-delay",
          "must be between 0s and 4s (the before-service-unbind phase times out at 5s), got "
              + unreadyDelay);
    }
    return new GatewaySettings(
        host,
        port,
        entityTimeout,
        maxBody,
        maxInFlight,
        maxPerObject,
        maxInFlightBytes,
        unreadyDelay,
        drain,
        AuthSettings.fromConfig(c, host),
        BrowserSettings.fromConfig(c, host),
        staticPages(c),
        metricsToken(c),
        c.getBoolean("console.enabled"));
  }

  /** {@code metrics.token}: empty, or 16 to 256 visible ASCII characters (as the API tokens). */
  private static Optional<String> metricsToken(Config c) {
    String token = c.getString("metrics.token");
    if (token.isEmpty()) {
      return Optional.empty();
    }
    if (!token.matches("[\\x21-\\x7e]{16,256}")) {
      throw new ConfigException.BadValue(
          c.origin(),
          "durable-objects.http.metrics.token",
          "(DO_METRICS_TOKEN) must be empty or 16 to 256 visible ASCII characters without spaces"
              + " (value not shown)");
    }
    return Optional.of(token);
  }

  /**
   * {@code static-pages}: each key a URL path ("/", or segments of unreserved URL characters, none
   * "." or "..", and a first segment that is none of the gateway's own), each value a non-empty
   * resource name.
   */
  private static Map<String, String> staticPages(Config c) {
    ConfigObject pages = c.getObject("static-pages");
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> page : pages.entrySet()) {
      String path = page.getKey();
      String key = ConfigUtil.joinPath("durable-objects", "http", "static-pages", path);
      ConfigValue value = page.getValue();
      if (!path.startsWith("/")) {
        throw new ConfigException.BadValue(
            value.origin(), key, "a static page's path must start with \"/\", got '" + path + "'");
      }
      List<String> segments = Arrays.asList(path.substring(1).split("/"));
      if (!PAGE_PATH.matcher(path).matches() || segments.contains(".") || segments.contains("..")) {
        throw new ConfigException.BadValue(
            value.origin(),
            key,
            "a static page's path is \"/\" or segments of letters, digits and . _ ~ - (not"
                + " \".\" or \"..\"), each after one \"/\", got '"
                + path
                + "'");
      }
      if (RESERVED_SEGMENTS.contains(segments.get(0))) {
        throw new ConfigException.BadValue(
            value.origin(),
            key,
            "a static page must not be under the gateway's own routes (/v1/, /admin/, /health/,"
                + " /metrics, /openapi.yaml, /console), got '"
                + path
                + "'");
      }
      if (value.valueType() != ConfigValueType.STRING || ((String) value.unwrapped()).isBlank()) {
        throw new ConfigException.BadValue(
            value.origin(),
            key,
            "must be the name of a classpath resource, such as \"com/example/page.html\", got "
                + value.render());
      }
      out.put(path, ((String) value.unwrapped()).strip());
    }
    return out;
  }

  private static int positiveInt(Config c, String key) {
    int value = c.getInt(key);
    if (value < 1) {
      throw new ConfigException.BadValue(
          c.origin(), "durable-objects.http." + key, "must be at least 1, got " + value);
    }
    return value;
  }

  /** {@code key} of {@code durable-objects.http} ({@code c}), checked to be positive. */
  static Duration positive(Config c, String key) {
    Duration value = c.getDuration(key);
    if (value.isZero() || value.isNegative()) {
      throw new ConfigException.BadValue(
          c.origin(), "durable-objects.http." + key, "must be positive, got " + value);
    }
    return value;
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

package io.durableobjects.gateway;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.durableobjects.gateway.internal.BrowserGuard;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which web pages may use the gateway, read from {@code durable-objects.http.allowed-origins} and
 * {@code allowed-hosts} (see reference.conf). Browsers attach {@code Origin} to WebSocket upgrades
 * and cross-site requests, and let any page send them to any address, so without these checks a
 * page on another site could open sockets to (or POST to) a gateway that needs no token (cross-site
 * WebSocket hijacking, CSRF), and a page whose name re-resolves to 127.0.0.1 could even read its
 * answers (DNS rebinding).
 *
 * @param allowedOrigins origins ({@code scheme://host[:port]}, lowercase, default port omitted)
 *     allowed besides the gateway's own; empty for only its own
 * @param anyOrigin {@code *} was configured: every origin is allowed (the check is off)
 * @param allowedHosts host names (lowercase; IPv6 in brackets) the {@code Host} header may name,
 *     with any port, when object traffic needs no token
 * @param anyHost {@code *} was configured: every Host is allowed (the check is off)
 */
public record BrowserSettings(
    Set<String> allowedOrigins, boolean anyOrigin, Set<String> allowedHosts, boolean anyHost) {

  /** The names of the loopback interface, allowed in {@code Host} by default. */
  static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

  public BrowserSettings {
    allowedOrigins = Set.copyOf(allowedOrigins);
    allowedHosts = Set.copyOf(allowedHosts);
  }

  /**
   * Reads and validates the settings for a gateway bound to {@code bindHost}.
   *
   * @throws ConfigException naming the bad key and entry
   */
  static BrowserSettings fromConfig(Config http, String bindHost) {
    List<String> origins = entries(http.getString("allowed-origins"));
    boolean anyOrigin = origins.contains("*");
    Set<String> allowedOrigins = new LinkedHashSet<>();
    for (String origin : origins) {
      if (!origin.equals("*")) {
        allowedOrigins.add(normalizedOrigin(http, origin));
      }
    }
    List<String> hosts = entries(http.getString("allowed-hosts"));
    boolean anyHost = hosts.contains("*");
    Set<String> allowedHosts = new LinkedHashSet<>();
    if (hosts.isEmpty()) {
      allowedHosts.addAll(LOOPBACK_HOSTS);
      String bound = BrowserGuard.hostName(bindHost);
      if (!bound.equals("0.0.0.0") && !bound.equals("[::]")) {
        allowedHosts.add(bound); // a gateway bound to one address may be reached by it
      }
    }
    for (String host : hosts) {
      if (!host.equals("*")) {
        if (!host.matches("[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\]|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]+")) {
          throw new ConfigException.BadValue(
              http.origin(),
              "durable-objects.http.allowed-hosts",
              "each entry is a host name or address without a port (IPv6 in brackets, e.g."
                  + " [::1]), or *; got '"
                  + host
                  + "'");
        }
        allowedHosts.add(BrowserGuard.hostName(host));
      }
    }
    return new BrowserSettings(allowedOrigins, anyOrigin, allowedHosts, anyHost);
  }

  private static String normalizedOrigin(Config http, String origin) {
    String problem = "is not an origin";
    try {
      URI uri = new URI(origin);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        problem = "has no http or https scheme";
      } else if (uri.getHost() == null) {
        problem = "has no host";
      } else if (!uri.getRawPath().isEmpty()
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null
          || uri.getRawUserInfo() != null) {
        problem = "has more than scheme, host and port (no path, not even \"/\")";
      } else {
        return BrowserGuard.origin(scheme, uri.getHost(), uri.getPort());
      }
    } catch (URISyntaxException e) {
      problem = "is not a valid URI";
    }
    throw new ConfigException.BadValue(
        http.origin(),
        "durable-objects.http.allowed-origins",
        "each entry is an origin, scheme://host[:port] such as https://app.example.com, or *; '"
            + origin
            + "' "
            + problem);
  }

  private static List<String> entries(String raw) {
    List<String> out = new ArrayList<>();
    for (String entry : raw.split(",")) {
      if (!entry.isBlank()) {
        out.add(entry.strip());
      }
    }
    return out;
  }
}

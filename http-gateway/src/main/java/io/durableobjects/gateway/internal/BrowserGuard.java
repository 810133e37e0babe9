package io.durableobjects.gateway.internal;

import io.durableobjects.core.spi.LogText;
import io.durableobjects.gateway.BrowserSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * INTERNAL API: the checks that keep other sites' web pages away from the gateway ({@link
 * BrowserSettings}).
 *
 * <ul>
 *   <li><b>Origin</b>, on WebSocket upgrades and on requests other than GET, HEAD and OPTIONS: a
 *       request that carries {@code Origin} comes from a web page, and is refused with 403 {@code
 *       origin_not_allowed} unless that page is the gateway's own (its origin names the host and
 *       port of the request's {@code Host}) or its origin is configured. A request without {@code
 *       Origin} is not a browser's cross-site request (curl, servers) and passes.
 *   <li><b>Host</b>, on object traffic when it needs no token: 403 {@code host_not_allowed} unless
 *       {@code Host} names an allowed host (by default the loopback names). A page whose own name
 *       was re-resolved to the gateway's address (DNS rebinding) sends its own name.
 * </ul>
 */
public final class BrowserGuard {
  /** A refusal: its error code (the metrics' reason) and the answer. */
  public record Refusal(String code, HttpResponse response) {}

  private final BrowserSettings settings;
  private final boolean checkHost;

  /**
   * @param tokenRequired whether object traffic needs a token (then the Host check is off: a page
   *     without the token gets nothing, whatever name it used)
   */
  public BrowserGuard(BrowserSettings settings, boolean tokenRequired) {
    this.settings = settings;
    this.checkHost = !tokenRequired && !settings.anyHost();
  }

  /** Empty if {@code request} may reach objects, else the 403 answer. */
  public Optional<Refusal> checkObjectTraffic(HttpRequest request) {
    if (checkHost) {
      Optional<String> host = hostOf(request);
      if (host.isPresent() && !settings.allowedHosts().contains(host.get())) {
        return refusal(
            "host_not_allowed",
            "object traffic needs no token on this node, so it answers only requests for the"
                + " host names in durable-objects.http.allowed-hosts (DO_ALLOWED_HOSTS), not '"
                + ErrorResponses.shorten(LogText.escape(host.get()))
                + "'");
      }
    }
    return checkOrigin(request);
  }

  /**
   * Empty if {@code request} may change state: it is safe (GET, HEAD or OPTIONS without a WebSocket
   * upgrade), carries no Origin, or comes from an allowed origin; else the 403 answer.
   */
  public Optional<Refusal> checkOrigin(HttpRequest request) {
    if (settings.anyOrigin() || !changesState(request)) {
      return Optional.empty();
    }
    Optional<HttpHeader> header = request.getHeader("Origin");
    if (header.isEmpty()) {
      return Optional.empty();
    }
    String origin = header.get().value().strip();
    if (isOwn(origin, request) || settings.allowedOrigins().contains(normalized(origin))) {
      return Optional.empty();
    }
    return refusal(
        "origin_not_allowed",
        "a page from origin '"
            + ErrorResponses.shorten(LogText.escape(origin))
            + "' may not open WebSockets or send "
            + request.method().name()
            + " requests here; only the gateway's own pages and the origins in"
            + " durable-objects.http.allowed-origins (DO_ALLOWED_ORIGINS) may");
  }

  private static Optional<Refusal> refusal(String code, String message) {
    return Optional.of(new Refusal(code, ErrorResponses.of(403, code, message)));
  }

  private static boolean changesState(HttpRequest request) {
    String method = request.method().name();
    boolean safe = method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
    return !safe || WebSocketTokens.isUpgrade(request);
  }

  /** Whether {@code origin} is the origin the request was sent to (Host's host and port). */
  private static boolean isOwn(String origin, HttpRequest request) {
    Optional<URI> uri = parse(origin);
    Optional<String> hostHeader = request.getHeader("Host").map(h -> h.value().strip());
    if (uri.isEmpty() || hostHeader.isEmpty()) {
      return false;
    }
    String scheme = uri.get().getScheme().toLowerCase(Locale.ROOT);
    int originPort = uri.get().getPort() == -1 ? defaultPort(scheme) : uri.get().getPort();
    String host = hostHeader.get();
    int colon = host.lastIndexOf(':');
    int hostPort = defaultPort(scheme);
    String hostName = host;
    if (colon > host.lastIndexOf(']')) {
      hostName = host.substring(0, colon);
      try {
        hostPort = Integer.parseInt(host.substring(colon + 1));
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return hostName(hostName).equals(hostName(uri.get().getHost())) && hostPort == originPort;
  }

  private static String normalized(String origin) {
    return parse(origin)
        .map(uri -> origin(uri.getScheme(), uri.getHost(), uri.getPort()))
        .orElse("");
  }

  /** An origin as browsers send it (scheme, host, maybe a port); empty for "null" and the like. */
  private static Optional<URI> parse(String origin) {
    try {
      URI uri = new URI(origin);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https"))
          && uri.getHost() != null
          && uri.getRawPath().isEmpty()
          && uri.getRawQuery() == null
          && uri.getRawUserInfo() == null) {
        return Optional.of(uri);
      }
    } catch (URISyntaxException e) {
      // not an origin
    }
    return Optional.empty();
  }

  /** The host name of the request's Host header, without its port; empty without the header. */
  private static Optional<String> hostOf(HttpRequest request) {
    return request
        .getHeader("Host")
        .map(
            header -> {
              String value = header.value().strip();
              int colon = value.lastIndexOf(':');
              String name = colon > value.lastIndexOf(']') ? value.substring(0, colon) : value;
              return hostName(name);
            });
  }

  /** A host name as the Host header carries it: lowercase, an IPv6 address in brackets. */
  public static String hostName(String host) {
    String lower = host.strip().toLowerCase(Locale.ROOT);
    return lower.contains(":") && !lower.startsWith("[") ? "[" + lower + "]" : lower;
  }

  /** {@code scheme://host[:port]}, lowercase, without the scheme's default port. */
  public static String origin(String scheme, String host, int port) {
    String s = scheme.toLowerCase(Locale.ROOT);
    boolean defaultPort = port == -1 || port == defaultPort(s);
    return s + "://" + hostName(host) + (defaultPort ? "" : ":" + port);
  }

  public static int defaultPort(String scheme) {
    return scheme.equals("https") ? 443 : 80;
  }
}

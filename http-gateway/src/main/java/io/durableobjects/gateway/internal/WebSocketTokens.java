package io.durableobjects.gateway.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * INTERNAL API: the API token of a browser's WebSocket upgrade. A browser cannot set {@code
 * Authorization} on a WebSocket, only the subprotocols it offers, so it offers two: {@value
 * #PROTOCOL}, which the gateway selects in its 101 (a browser fails a handshake whose answer
 * selects none of the offered subprotocols, and the token must never be echoed), and {@code
 * bearer.<token>}: {@code new WebSocket(url, ["durable-objects", "bearer." + token])}. The token
 * entry never reaches the object.
 */
public final class WebSocketTokens {
  /** The subprotocol the gateway selects when a client offers it. */
  public static final String PROTOCOL = "durable-objects";

  private static final String PREFIX = "bearer.";

  private WebSocketTokens() {}

  /** Whether {@code request} asks for a WebSocket upgrade ({@code Upgrade: websocket}). */
  public static boolean isUpgrade(HttpRequest request) {
    return request
        .getHeader("Upgrade")
        .map(h -> h.value().toLowerCase(Locale.ROOT).contains("websocket"))
        .orElse(false);
  }

  /** The subprotocols the client offers, in its order. */
  public static List<String> offered(HttpRequest request) {
    List<String> out = new ArrayList<>();
    for (HttpHeader header : request.getHeaders()) {
      if (header.is("sec-websocket-protocol")) {
        for (String entry : header.value().split(",")) {
          if (!entry.isBlank()) {
            out.add(entry.strip());
          }
        }
      }
    }
    return out;
  }

  /** The token of a WebSocket upgrade's {@code bearer.<token>} subprotocol, if it offers one. */
  public static Optional<String> token(HttpRequest request) {
    if (!isUpgrade(request)) {
      return Optional.empty();
    }
    return offered(request).stream()
        .filter(WebSocketTokens::isToken)
        .map(p -> p.substring(PREFIX.length()))
        .filter(t -> !t.isEmpty())
        .findFirst();
  }

  /**
   * Why the upgrade's subprotocols cannot be answered, if they cannot: a token offered without
   * {@value #PROTOCOL} leaves the gateway nothing to select but the token.
   */
  public static Optional<String> problem(HttpRequest request) {
    List<String> offered = offered(request);
    if (offered.stream().anyMatch(WebSocketTokens::isToken) && !offered.contains(PROTOCOL)) {
      return Optional.of(
          "a WebSocket upgrade that carries its token as the subprotocol \"bearer.<token>\" must"
              + " also offer the subprotocol \""
              + PROTOCOL
              + "\", which the gateway selects: new WebSocket(url, [\""
              + PROTOCOL
              + "\", \"bearer.\" + token])");
    }
    return Optional.empty();
  }

  /** Whether a subprotocol entry is a token (never shown to the object, never echoed). */
  static boolean isToken(String protocol) {
    return protocol.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
  }

  /** A {@code Sec-WebSocket-Protocol} value without its token entries; empty if none remain. */
  static Optional<String> withoutTokens(String value) {
    List<String> kept = new ArrayList<>();
    for (String entry : value.split(",")) {
      if (!entry.isBlank() && !isToken(entry.strip())) {
        kept.add(entry.strip());
      }
    }
    return kept.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", kept));
  }
}

package io.durableobjects.gateway.internal;

import io.durableobjects.gateway.AuthSettings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * INTERNAL API: bearer-token checks for object traffic and the admin API. Tokens are compared as
 * SHA-256 digests with {@link MessageDigest#isEqual} (constant time, and no length leak), every
 * configured token is compared on every request, and no token ever reaches a log or a response. A
 * WebSocket upgrade may carry its API token as a subprotocol instead ({@link WebSocketTokens}); a
 * wrong token and one valid only in another namespace get the same 403.
 */
public final class BearerAuth {
  private static final HttpHeader CHALLENGE =
      RawHeader.create("WWW-Authenticate", "Bearer realm=\"durable-objects\"");

  private static final HttpResponse FORBIDDEN = ErrorResponses.of(403, "forbidden", "forbidden");

  private record Known(Optional<String> namespace, byte[] digest) {}

  private final boolean required;
  private final List<Known> apiTokens;
  private final byte[] adminDigest;

  public BearerAuth(AuthSettings settings) {
    this.required = settings.required();
    this.apiTokens =
        settings.tokens().stream().map(t -> new Known(t.namespace(), digest(t.secret()))).toList();
    this.adminDigest = settings.adminToken().map(BearerAuth::digest).orElse(null);
  }

  /** Whether object traffic needs a token (then the object never sees the Authorization header). */
  public boolean required() {
    return required;
  }

  /** Empty if {@code request} may reach objects of {@code namespace}, else the 401/403 answer. */
  public Optional<HttpResponse> checkObjectTraffic(HttpRequest request, String namespace) {
    if (!required) {
      return Optional.empty();
    }
    Optional<String> token = bearerToken(request).or(() -> WebSocketTokens.token(request));
    if (token.isEmpty()) {
      return Optional.of(
          unauthorized(
              "this route requires the header 'Authorization: Bearer <token>' (from a browser's"
                  + " WebSocket: the subprotocols \"durable-objects\" and \"bearer.<token>\")"));
    }
    byte[] given = digest(token.get());
    boolean forNamespace = false;
    for (Known known : apiTokens) {
      boolean equal = MessageDigest.isEqual(known.digest(), given);
      forNamespace |= equal && known.namespace().map(namespace::equals).orElse(true);
    }
    if (forNamespace) {
      return Optional.empty();
    }
    // The same answer for an unknown token and for one valid in another namespace: a caller
    // learns nothing about a token it tries.
    return Optional.of(FORBIDDEN);
  }

  /** Empty if {@code request} carries the admin token, else the 401/403 answer. */
  public Optional<HttpResponse> checkAdmin(HttpRequest request) {
    if (adminDigest == null) {
      return Optional.of(
          ErrorResponses.of(
              403,
              "forbidden",
              "the admin API is disabled: no admin token is configured (DO_ADMIN_TOKEN or"
                  + " durable-objects.http.auth.admin-token)"));
    }
    Optional<String> token = bearerToken(request);
    if (token.isEmpty()) {
      return Optional.of(unauthorized());
    }
    if (MessageDigest.isEqual(adminDigest, digest(token.get()))) {
      return Optional.empty();
    }
    return Optional.of(ErrorResponses.of(403, "forbidden", "the token is not the admin token"));
  }

  private static HttpResponse unauthorized() {
    return unauthorized("this route requires the header 'Authorization: Bearer <token>'");
  }

  private static HttpResponse unauthorized(String message) {
    return ErrorResponses.of(401, "unauthorized", message).addHeader(CHALLENGE);
  }

  /** The token of an {@code Authorization: Bearer <token>} header, if the request has one. */
  static Optional<String> bearerToken(HttpRequest request) {
    Optional<HttpHeader> header = request.getHeader("Authorization");
    if (header.isEmpty()) {
      return Optional.empty();
    }
    String value = header.get().value().strip();
    if (value.length() <= 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    String token = value.substring(7).strip();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }

  /** What tokens are compared by (in constant time: {@link MessageDigest#isEqual}). */
  static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }
}

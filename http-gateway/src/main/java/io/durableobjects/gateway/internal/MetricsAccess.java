package io.durableobjects.gateway.internal;

import java.security.MessageDigest;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * INTERNAL API: who may read {@code GET /metrics}. Without a configured token, anyone (like {@code
 * /health/*}); with one ({@code durable-objects.http.metrics.token}), only a request carrying it as
 * a bearer token, answered otherwise like the other routes' auth errors (401 {@code unauthorized}
 * with a challenge, 403 {@code forbidden}). The token is compared as a SHA-256 digest in constant
 * time and never reaches a log or a response.
 */
public final class MetricsAccess {
  private static final HttpHeader CHALLENGE =
      RawHeader.create("WWW-Authenticate", "Bearer realm=\"durable-objects\"");

  private final byte[] digest;

  public MetricsAccess(Optional<String> token) {
    this.digest = token.map(BearerAuth::digest).orElse(null);
  }

  /** Empty if {@code request} may read the metrics, else the 401/403 answer. */
  public Optional<HttpResponse> check(HttpRequest request) {
    if (digest == null) {
      return Optional.empty();
    }
    Optional<String> token = BearerAuth.bearerToken(request);
    if (token.isEmpty()) {
      return Optional.of(
          ErrorResponses.of(
                  401,
                  "unauthorized",
                  "this route requires the header 'Authorization: Bearer <token>'")
              .addHeader(CHALLENGE));
    }
    if (MessageDigest.isEqual(digest, BearerAuth.digest(token.get()))) {
      return Optional.empty();
    }
    return Optional.of(ErrorResponses.of(403, "forbidden", "the token is not the metrics token"));
  }
}

package io.durableobjects.gateway.internal;

import io.durableobjects.core.Header;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * INTERNAL API: turns an HTTP request into an object {@link Request} and an object {@link Response}
 * back into HTTP.
 */
public final class HttpTranslation {
  private HttpTranslation() {}

  /** Headers that describe one HTTP hop or that the server adds; they never reach an object. */
  private static final List<String> HOP_HEADERS =
      List.of(
          "Timeout-Access",
          "Connection",
          "Keep-Alive",
          "Transfer-Encoding",
          "TE",
          "Upgrade",
          "Proxy-Connection",
          "Content-Length");

  /**
   * The object request for {@code http}, addressed to {@code objectPath} (the part of the URL path
   * after the object's address).
   *
   * @param requestId the gateway's request ID, which the object sees as {@code X-Request-Id}
   * @param withoutAuthorization drop the {@code Authorization} header (the gateway checked it; the
   *     token is not the object's business)
   * @throws IllegalArgumentException if a header cannot be represented (the gateway answers 400)
   */
  public static Request toObjectRequest(
      HttpRequest http,
      String objectPath,
      byte[] body,
      String requestId,
      boolean withoutAuthorization) {
    List<Header> headers = new ArrayList<>();
    List<String> connectionOptions = connectionOptions(http);
    for (HttpHeader h : http.getHeaders()) {
      if (isHopHeader(h.name())
          || connectionOptions.contains(h.lowercaseName())
          || h.is("x-request-id")
          || withoutAuthorization && h.is("authorization")) {
        continue;
      }
      if (h.is("sec-websocket-protocol")) {
        // A browser's token travels here (WebSocketTokens): the object never sees it.
        WebSocketTokens.withoutTokens(h.value())
            .ifPresent(kept -> headers.add(new Header(h.name(), kept)));
        continue;
      }
      headers.add(new Header(h.name(), h.value()));
    }
    headers.add(new Header(RequestIds.HEADER, requestId));
    // Pekko HTTP moves Content-Type out of the headers into the entity; the object sees it again.
    ContentType contentType = http.entity().getContentType();
    if (!contentType.equals(ContentTypes.NO_CONTENT_TYPE)) {
      headers.add(new Header("Content-Type", contentType.toString()));
    }
    Request request =
        Request.of(http.method().value(), objectPath.isEmpty() ? "/" : objectPath)
            .withHeaders(headers)
            .withBody(body);
    Optional<String> query = http.getUri().rawQueryString();
    return query.isPresent() ? request.withQuery(query.get()) : request;
  }

  /** The header names a Connection header declares hop-by-hop (RFC 9110, 7.6.1), lowercase. */
  private static List<String> connectionOptions(HttpRequest http) {
    List<String> names = new ArrayList<>();
    for (HttpHeader h : http.getHeaders()) {
      if (h.is("connection")) {
        for (String token : h.value().split(",")) {
          String name = token.strip().toLowerCase(java.util.Locale.ROOT);
          if (!name.isEmpty()) {
            names.add(name);
          }
        }
      }
    }
    return names;
  }

  /** The HTTP response for an object's response. */
  public static HttpResponse toHttpResponse(Response response) {
    ContentType contentType = ContentTypes.APPLICATION_OCTET_STREAM;
    List<HttpHeader> headers = new ArrayList<>();
    for (Header h : response.headers()) {
      if (h.is("Content-Type")) {
        contentType = parseContentType(h.value());
      } else if (!isHopHeader(h.name())) {
        headers.add(RawHeader.create(h.name(), h.value()));
      }
    }
    byte[] body = response.body();
    HttpResponse http = HttpResponse.create().withStatus(statusCode(response.status()));
    if (!headers.isEmpty()) {
      http = http.withHeaders(headers);
    }
    return body.length == 0 && contentType == ContentTypes.APPLICATION_OCTET_STREAM
        ? http.withEntity(HttpEntities.EMPTY)
        : http.withEntity(HttpEntities.create(contentType, body));
  }

  private static ContentType parseContentType(String value) {
    try {
      return ContentTypes.parse(value);
    } catch (RuntimeException e) {
      return ContentTypes.APPLICATION_OCTET_STREAM;
    }
  }

  /**
   * The status code for {@code status}, registering a custom one for numbers Pekko does not know.
   */
  public static StatusCode statusCode(int status) {
    return StatusCodes.lookup(status)
        .orElseGet(() -> StatusCodes.custom(status, "Status " + status, "", status < 400, true));
  }

  private static boolean isHopHeader(String name) {
    for (String hop : HOP_HEADERS) {
      if (hop.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }
}

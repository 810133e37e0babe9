package io.durableobjects.gateway.internal;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * INTERNAL API: answers requests too malformed to reach the routes (a bad request line, URI or
 * header syntax, a header or URI above the parser's limits) with the gateway's JSON error shape and
 * a request ID, instead of Pekko HTTP's plain-text default. Configured as {@code
 * pekko.http.server.parsing.error-handler} in the node defaults.
 */
public final class JsonParsingErrorHandler extends ParsingErrorHandler {

  @Override
  public HttpResponse handle(
      StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    String requestId = RequestIds.generate();
    log.debug("Request {} refused by the HTTP parser: {}", requestId, info.formatPretty());
    // 422 is what Pekko says of a body on a method that must not have one: malformed input, 400.
    int code = status.intValue() == 422 ? 400 : status.intValue();
    String error =
        switch (code) {
          case 413 -> "payload_too_large";
          case 414 -> "uri_too_long";
          case 431 -> "headers_too_large";
          case 501 -> "not_implemented";
          case 505 -> "http_version_not_supported";
          default -> code >= 500 ? "internal_error" : "bad_request";
        };
    return ErrorResponses.of(code, error, ErrorResponses.shorten(info.summary()))
        .addHeader(RawHeader.create(RequestIds.HEADER, requestId));
  }
}

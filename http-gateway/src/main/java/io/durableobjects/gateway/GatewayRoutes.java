package io.durableobjects.gateway;

import io.durableobjects.core.spi.LogText;
import io.durableobjects.gateway.internal.ErrorResponses;
import io.durableobjects.gateway.internal.RequestIds;
import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamException;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.http.scaladsl.model.IllegalRequestException;
import org.apache.pekko.stream.StreamTcpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole HTTP surface of a node: object traffic, the admin API, health, metrics, the API
 * description, the operator console and the configured static pages. Every response carries an
 * {@code X-Request-Id} (the client's, if it sent a valid one), and every error, including Pekko
 * HTTP's own rejections, answers with the gateway's JSON error shape; unexpected failures are
 * logged with the request ID and answered without detail.
 */
public final class GatewayRoutes extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(GatewayRoutes.class);

  private final Route inner;

  public GatewayRoutes(
      ObjectRoutes objects,
      AdminRoutes admin,
      HealthRoutes health,
      StaticPages pages,
      ConsoleRoutes console) {
    this(
        List.of(
            discardingBody(GatewayRoutes::isHealthPath, health.route()),
            objects.route(),
            discardingBody(path -> path.startsWith("/admin/"), admin.route()),
            discardingBody(console::serves, console.route()),
            discardingBody(pages.paths()::contains, pages.route())));
  }

  /**
   * Reads and drops a request body the route does not use before it answers. Answering first and
   * closing the connection while the client still sends (a GET with a large chunked body) makes the
   * kernel reset the connection, and the client may lose the answer.
   */
  private static Route discardingBody(java.util.function.Predicate<String> paths, Route route) {
    return DIRECTIVES.extractRequest(
        request ->
            request.entity().isKnownEmpty() || !paths.test(request.getUri().path())
                ? route
                : DIRECTIVES.extractMaterializer(
                    materializer ->
                        DIRECTIVES.onComplete(
                            request.entity().discardBytes(materializer).completionStage(),
                            done -> route)));
  }

  private static boolean isHealthPath(String path) {
    return path.startsWith("/health/") || path.equals("/metrics") || path.equals("/openapi.yaml");
  }

  private static final AllDirectives DIRECTIVES = new AllDirectives() {};

  /** Only these routes, with the request IDs and error mapping of the gateway (for tests). */
  GatewayRoutes(Route routes) {
    this(List.of(routes));
  }

  private GatewayRoutes(List<Route> routes) {
    // Built once: the handlers read the request ID from the request, not from a closure.
    Route all = concat(routes.get(0), routes.subList(1, routes.size()).toArray(Route[]::new));
    this.inner =
        handleExceptions(exceptionHandler(), () -> handleRejections(rejectionHandler(), () -> all));
  }

  public Route route() {
    return extractRequest(
        request -> {
          String requestId = RequestIds.of(request);
          HttpHeader idHeader = RawHeader.create(RequestIds.HEADER, requestId);
          // The routes (and the object) see the same ID as the response carries.
          return mapRequest(
              r -> r.removeHeader(RequestIds.HEADER).addHeader(idHeader),
              () -> mapResponse(response -> withRequestId(response, idHeader), () -> inner));
        });
  }

  private static HttpResponse withRequestId(HttpResponse response, HttpHeader idHeader) {
    return response.getHeader(RequestIds.HEADER).isPresent()
        ? response.removeHeader(RequestIds.HEADER).addHeader(idHeader)
        : response.addHeader(idHeader);
  }

  private ExceptionHandler exceptionHandler() {
    return ExceptionHandler.newBuilder()
        .match(
            EntityStreamSizeException.class,
            e ->
                complete(
                    ErrorResponses.of(
                        413,
                        "payload_too_large",
                        "the request body exceeds the limit of " + e.limit() + " bytes")))
        .match(
            IllegalRequestException.class,
            e -> {
              // A chunked body above the limit surfaces here (as a 400) when it is read.
              int status =
                  e.info().summary().startsWith("Request too large") ? 413 : e.status().intValue();
              return complete(
                  ErrorResponses.of(
                      status, codeFor(status), ErrorResponses.shorten(e.info().summary())));
            })
        .match(
            StreamTcpException.class,
            e ->
                extractRequest(
                    request -> {
                      // The client went away while its body was read: nobody reads this answer.
                      log.debug(
                          "Request {}: the connection failed: {}",
                          requestIdOf(request),
                          e.getMessage());
                      return complete(
                          ErrorResponses.of(
                              400, "bad_request", "the connection failed while the body was read"));
                    }))
        .match(
            EntityStreamException.class,
            e ->
                complete(
                    ErrorResponses.of(
                        400, "bad_request", ErrorResponses.shorten(e.info().summary()))))
        .matchAny(
            e ->
                extractRequest(
                    request -> {
                      String requestId = requestIdOf(request);
                      log.error(
                          "Request {} ({} {}) failed unexpectedly",
                          requestId,
                          request.method().value(),
                          LogText.escape(ErrorResponses.shorten(request.getUri().path())),
                          e);
                      return complete(
                          ErrorResponses.of(
                              500,
                              "internal_error",
                              "the request failed unexpectedly (request ID " + requestId + ")"));
                    }))
        .build();
  }

  private static String requestIdOf(HttpRequest request) {
    return request.getHeader(RequestIds.HEADER).map(HttpHeader::value).orElse("-");
  }

  /** Pekko's default rejections (404, 405, ...) with their text moved into the JSON shape. */
  private static RejectionHandler rejectionHandler() {
    return RejectionHandler.defaultHandler()
        .mapRejectionResponse(
            response -> {
              if (response.entity() instanceof HttpEntity.Strict strict
                  && !response.entity().getContentType().equals(ContentTypes.APPLICATION_JSON)) {
                int status = response.status().intValue();
                return ErrorResponses.of(
                        status,
                        codeFor(status),
                        ErrorResponses.shorten(strict.getData().utf8String()))
                    .addHeaders(response.getHeaders());
              }
              return response;
            });
  }

  private static String codeFor(int status) {
    switch (status) {
      case 401:
        return "unauthorized";
      case 403:
        return "forbidden";
      case 404:
        return "not_found";
      case 405:
        return "method_not_allowed";
      case 413:
        return "payload_too_large";
      case 429:
        return "too_many_requests";
      case 503:
        return "unavailable";
      default:
        return status >= 500 ? "internal_error" : "bad_request";
    }
  }
}

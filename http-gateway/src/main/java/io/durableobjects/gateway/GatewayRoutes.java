package io.durableobjects.gateway;

import io.durableobjects.gateway.internal.ErrorResponses;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.http.scaladsl.model.IllegalRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole HTTP surface of a node: object traffic and liveness, wrapped so that every error,
 * including Pekko HTTP's own rejections, answers with the gateway's JSON error shape.
 */
public final class GatewayRoutes extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(GatewayRoutes.class);
  private static final HttpResponse ALIVE =
      HttpResponse.create()
          .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, "{\"status\":\"alive\"}"));

  private final ObjectRoutes objectRoutes;

  public GatewayRoutes(ObjectRoutes objectRoutes) {
    this.objectRoutes = objectRoutes;
  }

  public Route route() {
    return handleExceptions(
        exceptionHandler(),
        () ->
            handleRejections(
                rejectionHandler(),
                () ->
                    concat(
                        path(
                            PathMatchers.segment("health").slash("alive"),
                            () -> get(() -> complete(ALIVE))),
                        objectRoutes.route())));
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
              return complete(ErrorResponses.of(status, codeFor(status), e.info().summary()));
            })
        .matchAny(
            e -> {
              log.error("Unhandled error in a route", e);
              return complete(
                  ErrorResponses.of(500, "internal_error", "the request failed unexpectedly"));
            })
        .build();
  }

  /** Pekko's default rejections (404, 405, ...) with their text moved into the JSON shape. */
  private static RejectionHandler rejectionHandler() {
    return RejectionHandler.defaultHandler()
        .mapRejectionResponse(
            response -> {
              if (response.entity() instanceof HttpEntity.Strict strict
                  && !response.entity().getContentType().equals(ContentTypes.APPLICATION_JSON)) {
                int status = response.status().intValue();
                return ErrorResponses.of(status, codeFor(status), strict.getData().utf8String())
                    .addHeaders(response.getHeaders());
              }
              return response;
            });
  }

  private static String codeFor(int status) {
    switch (status) {
      case 404:
        return "not_found";
      case 405:
        return "method_not_allowed";
      case 413:
        return "payload_too_large";
      default:
        return status >= 500 ? "internal_error" : "bad_request";
    }
  }
}

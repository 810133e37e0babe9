package io.durableobjects.gateway;

import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.DurableObjectNamespace;
import io.durableobjects.gateway.internal.BearerAuth;
import io.durableobjects.gateway.internal.BrowserGuard;
import io.durableobjects.gateway.internal.ErrorResponses;
import io.durableobjects.gateway.internal.GatewayMetrics;
import io.durableobjects.gateway.internal.InFlightLimits;
import io.durableobjects.gateway.internal.WebSocketTokens;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The checks a request passes under {@code /v1/{namespace}} before it reaches an object, and their
 * refusals: the page the request comes from (Origin, Host), the token and the namespace, the name
 * or ID, the body size and the in-flight limits. Each refusal is counted; {@link ObjectRoutes} and
 * {@link RpcRoutes} share them, so a fetch and an RPC call are admitted alike.
 */
final class ObjectChecks extends AllDirectives {
  private final Function<String, DurableObjectNamespace> namespaces;
  private final GatewaySettings settings;
  private final BearerAuth auth;
  private final InFlightLimits limits;
  private final BrowserGuard browsers;
  private final GatewayMetrics metrics;

  ObjectChecks(
      Function<String, DurableObjectNamespace> namespaces,
      GatewaySettings settings,
      BearerAuth auth,
      InFlightLimits limits,
      BrowserGuard browsers,
      GatewayMetrics metrics) {
    this.namespaces = namespaces;
    this.settings = settings;
    this.auth = auth;
    this.limits = limits;
    this.browsers = browsers;
    this.metrics = metrics;
  }

  /** The namespace, once the caller (and the page it runs in, if any) is authorized for it. */
  DurableObjectNamespace admitted(HttpRequest http, String namespaceName) throws Refused {
    Optional<BrowserGuard.Refusal> notForPages = browsers.checkObjectTraffic(http);
    if (notForPages.isPresent()) {
      metrics.rejected(notForPages.get().code());
      throw new Refused(notForPages.get().response());
    }
    Optional<String> subprotocols = WebSocketTokens.problem(http);
    if (subprotocols.isPresent()) {
      throw new Refused(ErrorResponses.of(400, "invalid_header", subprotocols.get()));
    }
    Optional<HttpResponse> denied = auth.checkObjectTraffic(http, namespaceName);
    if (denied.isPresent()) {
      metrics.rejected(denied.get().status().intValue() == 401 ? "unauthorized" : "forbidden");
      throw new Refused(denied.get());
    }
    try {
      return namespaces.apply(namespaceName);
    } catch (DurableObjectException e) {
      throw new Refused(
          ErrorResponses.of(e.status(), e.code(), ErrorResponses.shorten(e.getMessage())));
    }
  }

  /** The object named {@code name} or with ID {@code hex} (exactly one is set). */
  static DurableObjectId idOf(DurableObjectNamespace namespace, String name, String hex)
      throws Refused {
    if (name != null) {
      if (name.length() > ObjectRoutes.MAX_NAME_LENGTH) {
        throw new Refused(
            ErrorResponses.of(
                400,
                "invalid_name",
                "the object name has "
                    + name.length()
                    + " characters; the limit is "
                    + ObjectRoutes.MAX_NAME_LENGTH));
      }
      return namespace.idFromName(name);
    }
    try {
      return namespace.idFromString(hex);
    } catch (DurableObjectException e) {
      throw new Refused(ErrorResponses.of(e));
    }
  }

  /**
   * Runs {@code inner} with the request's body, if the node's bound on request bytes in flight
   * admits it: the body's size (its Content-Length, or the largest allowed when it has none) is
   * reserved before a byte of it is read, until the route has answered. A request beyond the bound
   * gets 503 "overloaded"; its body is read and dropped first (streamed, never held), so that the
   * client, still sending, gets the answer instead of a reset connection.
   *
   * <p>A body the server already holds whole (every small request: pekko-http parses it strict) is
   * used as it is; only a streamed body is collected, with the entity timeout and size limit, since
   * collecting materializes a stream per request.
   */
  Route withBody(
      HttpRequest http, String namespaceName, long start, Function<byte[], Route> inner) {
    long reserved = bytesToReserve(http);
    if (!limits.tryReserveBytes(reserved)) {
      metrics.rejected("overloaded");
      HttpResponse refusal =
          ErrorResponses.of(
              503,
              "overloaded",
              "this node holds "
                  + settings.maxInFlightBytes()
                  + " bytes of request bodies in flight at most; retry shortly");
      return extractMaterializer(
          materializer ->
              onComplete(
                  http.entity().discardBytes(materializer).completionStage(),
                  discarded -> done(namespaceName, start, refusal)));
    }
    return mapRouteResultFuture(
        result -> {
          // A listener, not a stage in the chain: a dependent stage would wrap a failure (a body
          // above the limit) in a CompletionException, which no exception handler recognizes.
          result.whenComplete((r, failure) -> limits.releaseBytes(reserved));
          return result;
        },
        () -> {
          if (http.entity() instanceof HttpEntity.Strict strict
              && strict.getData().size() <= settings.maxBodyBytes()) {
            return inner.apply(strict.getData().toArray());
          }
          return extractStrictEntity(
              settings.entityTimeout(),
              settings.maxBodyBytes(),
              entity -> inner.apply(entity.getData().toArray()));
        });
  }

  /** The bytes a request's body may take: known exactly, or at most the largest body allowed. */
  private long bytesToReserve(HttpRequest http) {
    if (http.entity().isKnownEmpty()) {
      return 0;
    }
    if (http.entity() instanceof HttpEntity.Strict strict) {
      return strict.getData().size();
    }
    return Math.min(
        http.entity().getContentLengthOption().orElse(settings.maxBodyBytes()),
        settings.maxBodyBytes());
  }

  /** The answer to a request the in-flight limits did not admit (counted as rejected). */
  HttpResponse refused(InFlightLimits.Admission admission) {
    boolean nodeFull = admission == InFlightLimits.Admission.NODE_FULL;
    metrics.rejected(nodeFull ? "overloaded" : "too_many_requests");
    return nodeFull
        ? ErrorResponses.of(
            503,
            "overloaded",
            "this node has " + settings.maxInFlight() + " requests in flight; retry shortly")
        : ErrorResponses.of(
            429,
            "too_many_requests",
            "this object has "
                + settings.maxInFlightPerObject()
                + " requests in flight from this node; retry shortly");
  }

  HttpResponse tooLarge() {
    return ErrorResponses.of(
        413,
        "payload_too_large",
        "the request body exceeds the limit of " + settings.maxBodyBytes() + " bytes");
  }

  /** Answers a request that ends before reaching an object, counted under its namespace. */
  Route done(String namespaceName, long start, HttpResponse response) {
    metrics.request(
        metricNamespace(namespaceName), response.status().intValue(), System.nanoTime() - start);
    return complete(response);
  }

  /** The namespace's name for the metrics, or the one name all unknown namespaces share. */
  String metricNamespace(String namespaceName) {
    try {
      return namespaces.apply(namespaceName).name();
    } catch (RuntimeException e) {
      return GatewayMetrics.UNKNOWN_NAMESPACE;
    }
  }

  /** A request refused before it reached an object, with the answer to give. */
  static final class Refused extends Exception {
    final transient HttpResponse response;

    Refused(HttpResponse response) {
      super(null, null, false, false);
      this.response = response;
    }
  }
}

package io.durableobjects.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.DurableObjectNamespace;
import io.durableobjects.core.Request;
import io.durableobjects.gateway.internal.BearerAuth;
import io.durableobjects.gateway.internal.DrainDeadline;
import io.durableobjects.gateway.internal.ErrorResponses;
import io.durableobjects.gateway.internal.GatewayMetrics;
import io.durableobjects.gateway.internal.HttpTranslation;
import io.durableobjects.gateway.internal.InFlightLimits;
import io.durableobjects.gateway.internal.RequestIds;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Object traffic under {@code /v1/{namespace}}:
 *
 * <ul>
 *   <li>{@code ANY by-name/{name}/{path...}} goes to the object {@code idFromName(name)};
 *   <li>{@code ANY by-id/{id}/{path...}} to the object with that ID;
 *   <li>{@code POST ids} answers a new unique ID;
 *   <li>{@code POST rpc/by-name/{name}/{method}} and {@code rpc/by-id/{id}/{method}} call an RPC
 *       method ({@link RpcRoutes}).
 * </ul>
 *
 * The object sees the method, {@code /{path...}}, the raw query, the headers (with the gateway's
 * {@code X-Request-Id}) and the body; its status, headers and body come back. Before a request
 * reaches an object it is authenticated, checked (namespace, ID or name, body size) and admitted
 * by the in-flight limits; each refusal has its own status and error code.
 *
 * <p>The routes depend on a function from namespace name to {@link DurableObjectNamespace}, not on
 * Cluster Sharding, so they can be tested without a cluster.
 */
public final class ObjectRoutes extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(ObjectRoutes.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  // Built once: the routes below the namespace segment are assembled for every request.
  private static final HttpResponse MISSING_NAME =
      ErrorResponses.of(
          400,
          "invalid_name",
          "the object name is missing: use /v1/{namespace}/by-name/{name}/{path}");
  private static final HttpResponse MISSING_ID =
      ErrorResponses.of(
          400, "invalid_id", "the object ID is missing: use /v1/{namespace}/by-id/{id}/{path}");

  /** Longest object name, in characters, that {@code by-name} accepts. */
  public static final int MAX_NAME_LENGTH = 1024;

  private final Function<String, DurableObjectNamespace> namespaces;
  private final GatewaySettings settings;
  private final BearerAuth auth;
  private final InFlightLimits limits;
  private final GatewayMetrics metrics;
  private final DrainDeadline drain;
  private final io.durableobjects.gateway.internal.WebSocketUpgrades webSockets;
  private final RpcRoutes rpc;

  ObjectRoutes(
      Function<String, DurableObjectNamespace> namespaces,
      GatewaySettings settings,
      BearerAuth auth,
      InFlightLimits limits,
      GatewayMetrics metrics,
      DrainDeadline drain) {
    this(namespaces, settings, auth, limits, metrics, drain, null);
  }

  /**
   * Routes that also hand WebSocket upgrades on object paths to the objects ({@code webSockets}
   * null: an upgrade is forwarded as a plain request).
   */
  ObjectRoutes(
      Function<String, DurableObjectNamespace> namespaces,
      GatewaySettings settings,
      BearerAuth auth,
      InFlightLimits limits,
      GatewayMetrics metrics,
      DrainDeadline drain,
      io.durableobjects.gateway.internal.WebSocketUpgrades webSockets) {
    this.webSockets = webSockets;
    this.namespaces = namespaces;
    this.settings = settings;
    this.auth = auth;
    this.limits = limits;
    this.metrics = metrics;
    this.drain = drain;
    this.rpc = new RpcRoutes(this, settings, limits, metrics, drain);
  }

  public Route route() {
    return pathPrefix(
        "v1",
        () ->
            pathPrefix(
                PathMatchers.segment(),
                namespace ->
                    concat(
                        path("ids", () -> post(() -> newId(namespace))),
                        pathPrefix("rpc", () -> rpc.route(namespace)),
                        pathPrefix(
                            "by-name",
                            () ->
                                concat(
                                    pathPrefix(
                                        PathMatchers.segment(),
                                        name ->
                                            extractUnmatchedPath(
                                                rest -> forward(namespace, name, null, rest))),
                                    complete(MISSING_NAME))),
                        pathPrefix(
                            "by-id",
                            () ->
                                concat(
                                    pathPrefix(
                                        PathMatchers.segment(),
                                        id ->
                                            extractUnmatchedPath(
                                                rest -> forward(namespace, null, id, rest))),
                                    complete(MISSING_ID))))));
  }

  private Route newId(String namespaceName) {
    return extractRequest(
        http -> {
          long start = System.nanoTime();
          HttpResponse response;
          try {
            DurableObjectNamespace namespace = admitted(http, namespaceName);
            ObjectNode body = JSON.createObjectNode();
            body.put("id", namespace.newUniqueId().toString());
            body.put("namespace", namespace.name());
            response =
                HttpResponse.create()
                    .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body.toString()));
          } catch (Refused refused) {
            response = refused.response;
          }
          metrics.request(metricNamespace(namespaceName), response.status().intValue(), System.nanoTime() - start);
          return complete(response);
        });
  }

  /** Forwards to the object named {@code name} or with ID {@code hex} (exactly one is set). */
  private Route forward(String namespaceName, String name, String hex, String objectPath) {
    return extractRequest(
        http -> {
          long start = System.nanoTime();
          DurableObjectNamespace namespace;
          DurableObjectId id;
          try {
            namespace = admitted(http, namespaceName);
            id = idOf(namespace, name, hex);
          } catch (Refused refused) {
            return done(namespaceName, start, refused.response);
          }
          if (http.entity().getContentLengthOption().orElse(0L) > settings.maxBodyBytes()) {
            return done(namespaceName, start, tooLarge());
          }
          return withBody(
              http,
              body -> {
                String requestId = RequestIds.of(http);
                Request request;
                try {
                  request =
                      HttpTranslation.toObjectRequest(
                          http, objectPath, body, requestId, auth.required());
                } catch (IllegalArgumentException e) {
                  return done(
                      namespaceName,
                      start,
                      ErrorResponses.of(400, "invalid_header", ErrorResponses.shorten(e.getMessage())));
                }
                Optional<org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade> upgrade =
                    webSockets == null
                        ? Optional.empty()
                        : http.getAttribute(
                            org.apache.pekko.http.javadsl.model.AttributeKeys.webSocketUpgrade);
                if (upgrade.isPresent()) {
                  return completeWithFuture(
                      upgrade(
                          namespace,
                          id,
                          request.withHeader("Upgrade", "websocket"),
                          upgrade.get(),
                          requestId,
                          start));
                }
                return completeWithFuture(send(namespace, id, request, requestId, start));
              });
        });
  }

  /**
   * Runs {@code inner} with the request's body. A body the server already holds whole (every small
   * request: pekko-http parses it strict) is used as it is; only a streamed body is collected, with
   * the entity timeout and size limit, since collecting materializes a stream per request.
   */
  Route withBody(HttpRequest http, Function<byte[], Route> inner) {
    if (http.entity() instanceof HttpEntity.Strict strict
        && strict.getData().size() <= settings.maxBodyBytes()) {
      return inner.apply(strict.getData().toArray());
    }
    return extractStrictEntity(
        settings.entityTimeout(), settings.maxBodyBytes(), entity -> inner.apply(entity.getData().toArray()));
  }

  private CompletionStage<HttpResponse> send(
      DurableObjectNamespace namespace,
      DurableObjectId id,
      Request request,
      String requestId,
      long start) {
    String objectKey = namespace.name() + '/' + id;
    InFlightLimits.Admission admission = limits.tryAcquire(objectKey);
    if (admission != InFlightLimits.Admission.ADMITTED) {
      HttpResponse refusal = refused(admission);
      metrics.request(namespace.name(), refusal.status().intValue(), System.nanoTime() - start);
      return CompletableFuture.completedFuture(refusal);
    }
    CompletionStage<io.durableobjects.core.Response> reply;
    try {
      reply = namespace.get(id).fetch(request);
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<HttpResponse> answer = new CompletableFuture<>();
    reply.whenComplete(
        (ok, failure) -> {
          limits.release(objectKey);
          HttpResponse response = toHttp(ok, failure, namespace.name(), id, requestId);
          metrics.request(namespace.name(), response.status().intValue(), System.nanoTime() - start);
          answer.complete(response);
        });
    drain.track(answer, ObjectRoutes::shutDownBeforeAnswer);
    return answer;
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

  /**
   * Hands a WebSocket upgrade to the object: 101 and a connected socket if it accepts, its own
   * answer (or error) otherwise.
   */
  private CompletionStage<HttpResponse> upgrade(
      DurableObjectNamespace namespace,
      DurableObjectId id,
      Request request,
      org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade upgrade,
      String requestId,
      long start) {
    CompletableFuture<HttpResponse> answer = new CompletableFuture<>();
    webSockets
        .offer(id, request)
        .whenComplete(
            (offered, failure) -> {
              HttpResponse response;
              if (failure == null && offered.accepted()) {
                response = webSockets.connect(upgrade, offered.connection());
              } else {
                response =
                    toHttp(
                        failure == null ? offered.response() : null,
                        failure,
                        namespace.name(),
                        id,
                        requestId);
              }
              metrics.request(namespace.name(), response.status().intValue(), System.nanoTime() - start);
              answer.complete(response);
            });
    return answer;
  }

  static HttpResponse shutDownBeforeAnswer() {
    return ErrorResponses.of(
        503,
        "unavailable",
        "the node shut down before the object answered; the request may or may not have been"
            + " applied: retry, with an Idempotency-Key to apply it at most once");
  }

  /** The namespace, once the caller is authorized for it. */
  DurableObjectNamespace admitted(HttpRequest http, String namespaceName) throws Refused {
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

  static DurableObjectId idOf(DurableObjectNamespace namespace, String name, String hex)
      throws Refused {
    if (name != null) {
      if (name.length() > MAX_NAME_LENGTH) {
        throw new Refused(
            ErrorResponses.of(
                400,
                "invalid_name",
                "the object name has "
                    + name.length()
                    + " characters; the limit is "
                    + MAX_NAME_LENGTH));
      }
      return namespace.idFromName(name);
    }
    try {
      return namespace.idFromString(hex);
    } catch (DurableObjectException e) {
      throw new Refused(ErrorResponses.of(e));
    }
  }

  Route done(String namespaceName, long start, HttpResponse response) {
    metrics.request(metricNamespace(namespaceName), response.status().intValue(), System.nanoTime() - start);
    return complete(response);
  }

  private String metricNamespace(String namespaceName) {
    try {
      return namespaces.apply(namespaceName).name();
    } catch (RuntimeException e) {
      return GatewayMetrics.UNKNOWN_NAMESPACE;
    }
  }

  HttpResponse tooLarge() {
    return ErrorResponses.of(
        413,
        "payload_too_large",
        "the request body exceeds the limit of " + settings.maxBodyBytes() + " bytes");
  }

  static HttpResponse toHttp(
      io.durableobjects.core.Response ok,
      Throwable failure,
      String namespace,
      DurableObjectId id,
      String requestId) {
    if (failure == null) {
      return HttpTranslation.toHttpResponse(ok);
    }
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof DurableObjectException e) {
      if (e.status() >= 500) {
        log.warn(
            "Request {} to {}/{} failed with {} {}: {}",
            requestId,
            namespace,
            id,
            e.status(),
            e.code(),
            e.getMessage());
      }
      if (e.code().equals("object_error") || e.code().equals("storage_error")) {
        // The exception's text is for the operator (logged above), not for the client.
        return ErrorResponses.of(
            500,
            e.code(),
            "the object's code failed; none of the request's writes were applied (request ID "
                + requestId
                + " in the node's log)");
      }
      return ErrorResponses.of(e);
    }
    log.error("Request {} to {}/{} failed unexpectedly", requestId, namespace, id, cause);
    return ErrorResponses.of(
        500, "internal_error", "the request failed unexpectedly (request ID " + requestId + ")");
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

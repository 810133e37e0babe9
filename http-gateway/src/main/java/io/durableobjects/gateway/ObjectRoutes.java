package io.durableobjects.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.DurableObjectNamespace;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.gateway.internal.BearerAuth;
import io.durableobjects.gateway.internal.BrowserGuard;
import io.durableobjects.gateway.internal.DrainDeadline;
import io.durableobjects.gateway.internal.ErrorResponses;
import io.durableobjects.gateway.internal.GatewayMetrics;
import io.durableobjects.gateway.internal.HttpTranslation;
import io.durableobjects.gateway.internal.InFlightLimits;
import io.durableobjects.gateway.internal.RequestIds;
import io.durableobjects.gateway.internal.WebSocketUpgrades;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

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
 * reaches an object it passes the browser checks ({@link BrowserGuard}), is authenticated, checked
 * (namespace, ID or name, body size) and admitted by the in-flight limits; each refusal has its own
 * status and error code.
 *
 * <p>The routes depend on a function from namespace name to {@link DurableObjectNamespace}, not on
 * Cluster Sharding, so they can be tested without a cluster.
 */
public final class ObjectRoutes extends AllDirectives {
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

  private final GatewaySettings settings;
  private final BearerAuth auth;
  private final InFlightLimits limits;
  private final GatewayMetrics metrics;
  private final DrainDeadline drain;
  private final WebSocketUpgrades webSockets;
  private final ObjectChecks checks;
  private final RpcRoutes rpc;
  private final ChangeFeedRoutes changes;

  ObjectRoutes(
      Function<String, DurableObjectNamespace> namespaces,
      GatewaySettings settings,
      BearerAuth auth,
      InFlightLimits limits,
      GatewayMetrics metrics,
      DrainDeadline drain) {
    this(
        namespaces,
        settings,
        auth,
        new BrowserGuard(settings.browser(), auth.required()),
        limits,
        metrics,
        drain,
        null);
  }

  /**
   * Routes that also hand WebSocket upgrades on object paths to the objects ({@code webSockets}
   * null: an upgrade is forwarded as a plain request).
   */
  ObjectRoutes(
      Function<String, DurableObjectNamespace> namespaces,
      GatewaySettings settings,
      BearerAuth auth,
      BrowserGuard browsers,
      InFlightLimits limits,
      GatewayMetrics metrics,
      DrainDeadline drain,
      WebSocketUpgrades webSockets) {
    this.webSockets = webSockets;
    this.settings = settings;
    this.auth = auth;
    this.limits = limits;
    this.metrics = metrics;
    this.drain = drain;
    this.checks = new ObjectChecks(namespaces, settings, auth, limits, browsers, metrics);
    this.rpc = new RpcRoutes(checks, settings, limits, metrics, drain);
    this.changes = new ChangeFeedRoutes(checks);
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
                        pathPrefix("changes", () -> changes.route(namespace)),
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
            DurableObjectNamespace namespace = checks.admitted(http, namespaceName);
            ObjectNode body = JSON.createObjectNode();
            body.put("id", namespace.newUniqueId().toString());
            body.put("namespace", namespace.name());
            response =
                HttpResponse.create()
                    .withEntity(
                        HttpEntities.create(ContentTypes.APPLICATION_JSON, body.toString()));
          } catch (ObjectChecks.Refused refused) {
            response = refused.response;
          }
          metrics.request(
              checks.metricNamespace(namespaceName),
              response.status().intValue(),
              System.nanoTime() - start);
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
            namespace = checks.admitted(http, namespaceName);
            id = ObjectChecks.idOf(namespace, name, hex);
          } catch (ObjectChecks.Refused refused) {
            return checks.done(namespaceName, start, refused.response);
          }
          if (http.entity().getContentLengthOption().orElse(0L) > settings.maxBodyBytes()) {
            return checks.done(namespaceName, start, checks.tooLarge());
          }
          return checks.withBody(
              http,
              namespaceName,
              start,
              body -> {
                String requestId = RequestIds.of(http);
                Request request;
                try {
                  request =
                      HttpTranslation.toObjectRequest(
                          http, objectPath, body, requestId, auth.required());
                } catch (IllegalArgumentException e) {
                  return checks.done(
                      namespaceName,
                      start,
                      ErrorResponses.of(
                          400, "invalid_header", ErrorResponses.shorten(e.getMessage())));
                }
                Optional<WebSocketUpgrade> upgrade =
                    webSockets == null
                        ? Optional.empty()
                        : http.getAttribute(AttributeKeys.webSocketUpgrade);
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

  private CompletionStage<HttpResponse> send(
      DurableObjectNamespace namespace,
      DurableObjectId id,
      Request request,
      String requestId,
      long start) {
    String objectKey = namespace.name() + '/' + id;
    Optional<HttpResponse> refusal = admit(namespace, objectKey, start);
    if (refusal.isPresent()) {
      return CompletableFuture.completedFuture(refusal.get());
    }
    CompletionStage<Response> reply;
    try {
      reply = namespace.get(id).fetch(request);
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<HttpResponse> answer = new CompletableFuture<>();
    reply.whenComplete(
        (ok, failure) -> {
          limits.release(objectKey);
          HttpResponse response =
              ObjectAnswers.toHttp(ok, failure, namespace.name(), id, requestId);
          metrics.request(
              namespace.name(), response.status().intValue(), System.nanoTime() - start);
          answer.complete(response);
        });
    drain.track(answer, ObjectAnswers::shutDownBeforeAnswer);
    return answer;
  }

  /**
   * Admits a request to {@code objectKey} under the in-flight limits, or answers the refusal
   * (counted); an admitted request must release its slot when it is answered.
   */
  private Optional<HttpResponse> admit(
      DurableObjectNamespace namespace, String objectKey, long start) {
    InFlightLimits.Admission admission = limits.tryAcquire(objectKey);
    if (admission == InFlightLimits.Admission.ADMITTED) {
      return Optional.empty();
    }
    HttpResponse refusal = checks.refused(admission);
    metrics.request(namespace.name(), refusal.status().intValue(), System.nanoTime() - start);
    return Optional.of(refusal);
  }

  /**
   * Hands a WebSocket upgrade to the object: 101 and a connected socket if it accepts, its own
   * answer (or error) otherwise. The handshake counts against the in-flight limits like a request,
   * until the object has answered it.
   */
  private CompletionStage<HttpResponse> upgrade(
      DurableObjectNamespace namespace,
      DurableObjectId id,
      Request request,
      WebSocketUpgrade upgrade,
      String requestId,
      long start) {
    String objectKey = namespace.name() + '/' + id;
    Optional<HttpResponse> refusal = admit(namespace, objectKey, start);
    if (refusal.isPresent()) {
      return CompletableFuture.completedFuture(refusal.get());
    }
    CompletableFuture<HttpResponse> answer = new CompletableFuture<>();
    CompletionStage<WebSocketUpgrades.Offered> offer;
    try {
      offer = webSockets.offer(id, request);
    } catch (RuntimeException e) {
      offer = CompletableFuture.failedFuture(e);
    }
    offer.whenComplete(
        (offered, failure) -> {
          limits.release(objectKey);
          HttpResponse response;
          if (failure == null && offered.accepted()) {
            response = webSockets.connect(upgrade, offered.connection());
          } else {
            response =
                ObjectAnswers.toHttp(
                    failure == null ? offered.response() : null,
                    failure,
                    namespace.name(),
                    id,
                    requestId);
          }
          metrics.request(
              namespace.name(), response.status().intValue(), System.nanoTime() - start);
          answer.complete(response);
        });
    return answer;
  }
}

package io.durableobjects.gateway;

import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.DurableObjectNamespace;
import io.durableobjects.core.DurableObjectStub;
import io.durableobjects.gateway.internal.DrainDeadline;
import io.durableobjects.gateway.internal.ErrorResponses;
import io.durableobjects.gateway.internal.GatewayMetrics;
import io.durableobjects.gateway.internal.InFlightLimits;
import io.durableobjects.gateway.internal.RequestIds;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * RPC over HTTP, under {@code /v1/{namespace}/rpc}: {@code POST by-name/{name}/{method}} and {@code
 * POST by-id/{id}/{method}} call the object's RPC method by name ({@link
 * DurableObjectStub#rpcJson}) with the body, a JSON array of the arguments, and answer 200 with the
 * JSON result ({@code null} for a void result).
 *
 * <p>A call is admitted exactly as a request to the object's own paths, with {@link ObjectRoutes}'
 * own checks ({@link ObjectChecks}): the token, the namespace, the name or ID, the body limit and
 * the in-flight limits; it carries the request's {@code X-Request-Id}, and an {@code
 * Idempotency-Key} header applies it at most once. The object's refusals keep their status (404
 * {@code unknown_method}, 400 {@code bad_arguments} or {@code ambiguous_overload}), and a method
 * that throws answers as a fetch that throws does.
 */
final class RpcRoutes extends AllDirectives {
  private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private final ObjectChecks checks;
  private final GatewaySettings settings;
  private final InFlightLimits limits;
  private final GatewayMetrics metrics;
  private final DrainDeadline drain;

  RpcRoutes(
      ObjectChecks checks,
      GatewaySettings settings,
      InFlightLimits limits,
      GatewayMetrics metrics,
      DrainDeadline drain) {
    this.checks = checks;
    this.settings = settings;
    this.limits = limits;
    this.metrics = metrics;
    this.drain = drain;
  }

  /** The routes below {@code /v1/{namespace}/rpc}. */
  Route route(String namespace) {
    return concat(
        pathPrefix(
            "by-name",
            () ->
                path(
                    PathMatchers.segment().slash(PathMatchers.segment()),
                    (name, method) -> call(namespace, name, null, method))),
        pathPrefix(
            "by-id",
            () ->
                path(
                    PathMatchers.segment().slash(PathMatchers.segment()),
                    (id, method) -> call(namespace, null, id, method))),
        complete(
            ErrorResponses.of(
                404,
                "not_found",
                "call an RPC method with POST /v1/{namespace}/rpc/by-name/{name}/{method}"
                    + " or /v1/{namespace}/rpc/by-id/{id}/{method}")));
  }

  /** Calls {@code method} of the object named {@code name} or with ID {@code hex}. */
  private Route call(String namespaceName, String name, String hex, String method) {
    return extractRequest(
        http -> {
          long start = System.nanoTime();
          if (!http.method().equals(HttpMethods.POST)) {
            return checks.done(
                namespaceName,
                start,
                ErrorResponses.of(405, "method_not_allowed", "call an RPC method with POST")
                    .addHeader(RawHeader.create("Allow", "POST")));
          }
          DurableObjectNamespace namespace;
          DurableObjectStub stub;
          try {
            namespace = checks.admitted(http, namespaceName);
            stub = keyed(namespace.get(ObjectChecks.idOf(namespace, name, hex)), http);
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
              body ->
                  completeWithFuture(
                      send(namespace.name(), stub, method, body, RequestIds.of(http), start)));
        });
  }

  /** The stub with the request's {@code Idempotency-Key}, if it has one. */
  private static DurableObjectStub keyed(
      DurableObjectStub stub, org.apache.pekko.http.javadsl.model.HttpRequest http)
      throws ObjectChecks.Refused {
    Optional<String> key = http.getHeader(IDEMPOTENCY_KEY).map(HttpHeader::value);
    try {
      return key.isPresent() ? stub.withIdempotencyKey(key.get()) : stub;
    } catch (IllegalArgumentException e) {
      throw new ObjectChecks.Refused(
          ErrorResponses.of(400, "invalid_idempotency_key", e.getMessage()));
    }
  }

  private CompletionStage<HttpResponse> send(
      String namespace,
      DurableObjectStub stub,
      String method,
      byte[] body,
      String requestId,
      long start) {
    DurableObjectId id = stub.id();
    String objectKey = namespace + '/' + id;
    InFlightLimits.Admission admission = limits.tryAcquire(objectKey);
    if (admission != InFlightLimits.Admission.ADMITTED) {
      return CompletableFuture.completedFuture(
          measured(namespace, start, checks.refused(admission)));
    }
    CompletionStage<String> result;
    try {
      result = stub.rpcJson(method, new String(body, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<HttpResponse> answer = new CompletableFuture<>();
    result.whenComplete(
        (json, failure) -> {
          limits.release(objectKey);
          HttpResponse response =
              failure == null
                  ? HttpResponse.create()
                      .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, json))
                  : ObjectAnswers.toHttp(null, failure, namespace, id, requestId);
          answer.complete(measured(namespace, start, response));
        });
    drain.track(answer, ObjectAnswers::shutDownBeforeAnswer);
    return answer;
  }

  private HttpResponse measured(String namespace, long start, HttpResponse response) {
    metrics.request(namespace, response.status().intValue(), System.nanoTime() - start);
    return response;
  }
}

package io.durableobjects.gateway;

import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.DurableObjectNamespace;
import io.durableobjects.core.DurableObjectStub;
import io.durableobjects.gateway.internal.BearerAuth;
import io.durableobjects.gateway.internal.DrainDeadline;
import io.durableobjects.gateway.internal.ErrorResponses;
import io.durableobjects.gateway.internal.GatewayMetrics;
import io.durableobjects.gateway.internal.InFlightLimits;
import io.durableobjects.gateway.internal.RequestIds;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RPC over HTTP, under {@code /v1/{namespace}/rpc}: {@code POST by-name/{name}/{method}} and {@code
 * POST by-id/{id}/{method}} call the object's RPC method by name ({@link
 * DurableObjectStub#rpcJson}) with the body, a JSON array of the arguments, and answer 200 with the
 * JSON result ({@code null} for a void result).
 *
 * <p>A call is admitted like a request to the object's own paths ({@link ObjectRoutes}): the same
 * token check, namespace and name or ID checks, body limit and in-flight limits, the request's
 * {@code X-Request-Id}, and an {@code Idempotency-Key} header applies the call at most once. Errors
 * have the gateway's shape; the object's refusals keep their status (404 {@code unknown_method},
 * 400 {@code bad_arguments} or {@code ambiguous_overload}), and a method that throws answers as a
 * fetch that throws does.
 */
final class RpcRoutes extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(RpcRoutes.class);
  private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private final Function<String, DurableObjectNamespace> namespaces;
  private final GatewaySettings settings;
  private final BearerAuth auth;
  private final InFlightLimits limits;
  private final GatewayMetrics metrics;
  private final DrainDeadline drain;

  RpcRoutes(
      Function<String, DurableObjectNamespace> namespaces,
      GatewaySettings settings,
      BearerAuth auth,
      InFlightLimits limits,
      GatewayMetrics metrics,
      DrainDeadline drain) {
    this.namespaces = namespaces;
    this.settings = settings;
    this.auth = auth;
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
            return done(
                namespaceName,
                start,
                ErrorResponses.of(405, "method_not_allowed", "call an RPC method with POST")
                    .addHeader(RawHeader.create("Allow", "POST")));
          }
          DurableObjectStub stub;
          try {
            stub = stub(http, namespaceName, name, hex);
          } catch (Refused refused) {
            return done(namespaceName, start, refused.response);
          }
          if (http.entity().getContentLengthOption().orElse(0L) > settings.maxBodyBytes()) {
            return done(namespaceName, start, tooLarge());
          }
          String namespace = stub.id().namespace();
          return withBody(
              http,
              body ->
                  completeWithFuture(
                      send(namespace, stub, method, body, RequestIds.of(http), start)));
        });
  }

  /** The stub to call, once the caller is authorized and the address and key are valid. */
  private DurableObjectStub stub(HttpRequest http, String namespaceName, String name, String hex)
      throws Refused {
    Optional<HttpResponse> denied = auth.checkObjectTraffic(http, namespaceName);
    if (denied.isPresent()) {
      metrics.rejected(denied.get().status().intValue() == 401 ? "unauthorized" : "forbidden");
      throw new Refused(denied.get());
    }
    try {
      DurableObjectNamespace namespace = namespaces.apply(namespaceName);
      if (name != null && name.length() > ObjectRoutes.MAX_NAME_LENGTH) {
        throw new Refused(
            ErrorResponses.of(
                400,
                "invalid_name",
                "the object name has "
                    + name.length()
                    + " characters; the limit is "
                    + ObjectRoutes.MAX_NAME_LENGTH));
      }
      DurableObjectStub stub =
          name != null ? namespace.getByName(name) : namespace.get(namespace.idFromString(hex));
      Optional<String> key = http.getHeader(IDEMPOTENCY_KEY).map(HttpHeader::value);
      return key.isPresent() ? stub.withIdempotencyKey(key.get()) : stub;
    } catch (DurableObjectException e) {
      throw new Refused(
          ErrorResponses.of(e.status(), e.code(), ErrorResponses.shorten(e.getMessage())));
    } catch (IllegalArgumentException e) {
      // The only argument left to refuse is the key (the name and ID were checked above).
      throw new Refused(ErrorResponses.of(400, "invalid_idempotency_key", e.getMessage()));
    }
  }

  /** Same as {@code ObjectRoutes}: a strict body as it is, a streamed one collected with limits. */
  private Route withBody(HttpRequest http, Function<byte[], Route> inner) {
    if (http.entity() instanceof HttpEntity.Strict strict
        && strict.getData().size() <= settings.maxBodyBytes()) {
      return inner.apply(strict.getData().toArray());
    }
    return extractStrictEntity(
        settings.entityTimeout(),
        settings.maxBodyBytes(),
        entity -> inner.apply(entity.getData().toArray()));
  }

  private CompletionStage<HttpResponse> send(
      String namespace,
      DurableObjectStub stub,
      String method,
      byte[] body,
      String requestId,
      long start) {
    String objectKey = namespace + '/' + stub.id();
    InFlightLimits.Admission admission = limits.tryAcquire(objectKey);
    if (admission != InFlightLimits.Admission.ADMITTED) {
      boolean nodeFull = admission == InFlightLimits.Admission.NODE_FULL;
      metrics.rejected(nodeFull ? "overloaded" : "too_many_requests");
      return CompletableFuture.completedFuture(
          measured(
              namespace,
              start,
              nodeFull
                  ? ErrorResponses.of(
                      503,
                      "overloaded",
                      "this node has "
                          + settings.maxInFlight()
                          + " requests in flight; retry shortly")
                  : ErrorResponses.of(
                      429,
                      "too_many_requests",
                      "this object has "
                          + settings.maxInFlightPerObject()
                          + " requests in flight from this node; retry shortly")));
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
                  : failed(failure, namespace, stub, method, requestId);
          answer.complete(measured(namespace, start, response));
        });
    drain.track(answer, RpcRoutes::shutDownBeforeAnswer);
    return answer;
  }

  /**
   * The answer to a call that failed: the object's refusal as it is, its own failure without
   * detail.
   */
  private static HttpResponse failed(
      Throwable failure,
      String namespace,
      DurableObjectStub stub,
      String method,
      String requestId) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof DurableObjectException e) {
      if (e.status() >= 500) {
        log.warn(
            "RPC {} {}/{}.{} failed with {} {}: {}",
            requestId,
            namespace,
            stub.id(),
            method,
            e.status(),
            e.code(),
            e.getMessage());
      }
      if (e.code().equals("object_error") || e.code().equals("storage_error")) {
        // The exception's text is for the operator (logged above), not for the client.
        return ErrorResponses.of(
            500,
            e.code(),
            "the object's code failed; none of the call's writes were applied (request ID "
                + requestId
                + " in the node's log)");
      }
      return ErrorResponses.of(e.status(), e.code(), ErrorResponses.shorten(e.getMessage()));
    }
    log.error(
        "RPC {} {}/{}.{} failed unexpectedly", requestId, namespace, stub.id(), method, cause);
    return ErrorResponses.of(
        500, "internal_error", "the call failed unexpectedly (request ID " + requestId + ")");
  }

  private static HttpResponse shutDownBeforeAnswer() {
    return ErrorResponses.of(
        503,
        "unavailable",
        "the node shut down before the object answered; the call may or may not have been"
            + " applied: retry, with an Idempotency-Key to apply it at most once");
  }

  private HttpResponse measured(String namespace, long start, HttpResponse response) {
    metrics.request(namespace, response.status().intValue(), System.nanoTime() - start);
    return response;
  }

  private Route done(String namespaceName, long start, HttpResponse response) {
    String namespace;
    try {
      namespace = namespaces.apply(namespaceName).name();
    } catch (RuntimeException e) {
      namespace = GatewayMetrics.UNKNOWN_NAMESPACE;
    }
    return complete(measured(namespace, start, response));
  }

  private HttpResponse tooLarge() {
    return ErrorResponses.of(
        413,
        "payload_too_large",
        "the request body exceeds the limit of " + settings.maxBodyBytes() + " bytes");
  }

  /** A call refused before it reached an object, with the answer to give. */
  private static final class Refused extends Exception {
    final transient HttpResponse response;

    Refused(HttpResponse response) {
      super(null, null, false, false);
      this.response = response;
    }
  }
}

package io.durableobjects.gateway;

import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.DurableObjectNamespace;
import io.durableobjects.core.DurableObjects;
import io.durableobjects.core.Request;
import io.durableobjects.gateway.internal.ErrorResponses;
import io.durableobjects.gateway.internal.HttpTranslation;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Object traffic: {@code ANY /v1/{namespace}/by-name/{name}/{path...}} is forwarded to the object
 * {@code idFromName(name)} of that namespace, which sees the method, {@code /{path...}}, the query,
 * the headers and the body; its status, headers and body come back.
 *
 * <p>The routes depend on a function from namespace name to {@link DurableObjectNamespace}, not on
 * Cluster Sharding, so they can be tested without a cluster.
 */
public final class ObjectRoutes extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(ObjectRoutes.class);

  private final Function<String, DurableObjectNamespace> namespaces;
  private final GatewaySettings settings;

  public ObjectRoutes(Function<String, DurableObjectNamespace> namespaces, GatewaySettings settings) {
    this.namespaces = namespaces;
    this.settings = settings;
  }

  /** Routes for the namespaces of {@code objects}. */
  public static ObjectRoutes of(DurableObjects objects, GatewaySettings settings) {
    return new ObjectRoutes(objects::namespace, settings);
  }

  public Route route() {
    return pathPrefix(
        "v1",
        () ->
            pathPrefix(
                PathMatchers.segment(),
                namespace ->
                    pathPrefix(
                        "by-name",
                        () ->
                            pathPrefix(
                                PathMatchers.segment(),
                                name ->
                                    extractUnmatchedPath(
                                        rest -> forwardByName(namespace, name, rest))))));
  }

  private Route forwardByName(String namespaceName, String name, String objectPath) {
    return extractRequest(
        http ->
            http.entity().getContentLengthOption().orElse(0L) > settings.maxBodyBytes()
                ? complete(tooLarge())
                : extractStrictEntity(
                settings.entityTimeout(),
                settings.maxBodyBytes(),
                entity -> {
                  DurableObjectNamespace namespace;
                  Request request;
                  try {
                    namespace = namespaces.apply(namespaceName);
                  } catch (DurableObjectException e) {
                    return complete(ErrorResponses.of(e));
                  }
                  if (name.isEmpty()) {
                    return complete(
                        ErrorResponses.of(400, "bad_request", "the object name must not be empty"));
                  }
                  try {
                    request =
                        HttpTranslation.toObjectRequest(
                            http, objectPath, entity.getData().toArray());
                  } catch (IllegalArgumentException e) {
                    return complete(ErrorResponses.of(400, "bad_request", e.getMessage()));
                  }
                  CompletionStage<HttpResponse> response =
                      namespace
                          .get(namespace.idFromName(name))
                          .fetch(request)
                          .handle((ok, failure) -> toHttp(ok, failure, namespaceName, name));
                  return completeWithFuture(response);
                }));
  }

  private HttpResponse tooLarge() {
    return ErrorResponses.of(
        413,
        "payload_too_large",
        "the request body exceeds the limit of " + settings.maxBodyBytes() + " bytes");
  }

  private static HttpResponse toHttp(
      io.durableobjects.core.Response ok, Throwable failure, String namespace, String name) {
    if (failure == null) {
      return HttpTranslation.toHttpResponse(ok);
    }
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof DurableObjectException e) {
      return ErrorResponses.of(e);
    }
    log.error("Request to {}/{} failed unexpectedly", namespace, name, cause);
    return ErrorResponses.of(500, "internal_error", "the request failed unexpectedly");
  }
}

package io.durableobjects.gateway;

import io.durableobjects.core.admin.ObjectAdmin;
import io.durableobjects.gateway.internal.ErrorResponses;
import io.durableobjects.gateway.internal.MetricsAccess;
import io.durableobjects.gateway.internal.NodeHealth;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The routes an operator's tooling uses, without authentication: {@code GET /health/alive}, {@code
 * GET /health/ready}, {@code GET /metrics} (Prometheus text format; with a bearer token when {@code
 * durable-objects.http.metrics.token} is set) and {@code GET /openapi.yaml} (the API's
 * description).
 */
public final class HealthRoutes extends AllDirectives {
  private static final HttpResponse ALIVE = statusJson("alive");
  private static final HttpResponse READY = statusJson("ready");
  private static final ContentType PROMETHEUS_TEXT =
      ContentTypes.parse("text/plain; version=0.0.4; charset=utf-8");

  /** Why the node is not ready, or null when it is (cluster and shutdown state). */
  public interface NodeState {
    String notReadyReason();
  }

  private final NodeState node;
  private final ObjectAdmin admin;
  private final PrometheusMeterRegistry prometheus;
  private final MetricsAccess metricsAccess;
  private final byte[] openApi;

  public HealthRoutes(NodeState node, ObjectAdmin admin, PrometheusMeterRegistry prometheus) {
    this(node, admin, prometheus, Optional.empty());
  }

  /** Like the other constructor; {@code metricsToken}, if present, guards {@code GET /metrics}. */
  public HealthRoutes(
      NodeState node,
      ObjectAdmin admin,
      PrometheusMeterRegistry prometheus,
      Optional<String> metricsToken) {
    this.node = node;
    this.admin = admin;
    this.prometheus = prometheus;
    this.metricsAccess = new MetricsAccess(metricsToken);
    this.openApi = readOpenApi();
  }

  public Route route() {
    return concat(
        pathPrefix(
            "health",
            () ->
                concat(
                    path("alive", () -> get(() -> complete(ALIVE))),
                    path("ready", () -> get(() -> completeWithFuture(readiness()))))),
        path(
            "metrics",
            () ->
                get(
                    () ->
                        extractRequest(
                            request ->
                                complete(metricsAccess.check(request).orElseGet(this::metrics))))),
        path(
            "openapi.yaml",
            () ->
                get(
                    () ->
                        complete(
                            HttpResponse.create()
                                .withEntity(
                                    HttpEntities.create(
                                        MediaTypes.applicationWithOpenCharset("yaml")
                                            .toContentType(HttpCharsets.UTF_8),
                                        openApi))))));
  }

  private CompletionStage<HttpResponse> readiness() {
    // The same definition as Pekko Management's /ready (ManagementReadinessCheck).
    return NodeHealth.notReadyReason(node, admin)
        .thenApply(reason -> reason == null ? READY : notReady(reason));
  }

  private HttpResponse metrics() {
    return HttpResponse.create()
        .withEntity(
            HttpEntities.create(
                PROMETHEUS_TEXT, prometheus.scrape().getBytes(StandardCharsets.UTF_8)));
  }

  private static HttpResponse notReady(String reason) {
    return ErrorResponses.of(503, "not_ready", reason);
  }

  private static HttpResponse statusJson(String status) {
    return HttpResponse.create()
        .withEntity(
            HttpEntities.create(ContentTypes.APPLICATION_JSON, "{\"status\":\"" + status + "\"}"));
  }

  private static byte[] readOpenApi() {
    try (InputStream in = HealthRoutes.class.getResourceAsStream("openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is missing from the gateway's resources");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

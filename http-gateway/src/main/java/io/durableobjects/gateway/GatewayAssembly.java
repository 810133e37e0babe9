package io.durableobjects.gateway;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.durableobjects.core.DurableObjectNamespace;
import io.durableobjects.core.admin.ObjectAdmin;
import io.durableobjects.core.spi.ClientSockets;
import io.durableobjects.gateway.internal.BearerAuth;
import io.durableobjects.gateway.internal.BrowserGuard;
import io.durableobjects.gateway.internal.ClusterView;
import io.durableobjects.gateway.internal.DrainDeadline;
import io.durableobjects.gateway.internal.ErrorResponses;
import io.durableobjects.gateway.internal.GatewayMetrics;
import io.durableobjects.gateway.internal.InFlightLimits;
import io.durableobjects.gateway.internal.NodeMetrics;
import io.durableobjects.gateway.internal.SocketLimits;
import io.durableobjects.gateway.internal.SocketTimeouts;
import io.durableobjects.gateway.internal.WebSocketKeepAlive;
import io.durableobjects.gateway.internal.WebSocketMetrics;
import io.durableobjects.gateway.internal.WebSocketUpgrades;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * Assembles a node's HTTP surface from its parts and binds it. Shared by {@link
 * DurableObjectsServer} and the route tests ({@code ScriptedGateway}), which assemble the same
 * routes around scripted namespaces, without a cluster.
 */
final class GatewayAssembly {
  private GatewayAssembly() {}

  /**
   * The routes of a node, over the namespaces and admin of core's public API.
   *
   * @param meters where the gateway registers its meters
   * @param webSockets the WebSocket upgrades, or null to forward upgrades as plain requests
   * @param cluster the members, for the admin API
   */
  static GatewayRoutes routes(
      Function<String, DurableObjectNamespace> namespaces,
      ObjectAdmin admin,
      MeterRegistry meters,
      GatewaySettings settings,
      StaticPages pages,
      PrometheusMeterRegistry prometheus,
      HealthRoutes.NodeState node,
      DrainDeadline drain,
      WebSocketUpgrades webSockets,
      ClusterView cluster) {
    BearerAuth auth = new BearerAuth(settings.auth());
    BrowserGuard browsers = new BrowserGuard(settings.browser(), auth.required());
    InFlightLimits limits =
        new InFlightLimits(
            settings.maxInFlight(), settings.maxInFlightPerObject(), settings.maxInFlightBytes());
    GatewayMetrics metrics = new GatewayMetrics(meters, limits);
    return new GatewayRoutes(
        new ObjectRoutes(namespaces, settings, auth, browsers, limits, metrics, drain, webSockets),
        new AdminRoutes(
            admin,
            namespaces,
            auth,
            browsers,
            cluster,
            // The registry /metrics serves, which holds the runtime's meters and the gateway's.
            new NodeMetrics(prometheus, Clock.systemUTC())),
        new HealthRoutes(node, admin, prometheus, settings.metricsToken()),
        pages,
        settings.consoleEnabled() ? ConsoleRoutes.load() : ConsoleRoutes.disabled());
  }

  /**
   * Binds the routes on the configured address, with the gateway's answer to requests cut short and
   * pings on quiet WebSockets.
   */
  static CompletionStage<ServerBinding> bind(
      ActorSystem<?> system, GatewaySettings settings, GatewayRoutes routes) {
    WebSocketKeepAlive keepAlive = WebSocketKeepAlive.fromConfig(system.settings().config());
    return Http.get(system)
        .newServerAt(settings.host(), settings.port())
        .adaptSettings(
            server ->
                keepAlive.applyTo(
                    server.withTerminationDeadlineExceededResponse(
                        ErrorResponses.of(
                            503,
                            "unavailable",
                            "the node shut down before the request finished; it may or may not"
                                + " have been applied, retry with the same Idempotency-Key"))))
        .bind(routes.route());
  }

  /** WebSocket upgrades, with {@code durable-objects.http.websocket} and the objects' limits. */
  static WebSocketUpgrades webSockets(ActorSystem<?> system, WebSocketMetrics metrics) {
    Config config = system.settings().config();
    int sendBuffer = config.getInt("durable-objects.http.websocket.send-buffer");
    int unacknowledged = config.getInt("durable-objects.http.websocket.max-unacknowledged");
    if (sendBuffer < 1 || sendBuffer > 100_000) {
      throw new ConfigException.BadValue(
          "durable-objects.http.websocket.send-buffer", "must be 1 to 100000, got " + sendBuffer);
    }
    if (unacknowledged < 1 || unacknowledged > 10_000) {
      throw new ConfigException.BadValue(
          "durable-objects.http.websocket.max-unacknowledged",
          "must be 1 to 10000, got " + unacknowledged);
    }
    long maxMessage = config.getBytes("durable-objects.websockets.max-message-size");
    long sendBufferBytes = config.getBytes("durable-objects.http.websocket.send-buffer-size");
    long unacknowledgedBytes =
        config.getBytes("durable-objects.http.websocket.max-unacknowledged-size");
    if (sendBufferBytes < maxMessage) {
      throw new ConfigException.BadValue(
          "durable-objects.http.websocket.send-buffer-size",
          "must be at least durable-objects.websockets.max-message-size ("
              + maxMessage
              + " bytes), or a message of the largest size could never be sent; got "
              + sendBufferBytes);
    }
    if (unacknowledgedBytes < 1) {
      throw new ConfigException.BadValue(
          "durable-objects.http.websocket.max-unacknowledged-size",
          "must be positive, got " + unacknowledgedBytes);
    }
    return new WebSocketUpgrades(
        system,
        ClientSockets.of(system),
        (int) maxMessage,
        new SocketLimits(sendBuffer, sendBufferBytes, unacknowledged, unacknowledgedBytes),
        new SocketTimeouts(
            // A client message unanswered for as long as a caller waits for an object was lost.
            config.getDuration("durable-objects.ask-timeout"),
            GatewaySettings.positive(
                config.getConfig("durable-objects.http"), "websocket.stream-start-timeout")),
        metrics);
  }
}

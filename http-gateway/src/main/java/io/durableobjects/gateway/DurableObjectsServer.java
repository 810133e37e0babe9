package io.durableobjects.gateway;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.core.DurableObjectNamespace;
import io.durableobjects.core.DurableObjects;
import io.durableobjects.core.admin.ObjectAdmin;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import io.durableobjects.gateway.internal.BearerAuth;
import io.durableobjects.gateway.internal.DrainDeadline;
import io.durableobjects.gateway.internal.ErrorResponses;
import io.durableobjects.gateway.internal.GatewayMetrics;
import io.durableobjects.gateway.internal.InFlightLimits;
import io.durableobjects.gateway.internal.ManagementSettings;
import io.durableobjects.gateway.internal.NodeHealth;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.durableobjects.gateway.internal.WebSocketMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Boots one node: an actor system in a Pekko cluster, the configured namespaces (Cluster Sharding)
 * and the HTTP gateway.
 *
 * <p>Run it as a program ({@link #main}) with the object classes and a journal plugin on the
 * classpath, or embed it with {@link #start(Config)}. The node joins the cluster in one of three
 * ways: with {@code pekko.cluster.seed-nodes} ({@code DO_SEED_NODES}) it joins those; with a
 * discovery method ({@code DO_DISCOVERY_METHOD}, e.g. {@code kubernetes-api}) Pekko Management's
 * cluster bootstrap finds the other nodes and forms or joins the cluster; with neither it forms a
 * cluster of its own.
 *
 * <p>With {@code durable-objects.node.management.enabled} ({@code DO_MANAGEMENT_ENABLED}) the node
 * runs Pekko Management, whose {@code /ready} and {@code /alive} reflect the node's state (see
 * reference.conf).
 */
public final class DurableObjectsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DurableObjectsServer.class);
  private static final String COMMON_POOL_PARALLELISM =
      "java.util.concurrent.ForkJoinPool.common.parallelism";

  private final ActorSystem<Void> system;
  private final ServerBinding binding;
  private final Optional<InetSocketAddress> managementAddress;

  private DurableObjectsServer(
      ActorSystem<Void> system,
      ServerBinding binding,
      Optional<InetSocketAddress> managementAddress) {
    this.system = system;
    this.binding = binding;
    this.managementAddress = managementAddress;
  }

  /**
   * The node's configuration: system properties, then {@code application.conf}, then the node
   * defaults of this module ({@code durable-objects-node.conf}), then every {@code reference.conf}.
   */
  public static Config loadConfig() {
    return loadConfig(ConfigFactory.empty());
  }

  /** Like {@link #loadConfig()}, with {@code overrides} taking precedence over all files. */
  public static Config loadConfig(Config overrides) {
    ConfigFactory.invalidateCaches();
    Config application =
        overrides
            .withFallback(ConfigFactory.defaultApplication())
            .withFallback(ConfigFactory.parseResources("durable-objects-node.conf"));
    Config loaded = ConfigFactory.load(application);
    String seeds = System.getenv(io.durableobjects.gateway.internal.SeedNodes.VARIABLE);
    if (seeds != null
        && !seeds.isBlank()
        && loaded.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
      // A list cannot come from an environment variable in HOCON: split it here.
      loaded =
          loaded.withValue(
              "pekko.cluster.seed-nodes",
              com.typesafe.config.ConfigValueFactory.fromIterable(
                  io.durableobjects.gateway.internal.SeedNodes.parse(
                      seeds, loaded.getString("durable-objects.node.system-name"))));
    }
    return loaded;
  }

  /**
   * Starts a node and returns once it is an Up cluster member and its HTTP port is bound.
   *
   * @param config a complete configuration, usually from {@link #loadConfig}
   * @throws IllegalStateException if the node cannot start (port taken, bad configuration, cluster
   *     not joined in time), with the reason; the actor system is stopped again in that case
   */
  public static DurableObjectsServer start(Config config) {
    GatewaySettings settings = GatewaySettings.fromConfig(config);
    ManagementSettings management = ManagementSettings.fromConfig(config);
    StaticPages pages = StaticPages.load(settings.staticPages(), classLoader());
    String systemName = config.getString("durable-objects.node.system-name");
    Duration startupTimeout = config.getDuration("durable-objects.node.startup-timeout");
    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), systemName, management.applyTo(config));
    try {
      // Management first: cluster bootstrap needs it to probe the other nodes, and Kubernetes
      // probes it from the start (/ready answers "not ready" until the gateway is bound).
      Optional<InetSocketAddress> managementAddress =
          management.enabled()
              ? Optional.of(startManagement(system, management, startupTimeout))
              : Optional.empty();
      if (management.bootstrap()) {
        startBootstrap(system, management);
      }
      joinCluster(system, config, startupTimeout, management.bootstrap());
      PrometheusMeterRegistry prometheus = prometheus(system);
      DurableObjects objects = DurableObjects.get(system);
      GatewayRoutes routes = routes(system, objects, settings, pages, prometheus);
      ServerBinding binding =
          bind(system, settings, routes)
              .toCompletableFuture()
              .get(startupTimeout.toMillis(), TimeUnit.MILLISECONDS);
      // Unbinds (no new connections), lets requests in flight finish for the drain time, then
      // answers what is left with 503; sharding hands the objects over in a later phase.
      // Pekko's hard deadline comes a little after the gateway's own drain deadline, which answers
      // what is left with a 503 that carries the request ID.
      binding.addToCoordinatedShutdown(settings.shutdownDrain().plusSeconds(1), system);
      NodeHealth.get(system).gatewayBound();
      log.info(
          "Durable Objects node up: HTTP on {}, namespaces {}{}",
          binding.localAddress(),
          objects.namespaceNames(),
          managementAddress
              .map(a -> ", Pekko Management on " + a.getHostString() + ":" + a.getPort())
              .orElse(""));
      return new DurableObjectsServer(system, binding, managementAddress);
    } catch (ExecutionException e) {
      system.terminate();
      throw new IllegalStateException(
          "cannot bind HTTP to " + settings.host() + ":" + settings.port() + ": "
              + e.getCause().getMessage(),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      system.terminate();
      throw new IllegalStateException("interrupted while starting the node", e);
    } catch (TimeoutException e) {
      system.terminate();
      throw new IllegalStateException("the node did not start within " + startupTimeout, e);
    } catch (RuntimeException | Error e) {
      system.terminate();
      throw e;
    }
  }

  /** Binds the routes on the configured address, with the gateway's answer to requests cut short. */
  static CompletionStage<ServerBinding> bind(
      ActorSystem<?> system, GatewaySettings settings, GatewayRoutes routes) {
    return Http.get(system)
        .newServerAt(settings.host(), settings.port())
        .adaptSettings(
            server ->
                server.withTerminationDeadlineExceededResponse(
                    ErrorResponses.of(
                        503,
                        "unavailable",
                        "the node shut down before the request finished; it may or may not"
                            + " have been applied, retry with the same Idempotency-Key")))
        .bind(routes.route());
  }

  /**
   * Starts Pekko Management's HTTP endpoint and returns the address it is bound to (the actual port
   * when 0 was configured).
   */
  private static InetSocketAddress startManagement(
      ActorSystem<?> system, ManagementSettings settings, Duration timeout)
      throws InterruptedException, TimeoutException {
    try {
      Uri uri =
          PekkoManagement.get(system.classicSystem())
              .start()
              .toCompletableFuture()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return InetSocketAddress.createUnresolved(uri.host().address(), uri.port());
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot start Pekko Management on " + settings.host() + ":" + settings.port()
              + " (DO_MANAGEMENT_HOST, DO_MANAGEMENT_PORT): " + e.getCause().getMessage(),
          e.getCause());
    }
  }

  /**
   * Starts cluster bootstrap. Its discovery method is created here, and may fail at once (outside
   * Kubernetes, kubernetes-api finds no service account files), with checked exceptions that Scala
   * code throws undeclared: reported as an IllegalStateException naming the method.
   */
  private static void startBootstrap(ActorSystem<?> system, ManagementSettings management) {
    String method = management.discoveryMethod().orElseThrow();
    try {
      ClusterBootstrap.get(system.classicSystem()).start();
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot start cluster bootstrap with discovery method " + method
              + " (DO_DISCOVERY_METHOD): " + e
              + (method.equals("kubernetes-api")
                  ? " (it reads the pod's service account files: is the node running in a"
                      + " Kubernetes pod with automountServiceAccountToken?)"
                  : ""),
          e);
    }
  }

  /** The registry /metrics serves: the runtime's and the gateway's meters, and the JVM's. */
  private static PrometheusMeterRegistry prometheus(ActorSystem<?> system) {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(prometheus);
    new JvmThreadMetrics().bindTo(prometheus);
    new ProcessorMetrics().bindTo(prometheus);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(prometheus);
    system.getWhenTerminated().thenRun(gc::close);
    // Before the runtime starts, so that its meters count from the first request.
    DurableObjects.meterRegistry(system).add(prometheus);
    return prometheus;
  }

  private static GatewayRoutes routes(
      ActorSystem<?> system,
      DurableObjects objects,
      GatewaySettings settings,
      StaticPages pages,
      PrometheusMeterRegistry prometheus) {
    AtomicBoolean shuttingDown = new AtomicBoolean();
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    // Readiness turns false first, and stays so for the unready delay while the port is still
    // open, so that load balancers stop sending before connections are refused.
    shutdown.addTask(
        CoordinatedShutdown.PhaseBeforeServiceUnbind(),
        "durable-objects-not-ready",
        () -> {
          shuttingDown.set(true);
          return CompletableFuture.supplyAsync(
              Done::getInstance,
              CompletableFuture.delayedExecutor(
                  settings.shutdownUnreadyDelay().toMillis(), TimeUnit.MILLISECONDS));
        });
    DrainDeadline drain = new DrainDeadline();
    shutdown.addTask(
        CoordinatedShutdown.PhaseServiceUnbind(),
        "durable-objects-drain-deadline",
        () -> {
          CompletableFuture.delayedExecutor(
                  settings.shutdownDrain().toMillis(), TimeUnit.MILLISECONDS)
              .execute(drain::expire);
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    Cluster cluster = Cluster.get(system);
    HealthRoutes.NodeState node =
        () -> {
          if (shuttingDown.get()) {
            return "the node is shutting down";
          }
          MemberStatus status = cluster.selfMember().status();
          return status == MemberStatus.up()
              ? null
              : "the node is not an Up cluster member (it is " + status + ")";
        };
    NodeHealth.get(system).observe(node, objects.admin());
    return routes(
        objects::namespace,
        objects.admin(),
        objects.meterRegistry(),
        settings,
        pages,
        prometheus,
        node,
        drain,
        webSockets(system, new WebSocketMetrics(objects.meterRegistry())));
  }

  /**
   * The routes of a node, over the namespaces and admin of core's public API (the route tests
   * assemble them the same way around scripted namespaces, without a cluster).
   *
   * @param meters where the gateway registers its meters
   * @param webSockets the WebSocket upgrades, or null to forward upgrades as plain requests
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
      io.durableobjects.gateway.internal.WebSocketUpgrades webSockets) {
    BearerAuth auth = new BearerAuth(settings.auth());
    InFlightLimits limits =
        new InFlightLimits(settings.maxInFlight(), settings.maxInFlightPerObject());
    GatewayMetrics metrics = new GatewayMetrics(meters, limits);
    return new GatewayRoutes(
        new ObjectRoutes(namespaces, settings, auth, limits, metrics, drain, webSockets),
        new AdminRoutes(admin, namespaces, auth),
        new HealthRoutes(node, admin, prometheus),
        pages);
  }

  /** Where static pages are looked up: the caller's context class loader, else this module's. */
  private static ClassLoader classLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : DurableObjectsServer.class.getClassLoader();
  }

  /** WebSocket upgrades, with {@code durable-objects.http.websocket} and the objects' limits. */
  private static io.durableobjects.gateway.internal.WebSocketUpgrades webSockets(
      ActorSystem<?> system, WebSocketMetrics metrics) {
    Config config = system.settings().config();
    int sendBuffer = config.getInt("durable-objects.http.websocket.send-buffer");
    int unacknowledged = config.getInt("durable-objects.http.websocket.max-unacknowledged");
    if (sendBuffer < 1 || sendBuffer > 100_000) {
      throw new com.typesafe.config.ConfigException.BadValue(
          "durable-objects.http.websocket.send-buffer", "must be 1 to 100000, got " + sendBuffer);
    }
    if (unacknowledged < 1 || unacknowledged > 10_000) {
      throw new com.typesafe.config.ConfigException.BadValue(
          "durable-objects.http.websocket.max-unacknowledged",
          "must be 1 to 10000, got " + unacknowledged);
    }
    return new io.durableobjects.gateway.internal.WebSocketUpgrades(
        system,
        io.durableobjects.core.spi.ClientSockets.of(system),
        (int) config.getBytes("durable-objects.websockets.max-message-size").longValue(),
        sendBuffer,
        unacknowledged,
        metrics);
  }

  private static void joinCluster(
      ActorSystem<?> system, Config config, Duration timeout, boolean bootstrap)
      throws InterruptedException, TimeoutException {
    Cluster cluster = Cluster.get(system);
    List<String> seeds = config.getStringList("pekko.cluster.seed-nodes");
    if (seeds.isEmpty() && !bootstrap) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (cluster.selfMember().status() != MemberStatus.up()) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            "the node did not become an Up cluster member within "
                + timeout
                + (bootstrap
                    ? " (cluster bootstrap: are at least required-contact-point-nr nodes"
                        + " discoverable and their management ports reachable? see the log)"
                    : seeds.isEmpty() ? "" : " (seed nodes " + seeds + ")"));
      }
      Thread.sleep(20);
    }
  }

  /** The actor system of this node. */
  public ActorSystem<Void> system() {
    return system;
  }

  /** The address Pekko Management is bound to, when it runs (the actual port when 0 was set). */
  public Optional<InetSocketAddress> managementAddress() {
    return managementAddress;
  }

  /** The address the HTTP gateway is bound to (the actual port when 0 was configured). */
  public InetSocketAddress httpAddress() {
    return binding.localAddress();
  }

  /**
   * Stops the node gracefully through {@link CoordinatedShutdown}: unbinds HTTP, lets in-flight
   * requests finish, hands objects over and leaves the cluster. Waits for the actor system to end.
   */
  @Override
  public void close() {
    CompletableFuture<Done> done =
        CoordinatedShutdown.get(system)
            .runAll(CoordinatedShutdown.unknownReason())
            .toCompletableFuture();
    try {
      done.get(60, TimeUnit.SECONDS);
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("Node did not shut down cleanly", e);
    }
  }

  /**
   * Starts a node with {@link #loadConfig()} and runs until the JVM is asked to stop (SIGTERM or
   * Ctrl-C), which shuts the node down gracefully.
   */
  public static void main(String[] args) throws Exception {
    avoidCommonPoolTrap();
    DurableObjectsServer server;
    try {
      server = start(loadConfig());
    } catch (ConfigException | IllegalStateException | IllegalArgumentException e) {
      exitWithStartupError(e);
      return;
    }
    server.system().getWhenTerminated().toCompletableFuture().get();
  }

  /**
   * Reports why a node could not start in one line an operator can act on (the detail goes to
   * the log) and exits with status 2.
   */
  public static void exitWithStartupError(Exception e) {
    log.debug("Startup failed", e);
    System.err.println("durable-objects: cannot start: " + e.getMessage());
    System.exit(2);
  }

  /**
   * On a 2-core machine the common pool has parallelism 1 and CompletableFuture then starts a new
   * thread for every asynchronous stage; give it at least 4 unless the operator set a value. Only
   * effective before anything touches the common pool, hence first thing in main.
   */
  public static void avoidCommonPoolTrap() {
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
      System.setProperty(
          COMMON_POOL_PARALLELISM,
          Integer.toString(Math.max(4, Runtime.getRuntime().availableProcessors())));
    }
  }
}

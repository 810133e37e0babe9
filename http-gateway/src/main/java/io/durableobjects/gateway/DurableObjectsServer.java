package io.durableobjects.gateway;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.durableobjects.core.DurableObjects;
import io.durableobjects.gateway.internal.ClusterView;
import io.durableobjects.gateway.internal.JvmMeters;
import io.durableobjects.gateway.internal.ManagementSettings;
import io.durableobjects.gateway.internal.NodeHealth;
import io.durableobjects.gateway.internal.RemoteTls;
import io.durableobjects.gateway.internal.SeedNodes;
import io.durableobjects.gateway.internal.WebSocketMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.ServerBinding;
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
    String seeds = System.getenv(SeedNodes.VARIABLE);
    if (seeds != null
        && !seeds.isBlank()
        && loaded.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
      // A list cannot come from an environment variable in HOCON: split it here.
      loaded =
          loaded.withValue(
              "pekko.cluster.seed-nodes",
              ConfigValueFactory.fromIterable(
                  SeedNodes.parse(seeds, loaded.getString("durable-objects.node.system-name"))));
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
    RemoteTls.check(config);
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
              ? Optional.of(ClusterMembership.startManagement(system, management, startupTimeout))
              : Optional.empty();
      if (management.bootstrap()) {
        ClusterMembership.startBootstrap(system, management);
      }
      ClusterMembership.joinCluster(system, config, startupTimeout, management.bootstrap());
      PrometheusMeterRegistry prometheus = prometheus(system);
      DurableObjects objects = DurableObjects.get(system);
      GatewayShutdown shutdown = GatewayShutdown.register(system, settings);
      GatewayRoutes routes = routes(system, objects, settings, pages, prometheus, shutdown);
      ServerBinding binding =
          GatewayAssembly.bind(system, settings, routes)
              .toCompletableFuture()
              .get(startupTimeout.toMillis(), TimeUnit.MILLISECONDS);
      shutdown.unbindAtShutdown(binding, system);
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
          "cannot bind HTTP to "
              + settings.host()
              + ":"
              + settings.port()
              + ": "
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

  /** The registry /metrics serves: the runtime's and the gateway's meters, and the JVM's. */
  private static PrometheusMeterRegistry prometheus(ActorSystem<?> system) {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    JvmGcMetrics gc = JvmMeters.bindTo(prometheus);
    system.getWhenTerminated().thenRun(gc::close);
    // Before the runtime starts, so that its meters count from the first request.
    DurableObjects.meterRegistry(system).add(prometheus);
    return prometheus;
  }

  /**
   * The node's routes; it is ready (health, Management's /ready) as an Up member not shutting down.
   */
  private static GatewayRoutes routes(
      ActorSystem<?> system,
      DurableObjects objects,
      GatewaySettings settings,
      StaticPages pages,
      PrometheusMeterRegistry prometheus,
      GatewayShutdown shutdown) {
    Cluster cluster = Cluster.get(system);
    HealthRoutes.NodeState node =
        () -> {
          if (shutdown.started()) {
            return "the node is shutting down";
          }
          MemberStatus status = cluster.selfMember().status();
          return status == MemberStatus.up()
              ? null
              : "the node is not an Up cluster member (it is " + status + ")";
        };
    NodeHealth.get(system).observe(node, objects.admin());
    return GatewayAssembly.routes(
        objects::namespace,
        objects.admin(),
        objects.meterRegistry(),
        settings,
        pages,
        prometheus,
        node,
        shutdown.drain(),
        GatewayAssembly.webSockets(system, new WebSocketMetrics(objects.meterRegistry())),
        ClusterView.of(system));
  }

  /** Where static pages are looked up: the caller's context class loader, else this module's. */
  private static ClassLoader classLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : DurableObjectsServer.class.getClassLoader();
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
   * Reports why a node could not start in one line an operator can act on (the detail goes to the
   * log) and exits with status 2.
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

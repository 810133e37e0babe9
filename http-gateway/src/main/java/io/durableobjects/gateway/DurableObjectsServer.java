package io.durableobjects.gateway;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.core.DurableObjects;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
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
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Boots one node: an actor system in a Pekko cluster, the configured namespaces (Cluster Sharding)
 * and the HTTP gateway.
 *
 * <p>Run it as a program ({@link #main}) with the object classes and a journal plugin on the
 * classpath, or embed it with {@link #start(Config)}. Without {@code pekko.cluster.seed-nodes} the
 * node forms a cluster of its own.
 */
public final class DurableObjectsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DurableObjectsServer.class);
  private static final String COMMON_POOL_PARALLELISM =
      "java.util.concurrent.ForkJoinPool.common.parallelism";

  private final ActorSystem<Void> system;
  private final ServerBinding binding;

  private DurableObjectsServer(ActorSystem<Void> system, ServerBinding binding) {
    this.system = system;
    this.binding = binding;
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
    return ConfigFactory.load(application);
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
    String systemName = config.getString("durable-objects.node.system-name");
    Duration startupTimeout = config.getDuration("durable-objects.node.startup-timeout");
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), systemName, config);
    try {
      joinCluster(system, config, startupTimeout);
      DurableObjects objects = DurableObjects.get(system);
      GatewayRoutes routes = new GatewayRoutes(ObjectRoutes.of(objects, settings));
      ServerBinding binding =
          Http.get(system)
              .newServerAt(settings.host(), settings.port())
              .bind(routes.route())
              .toCompletableFuture()
              .get(startupTimeout.toMillis(), TimeUnit.MILLISECONDS);
      binding.addToCoordinatedShutdown(Duration.ofSeconds(10), system);
      log.info(
          "Durable Objects node up: HTTP on {}, namespaces {}",
          binding.localAddress(),
          objects.namespaceNames());
      return new DurableObjectsServer(system, binding);
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
    } catch (RuntimeException e) {
      system.terminate();
      throw e;
    }
  }

  private static void joinCluster(ActorSystem<?> system, Config config, Duration timeout)
      throws InterruptedException, TimeoutException {
    Cluster cluster = Cluster.get(system);
    List<String> seeds = config.getStringList("pekko.cluster.seed-nodes");
    if (seeds.isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (cluster.selfMember().status() != MemberStatus.up()) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("the node did not become an Up cluster member within " + timeout);
      }
      Thread.sleep(20);
    }
  }

  /** The actor system of this node. */
  public ActorSystem<Void> system() {
    return system;
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

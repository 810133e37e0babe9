package io.durableobjects.gateway;

import io.durableobjects.gateway.internal.DrainDeadline;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * The gateway's part of a node's graceful shutdown ({@link CoordinatedShutdown}): readiness turns
 * false, then the port is unbound, requests in flight get the drain time to finish, and what is
 * left is answered with a 503; sharding hands the objects over in a later phase.
 */
final class GatewayShutdown {
  private final GatewaySettings settings;
  private final AtomicBoolean started = new AtomicBoolean();
  private final DrainDeadline drain = new DrainDeadline();

  private GatewayShutdown(GatewaySettings settings) {
    this.settings = settings;
  }

  /** Adds the readiness and drain-deadline tasks to the system's coordinated shutdown. */
  static GatewayShutdown register(ActorSystem<?> system, GatewaySettings settings) {
    GatewayShutdown gateway = new GatewayShutdown(settings);
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    // Readiness turns false first, and stays so for the unready delay while the port is still
    // open, so that load balancers stop sending before connections are refused.
    shutdown.addTask(
        CoordinatedShutdown.PhaseBeforeServiceUnbind(),
        "durable-objects-not-ready",
        () -> {
          gateway.started.set(true);
          return CompletableFuture.supplyAsync(
              Done::getInstance,
              CompletableFuture.delayedExecutor(
                  settings.shutdownUnreadyDelay().toMillis(), TimeUnit.MILLISECONDS));
        });
    shutdown.addTask(
        CoordinatedShutdown.PhaseServiceUnbind(),
        "durable-objects-drain-deadline",
        () -> {
          CompletableFuture.delayedExecutor(
                  settings.shutdownDrain().toMillis(), TimeUnit.MILLISECONDS)
              .execute(gateway.drain::expire);
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    return gateway;
  }

  /**
   * Unbinds {@code binding} at shutdown (no new connections) and lets its requests in flight
   * finish. Pekko's hard deadline comes a little after the gateway's own drain deadline, which
   * answers what is left with a 503 that carries the request ID.
   */
  void unbindAtShutdown(ServerBinding binding, ActorSystem<?> system) {
    binding.addToCoordinatedShutdown(settings.shutdownDrain().plusSeconds(1), system);
  }

  /** Whether the node's shutdown has begun (readiness is false from then on). */
  boolean started() {
    return started.get();
  }

  /** The deadline after which requests still in flight are answered with a 503. */
  DrainDeadline drain() {
    return drain;
  }
}

package io.durableobjects.gateway.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;

/**
 * INTERNAL API: Pekko Management liveness check ({@code /alive} on the management port), named in
 * {@code pekko.management.health-checks.liveness-checks} of durable-objects-node.conf.
 *
 * <p>Alive while the actor system has not terminated and its default dispatcher runs a task within
 * Pekko Management's check timeout ({@code pekko.management.health-checks.check-timeout}): a node
 * whose dispatcher is starved or deadlocked cannot serve anything, and restarting it is the cure.
 * Readiness problems (cluster membership, journal store) are deliberately not liveness problems:
 * restarting a node does not fix an unreachable Cassandra.
 */
public final class ManagementLivenessCheck implements Supplier<CompletionStage<Boolean>> {
  private final ActorSystem system;

  /** Pekko Management creates the check with the classic actor system. */
  public ManagementLivenessCheck(ActorSystem system) {
    this.system = system;
  }

  @Override
  public CompletionStage<Boolean> get() {
    if (system.whenTerminated().isCompleted()) {
      return CompletableFuture.completedFuture(false);
    }
    return CompletableFuture.supplyAsync(() -> true, system.dispatcher());
  }
}

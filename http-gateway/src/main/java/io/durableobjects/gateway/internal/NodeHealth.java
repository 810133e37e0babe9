package io.durableobjects.gateway.internal;

import io.durableobjects.core.admin.ObjectAdmin;
import io.durableobjects.gateway.HealthRoutes;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * INTERNAL API: the node's readiness, one definition for the gateway's {@code /health/ready} and
 * Pekko Management's {@code /ready} (through {@link ManagementReadinessCheck}).
 *
 * <p>A node is ready when its HTTP gateway is bound, it is an Up cluster member, it is not shutting
 * down and the journal store answers a ping within {@value #PING_TIMEOUT_SECONDS} s. Until {@link
 * #observe} and {@link #gatewayBound} are called it is not ready.
 */
public final class NodeHealth implements Extension {
  static final int PING_TIMEOUT_SECONDS = 2;
  private static final Duration PING_TIMEOUT = Duration.ofSeconds(PING_TIMEOUT_SECONDS);

  private static final ExtensionId<NodeHealth> ID =
      new ExtensionId<>() {
        @Override
        public NodeHealth createExtension(ActorSystem<?> system) {
          return new NodeHealth();
        }
      };

  private record Serving(HealthRoutes.NodeState node, ObjectAdmin admin) {}

  private volatile Serving serving;
  private volatile boolean bound;

  private NodeHealth() {}

  /** The node health of {@code system}. */
  public static NodeHealth get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /**
   * Readiness follows {@code node} and the journal behind {@code admin} (once the gateway is
   * bound).
   */
  public void observe(HealthRoutes.NodeState node, ObjectAdmin admin) {
    this.serving = new Serving(node, admin);
  }

  /** The HTTP gateway is bound: from now on readiness follows what {@link #observe} named. */
  public void gatewayBound() {
    this.bound = true;
  }

  /** Completes with null when the node is ready, else with why it is not. Never fails. */
  public CompletionStage<String> notReadyReason() {
    Serving current = serving;
    if (current == null || !bound) {
      return CompletableFuture.completedFuture("the HTTP gateway is not bound yet");
    }
    return notReadyReason(current.node(), current.admin());
  }

  /**
   * Completes with null when {@code node} reports no reason and the journal answers a ping in time,
   * else with the reason. Never fails.
   */
  public static CompletionStage<String> notReadyReason(
      HealthRoutes.NodeState node, ObjectAdmin admin) {
    String reason = node.notReadyReason();
    if (reason != null) {
      return CompletableFuture.completedFuture(reason);
    }
    CompletableFuture<String> answer;
    try {
      answer = admin.ping().toCompletableFuture().thenApply(done -> (String) null);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer
        .orTimeout(PING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(
            failure -> {
              Throwable cause =
                  failure instanceof java.util.concurrent.CompletionException
                          && failure.getCause() != null
                      ? failure.getCause()
                      : failure;
              return "the journal store did not answer"
                  + (cause instanceof TimeoutException
                      ? " within " + PING_TIMEOUT.toSeconds() + " s"
                      : ": " + cause.getMessage());
            });
  }
}

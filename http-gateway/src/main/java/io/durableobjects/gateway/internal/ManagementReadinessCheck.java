package io.durableobjects.gateway.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * INTERNAL API: Pekko Management readiness check ({@code /ready} on the management port), named in
 * {@code pekko.management.health-checks.readiness-checks} of durable-objects-node.conf. Ready
 * exactly when the gateway's {@code /health/ready} is (see {@link NodeHealth}); otherwise the check
 * fails with the reason, which Pekko Management puts into its answer (status 500).
 */
public final class ManagementReadinessCheck implements Supplier<CompletionStage<Boolean>> {
  private final NodeHealth health;

  /** Pekko Management creates the check with the classic actor system. */
  public ManagementReadinessCheck(ActorSystem system) {
    this.health = NodeHealth.get(Adapter.toTyped(system));
  }

  @Override
  public CompletionStage<Boolean> get() {
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    health
        .notReadyReason()
        .whenComplete(
            (reason, failure) -> {
              if (reason == null && failure == null) {
                result.complete(true);
              } else {
                // A failure, not false: for false Pekko Management reports only "not ok". Completed
                // directly (not from a dependent stage) so that it is not wrapped and the answer
                // reads "... failed: <reason>".
                result.completeExceptionally(
                    new NotReadyException(reason != null ? reason : String.valueOf(failure)));
              }
            });
    return result;
  }

  /** The node is not ready; the message says why. */
  static final class NotReadyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotReadyException(String reason) {
      super(reason, null, false, false);
    }
  }
}

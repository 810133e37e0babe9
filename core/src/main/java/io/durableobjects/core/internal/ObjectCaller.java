package io.durableobjects.core.internal;

import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.ObjectTimeoutException;
import io.durableobjects.core.ObjectUnavailableException;
import io.durableobjects.core.internal.entity.FetchReply;
import io.durableobjects.core.internal.entity.ObjectCommand;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import scala.concurrent.ExecutionContextExecutor;

/**
 * INTERNAL API: the one way a call ({@link ObjectCommand.Call}: a fetch, an RPC, a WebSocket
 * upgrade, an operator's call) reaches an object from anywhere in the cluster. Stubs, the admin API
 * and the gateway's WebSocket upgrades all go through it. It
 *
 * <ul>
 *   <li>lets the call leave only once the caller's output gate opens ({@link CallOrigin});
 *   <li>resends a call that may be applied at most once (it has an Idempotency-Key) while objects
 *       may be moving between nodes, since Pekko drops a call that meets its object's hand-over;
 *   <li>answers a retryable 503 soon, instead of after the whole ask-timeout, while a node the
 *       object may live on is unreachable ({@link ClusterReachability});
 *   <li>turns every failure into a {@link DurableObjectException}: the object's own ({@link
 *       FetchReply.Failed}), a timeout (504, or 503 during a failover or hand-over), or an
 *       unreachable object (503).
 * </ul>
 */
public final class ObjectCaller {
  /** How long a resendable call waits for an answer before it is sent again, in a hand-over. */
  private static final Duration RESEND_INTERVAL = Duration.ofSeconds(2);

  private final ClusterSharding sharding;
  private final ClusterReachability reachability;
  private final Duration askTimeout;
  private final Duration unreachableAskTimeout;
  private final Scheduler scheduler;
  private final ExecutionContextExecutor executor;

  /**
   * @param askTimeout how long a call waits for its answer
   * @param unreachableAskTimeout how long it waits while a cluster member is unreachable (at most
   *     {@code askTimeout})
   */
  public ObjectCaller(
      ActorSystem<?> system,
      ClusterReachability reachability,
      Duration askTimeout,
      Duration unreachableAskTimeout) {
    this.sharding = ClusterSharding.get(system);
    this.reachability = reachability;
    this.askTimeout = askTimeout;
    this.unreachableAskTimeout = unreachableAskTimeout;
    this.scheduler = system.scheduler();
    this.executor = system.executionContext();
  }

  /** The object's entity, wherever it lives: messages to it go through sharding. */
  public EntityRef<ObjectCommand> entity(DurableObjectId id) {
    return sharding.entityRefFor(ShardedNamespace.typeKey(id.namespace()), id.toString());
  }

  /**
   * Asks the object once the caller's output gate lets the call leave; completes with its reply, or
   * exceptionally with a DurableObjectException (also when the gate never opens: the call is then
   * not sent).
   *
   * @param resendable whether the object applies the call at most once however often it arrives (an
   *     Idempotency-Key): only then is it sent again during a hand-over
   */
  public CompletableFuture<FetchReply> call(
      DurableObjectId id,
      CallOrigin origin,
      Function<ActorRef<FetchReply>, ObjectCommand.Call> call,
      boolean resendable) {
    CompletableFuture<Void> gate = origin.outputGate().toCompletableFuture();
    if (gate.isDone() && !gate.isCompletedExceptionally()) {
      return callNow(id, call, resendable);
    }
    CompletableFuture<FetchReply> result = new CompletableFuture<>();
    // On the dispatcher: the gate opens on the object's actor, which must not run the caller's
    // continuations.
    gate.whenCompleteAsync(
        (open, closed) -> {
          if (closed != null) {
            result.completeExceptionally(unwrap(closed));
          } else {
            callNow(id, call, resendable)
                .whenComplete(
                    (reply, failure) -> {
                      if (failure != null) {
                        result.completeExceptionally(failure);
                      } else {
                        result.complete(reply);
                      }
                    });
          }
        },
        executor);
    return result;
  }

  private CompletableFuture<FetchReply> callNow(
      DurableObjectId id,
      Function<ActorRef<FetchReply>, ObjectCommand.Call> call,
      boolean resendable) {
    EntityRef<ObjectCommand> ref = entity(id);
    CompletableFuture<FetchReply> result = new CompletableFuture<>();
    String unreachableAtSend = reachability.failingNodes();
    if (resendable) {
      // Pekko drops a call that meets the start of its object's hand-over (a node leaving, or
      // rebalancing to a new one): while the membership is changing, a call still unanswered is
      // sent again. The object applies a call with an Idempotency-Key at most once and answers
      // every copy alike.
      scheduleResend(ref, call, result, System.nanoTime() + askTimeout.toNanos());
    }
    // Pekko's ask returns a Scala-backed stage whose plain callbacks run on the common pool;
    // completing on the actor system's dispatcher keeps callers off that pool (2-core trap).
    ref.<FetchReply>ask(call::apply, askTimeout)
        .whenCompleteAsync(
            (reply, failure) -> {
              if (failure != null) {
                result.completeExceptionally(translate(id, failure, unreachableAtSend, askTimeout));
              } else if (reply instanceof FetchReply.Failed failed) {
                result.completeExceptionally(
                    new DurableObjectException(failed.status(), failed.code(), failed.message()));
              } else {
                result.complete(reply);
              }
            },
            executor);
    if (unreachableAtSend != null && unreachableAskTimeout.compareTo(askTimeout) < 0) {
      // The object may live on the unreachable node, where this call is lost: answer a
      // retryable 503 soon rather than keep the caller for the whole ask-timeout.
      Cancellable deadline =
          scheduler.scheduleOnce(
              unreachableAskTimeout,
              () ->
                  result.completeExceptionally(
                      unavailableWhileUnreachable(id, unreachableAtSend, unreachableAskTimeout)),
              executor);
      result.whenComplete((reply, failure) -> deadline.cancel());
    }
    return result;
  }

  private void scheduleResend(
      EntityRef<ObjectCommand> ref,
      Function<ActorRef<FetchReply>, ObjectCommand.Call> call,
      CompletableFuture<FetchReply> result,
      long deadlineNanos) {
    Duration left = Duration.ofNanos(deadlineNanos - System.nanoTime()).minus(RESEND_INTERVAL);
    if (left.isNegative() || left.isZero()) {
      return;
    }
    Cancellable check =
        scheduler.scheduleOnce(
            RESEND_INTERVAL,
            () -> {
              if (result.isDone()) {
                return;
              }
              if (reachability.recentChange() != null || reachability.failingNodes() != null) {
                ref.<FetchReply>ask(call::apply, left)
                    .whenCompleteAsync(
                        (reply, failure) -> {
                          // The first copy's outcome decides failures; a copy only adds an answer.
                          if (failure == null && !(reply instanceof FetchReply.Failed)) {
                            result.complete(reply);
                          }
                        },
                        executor);
              }
              scheduleResend(ref, call, result, deadlineNanos);
            },
            executor);
    result.whenComplete((reply, failure) -> check.cancel());
  }

  private Throwable translate(
      DurableObjectId id, Throwable failure, String unreachableAtSend, Duration waited) {
    Throwable cause = unwrap(failure);
    if (cause instanceof TimeoutException) {
      String unreachable = reachability.failingNodes();
      if (unreachable != null || unreachableAtSend != null) {
        return unavailableWhileUnreachable(
            id, unreachable != null ? unreachable : unreachableAtSend, waited);
      }
      String leaving = reachability.recentChange();
      if (leaving != null) {
        return unavailable(
            id, waited, "objects move between nodes after a membership change: " + leaving + ".");
      }
      return new ObjectTimeoutException(describe(id) + " did not answer within " + waited);
    }
    return new ObjectUnavailableException(
        describe(id) + " could not be reached: " + cause.getMessage());
  }

  private static ObjectUnavailableException unavailableWhileUnreachable(
      DurableObjectId id, String nodes, Duration waited) {
    return unavailable(
        id,
        waited,
        "these cluster nodes are unreachable or just downed: "
            + nodes
            + "; if it lived there, it is started on a surviving node once they are downed.");
  }

  /** A retryable 503: no answer within {@code waited} while {@code situation}. */
  private static ObjectUnavailableException unavailable(
      DurableObjectId id, Duration waited, String situation) {
    return new ObjectUnavailableException(
        describe(id)
            + " did not answer within "
            + waited.toMillis()
            + " ms while "
            + situation
            + " Retry (a write with an Idempotency-Key, as it may have been applied)");
  }

  private static String describe(DurableObjectId id) {
    return "object " + id + " in namespace '" + id.namespace() + "'";
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }
}

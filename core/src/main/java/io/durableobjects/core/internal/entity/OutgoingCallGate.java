package io.durableobjects.core.internal.entity;

import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.ObjectUnavailableException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * INTERNAL API: the output gate for what an object sends while a request runs: calls to other
 * objects (through {@code state.env()}) and replies to re-entrant calls. Responses and socket
 * commands wait in their {@link Batch} instead; these cannot, as the request that makes them has
 * not ended.
 *
 * <p>It counts transactions: committed (added to the working state) and durable (confirmed by the
 * journal, in commit order). What is sent at some moment leaves once every transaction committed
 * before that moment is durable. The running request's own writes are not committed yet, so nothing
 * waits for them: they commit together after the handler returns (all or nothing), and a handler
 * awaiting its call would otherwise wait for itself.
 *
 * <p>If a journal write fails, or an instance is replaced, what waits fails with a retryable error
 * and is never sent; so is anything an instance retired by then sends later.
 *
 * <p>Thread-safe: an object makes calls from whatever thread its continuation runs on.
 */
final class OutgoingCallGate {
  private record Held(long upTo, CompletableFuture<Void> released) {}

  // Targets only grow (committed never goes back), so the queue is in release order.
  private final ArrayDeque<Held> held = new ArrayDeque<>();
  private long committed;
  private long durable;
  private int generation;

  /** The gate as the object instance activated now sees it; retiring it closes the view. */
  Instance forInstance() {
    synchronized (this) {
      return new Instance(generation);
    }
  }

  /** A transaction joined the working state (and the next batch). */
  synchronized void committed() {
    committed++;
  }

  /** The journal confirmed the oldest {@code transactions} transactions not yet durable. */
  void durable(int transactions) {
    List<CompletableFuture<Void>> ready = List.of();
    synchronized (this) {
      durable += transactions;
      while (!held.isEmpty() && held.peekFirst().upTo() <= durable) {
        if (ready.isEmpty()) {
          ready = new ArrayList<>();
        }
        ready.add(held.pollFirst().released());
      }
    }
    ready.forEach(f -> f.complete(null)); // outside the lock: it sends
  }

  /** The instance is replaced (its request timed out, or it could not start): it sends nothing. */
  void retire(DurableObjectException reason) {
    failHeld(() -> reason, false);
  }

  /** A journal write failed: every transaction not durable is lost, and so is what waits on it. */
  void writeFailed(DurableObjectException reason) {
    failHeld(() -> reason, true);
  }

  /** The entity stopped: nothing waits after a passivation, but a node's shutdown may cut in. */
  void stopped() {
    failHeld(
        () -> new ObjectUnavailableException("the object stopped; the call was not sent"), true);
  }

  private void failHeld(Supplier<DurableObjectException> reason, boolean lostUncommitted) {
    List<Held> failed;
    synchronized (this) {
      generation++;
      if (lostUncommitted) {
        durable = committed; // nothing is in flight any more: the next instance starts clean
      }
      if (held.isEmpty()) {
        return;
      }
      failed = new ArrayList<>(held);
      held.clear();
    }
    DurableObjectException error = reason.get();
    failed.forEach(h -> h.released().completeExceptionally(error));
  }

  private CompletableFuture<Void> whenDurable(int instanceGeneration) {
    synchronized (this) {
      if (instanceGeneration != generation) {
        return CompletableFuture.failedFuture(
            new ObjectUnavailableException(
                "the object instance that made this call was replaced (a journal write failed or"
                    + " a request timed out); the call was not sent, retry"));
      }
      if (durable >= committed) {
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> released = new CompletableFuture<>();
      held.addLast(new Held(committed, released));
      return released;
    }
  }

  /** The gate for one object instance. */
  final class Instance {
    private final int generation;

    private Instance(int generation) {
      this.generation = generation;
    }

    /**
     * Completes when what the object sends now may leave; fails with a retryable {@link
     * DurableObjectException} if it never may.
     */
    CompletableFuture<Void> whenDurable() {
      return OutgoingCallGate.this.whenDurable(generation);
    }

    /** Sends {@code reply} once it may leave, or the reason it may not. */
    void reply(ActorRef<FetchReply> replyTo, FetchReply reply) {
      whenDurable()
          .whenComplete(
              (ok, failure) ->
                  replyTo.tell(
                      failure == null
                          ? reply
                          : FetchReply.Failed.of(asDurableObjectException(failure))));
    }
  }

  private static DurableObjectException asDurableObjectException(Throwable failure) {
    Throwable cause =
        failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    return cause instanceof DurableObjectException e
        ? e
        : new ObjectUnavailableException("the object could not release its reply: " + cause);
  }
}

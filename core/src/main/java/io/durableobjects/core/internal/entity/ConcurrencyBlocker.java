package io.durableobjects.core.internal.entity;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * INTERNAL API: the stages of one object instance's {@code blockConcurrencyWhile}, which close the
 * input gate until they complete.
 *
 * <p>In the constructor they belong to the activation ({@link #endConstruction}). During a call
 * they belong to that call: it ends (its transaction commits, its reply leaves) only once they have
 * completed ({@link #settled}), and while one is pending not even a re-entrant call is let in
 * ({@link #blocking}). Anywhere else (between calls, from a thread the object started) calling it
 * is refused.
 *
 * <p>Thread-safe: an object calls it from whatever thread its continuation runs on.
 */
final class ConcurrencyBlocker {
  private final ObjectStorage storage;
  private boolean constructing = true;
  private final List<CompletableFuture<?>> construction = new ArrayList<>();
  // Stages started during the current call that may not have completed yet.
  private final Set<CompletableFuture<?>> open = new LinkedHashSet<>();
  private Throwable failure;

  ConcurrencyBlocker(ObjectStorage storage) {
    this.storage = storage;
  }

  /** Runs {@code body} and closes the input gate until its stage completes. */
  <T> CompletionStage<T> block(Supplier<? extends CompletionStage<T>> body) {
    synchronized (this) {
      if (!constructing && !storage.inCall()) {
        throw new IllegalStateException(
            "blockConcurrencyWhile can only be called from the object's constructor or while it"
                + " handles a call (a request, an RPC, an alarm or a WebSocket event)");
      }
    }
    CompletionStage<T> stage = body.get();
    if (stage == null) {
      throw new IllegalArgumentException("blockConcurrencyWhile: the body returned null");
    }
    CompletableFuture<T> future = stage.toCompletableFuture();
    synchronized (this) {
      (constructing ? construction : open).add(future);
    }
    return stage;
  }

  /** Ends the constructor phase; the stage completes when every stage it started has. */
  synchronized CompletableFuture<Void> endConstruction() {
    constructing = false;
    return CompletableFuture.allOf(construction.toArray(new CompletableFuture<?>[0]));
  }

  /** A call starts: nothing of an earlier one is pending. */
  synchronized void beginCall() {
    open.clear();
    failure = null;
  }

  /** Whether the current call started no stage (or only ones that completed and were counted). */
  synchronized boolean unused() {
    return open.isEmpty() && failure == null;
  }

  /** Whether a stage started during the current call is still pending. */
  synchronized boolean blocking() {
    return !pendingStages().isEmpty();
  }

  /**
   * Completes once every stage started during the current call (up to then) has completed; fails
   * with the first failure among them.
   */
  CompletableFuture<Void> settled() {
    List<CompletableFuture<?>> pending;
    synchronized (this) {
      pending = pendingStages();
      if (pending.isEmpty()) {
        Throwable failed = failure;
        failure = null;
        return failed == null
            ? CompletableFuture.completedFuture(null)
            : CompletableFuture.failedFuture(failed);
      }
    }
    return CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
        .handle((ignored, e) -> null)
        .thenCompose(ignored -> settled());
  }

  /** Drops the completed stages (keeping the first failure); the rest. */
  private List<CompletableFuture<?>> pendingStages() {
    for (Iterator<CompletableFuture<?>> it = open.iterator(); it.hasNext(); ) {
      CompletableFuture<?> stage = it.next();
      if (stage.isDone()) {
        it.remove();
        if (failure == null && stage.isCompletedExceptionally()) {
          failure = stage.handle((value, e) -> unwrap(e)).join();
        }
      }
    }
    return new ArrayList<>(open);
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }
}

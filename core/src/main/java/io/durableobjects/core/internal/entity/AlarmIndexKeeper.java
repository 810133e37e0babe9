package io.durableobjects.core.internal.entity;

import io.durableobjects.core.internal.AlarmSettings;
import io.durableobjects.core.internal.ObjectMetrics;
import io.durableobjects.core.spi.AlarmIndex;
import io.durableobjects.core.spi.AlarmIndexEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.pattern.Patterns;
import org.slf4j.Logger;

/**
 * INTERNAL API: one object's rows in the {@link AlarmIndex}, kept so that while the object has a
 * durable alarm due at T the index has a row of it due at or before T (the index's invariant).
 *
 * <ul>
 *   <li>{@link #cover}: before a batch that makes the earliest alarm earlier is acknowledged, a row
 *       for it is written (in parallel with the journal write), through at most {@code
 *       index-retry-attempts} attempts: the request waits for it, and fails if it cannot be
 *       written;
 *   <li>{@link #tidy}: once the object's state is durable, the index is left with exactly the row
 *       of its earliest alarm: that row is written first, retried with backoff until it is written
 *       (the object stays in memory meanwhile, {@link #busy}), and the others are removed only once
 *       it is.
 * </ul>
 *
 * <p>A row counts as present only once its write succeeded (or the poller woke the object for it):
 * never before. Operations run one after another; the object actor hears of every finished one
 * ({@link InternalCommand.AlarmIndexSettled}) and of the row it wrote. A write still retrying when
 * the object stops anyway (its node leaves) goes on until it succeeds: the row is what brings the
 * object back. Confined to the object actor, except the operations' own callbacks.
 */
final class AlarmIndexKeeper {
  /** After the first failure of a write, every this many failures are logged. */
  private static final int LOG_EVERY = 10;

  private final AlarmIndex index;
  private final String namespace;
  private final String id;
  private final ActorRef<ObjectCommand> self;
  private final ActorSystem<?> system;
  private final Logger log;
  private final AlarmSettings settings;
  private final ObjectMetrics metrics;

  /** The rows the index holds: written, or reported by the poller. */
  private final TreeSet<Long> present = new TreeSet<>();

  /** The rows being written (queued or under way). */
  private final Set<Long> writing = new HashSet<>();

  private CompletionStage<Done> chain = CompletableFuture.completedFuture(Done.getInstance());
  private int outstanding;

  AlarmIndexKeeper(
      AlarmIndex index,
      String namespace,
      String id,
      ActorRef<ObjectCommand> self,
      ActorSystem<?> system,
      Logger log,
      AlarmSettings settings,
      ObjectMetrics metrics) {
    this.index = index;
    this.namespace = namespace;
    this.id = id;
    this.self = self;
    this.system = system;
    this.log = log;
    this.settings = settings;
    this.metrics = metrics;
  }

  /**
   * Makes sure the index has a row due at or before {@code dueMillis}.
   *
   * @return the write to wait for before acknowledging, or null if a row already covers it
   */
  CompletionStage<Done> cover(long dueMillis, String objectName) {
    if (!present.isEmpty() && present.first() <= dueMillis) {
      return null;
    }
    writing.add(dueMillis);
    return enqueue(dueMillis, () -> attempt("add", dueMillis, add(dueMillis, objectName), 1, true));
  }

  /**
   * Leaves exactly the row of {@code earliest} (no row when empty). Call it only when the object's
   * working state is durable, so that a row removed here is not needed by a write still in flight.
   * The rows it replaces go only once it is written: then it is called again ({@link #settled}).
   */
  void tidy(Optional<Long> earliest, String objectName) {
    if (earliest.isPresent() && !present.contains(earliest.get())) {
      long dueMillis = earliest.get();
      if (writing.add(dueMillis)) {
        enqueue(dueMillis, () -> attempt("add", dueMillis, add(dueMillis, objectName), 1, false));
      }
      return;
    }
    List<Long> stale = new ArrayList<>(present);
    earliest.ifPresent(stale::remove);
    if (stale.isEmpty()) {
      return;
    }
    present.removeAll(stale);
    enqueue(null, () -> removeAll(stale));
  }

  /** A row the index is known to hold (the poller woke the object for it). */
  void known(long dueMillis) {
    present.add(dueMillis);
  }

  /**
   * Forgets what it believed: after a failure the rows are unknown. The next {@link #tidy} writes
   * the earliest row again; rows left behind only cause a wake-up that removes them.
   */
  void forget() {
    present.clear();
  }

  /** Whether operations are still running (the object must not stop yet). */
  boolean busy() {
    return outstanding > 0;
  }

  /**
   * Called by the object actor on each {@link InternalCommand.AlarmIndexSettled}.
   *
   * @return whether it wrote a row (then {@link #tidy} may remove the rows it replaces)
   */
  boolean settled(InternalCommand.AlarmIndexSettled settled) {
    outstanding--;
    if (settled.row() == null) {
      return false;
    }
    writing.remove(settled.row());
    if (settled.written()) {
      present.add(settled.row());
    }
    return settled.written();
  }

  private CompletionStage<Done> enqueue(Long row, Supplier<CompletionStage<Done>> operation) {
    outstanding++;
    CompletionStage<Done> result =
        chain.handle((done, failure) -> null).thenCompose(ignored -> operation.get());
    chain = result;
    result.whenComplete(
        (done, failure) ->
            self.tell(
                row == null
                    ? InternalCommand.AlarmIndexSettled.REMOVED
                    : new InternalCommand.AlarmIndexSettled(row, failure == null)));
    return result;
  }

  private Supplier<CompletionStage<Done>> add(long dueMillis, String objectName) {
    AlarmIndexEntry entry =
        new AlarmIndexEntry(
            namespace, id, Optional.ofNullable(objectName), Instant.ofEpochMilli(dueMillis));
    return () -> index.add(entry);
  }

  // A row left behind only wakes the object once more, which removes it: bounded attempts.
  private CompletionStage<Done> removeAll(List<Long> stale) {
    CompletionStage<Done> result = CompletableFuture.completedFuture(Done.getInstance());
    for (long dueMillis : stale) {
      Supplier<CompletionStage<Done>> remove =
          () -> index.remove(namespace, id, Instant.ofEpochMilli(dueMillis));
      result = result.thenCompose(done -> attempt("remove", dueMillis, remove, 1, true));
    }
    return result;
  }

  /**
   * Runs {@code operation} until it succeeds, after a growing delay between attempts; when {@code
   * bounded}, at most {@code index-retry-attempts} times.
   */
  private CompletionStage<Done> attempt(
      String what,
      long dueMillis,
      Supplier<CompletionStage<Done>> operation,
      int attempt,
      boolean bounded) {
    CompletionStage<Done> tried;
    try {
      tried = operation.get();
    } catch (RuntimeException e) {
      tried = CompletableFuture.failedFuture(e);
    }
    return tried
        .handle((done, failure) -> failure)
        .thenCompose(
            failure -> {
              if (failure == null) {
                if (attempt > 1) {
                  log.info(
                      "Object {}: {} of its alarm index row due at {} succeeded at attempt {}",
                      id,
                      what,
                      Instant.ofEpochMilli(dueMillis),
                      attempt);
                }
                return CompletableFuture.completedFuture(Done.getInstance());
              }
              if (bounded && attempt >= settings.indexRetryAttempts()) {
                log.error(
                    "Object {}: could not {} its alarm index row due at {} in {} attempts: {}",
                    id,
                    what,
                    Instant.ofEpochMilli(dueMillis),
                    attempt,
                    failure.toString());
                return CompletableFuture.failedFuture(failure);
              }
              metrics.alarmIndexRetried();
              Duration delay = jittered(settings.indexRetryDelay(attempt));
              if (attempt == 1 || attempt % LOG_EVERY == 0) {
                log.warn(
                    "Object {}: could not {} its alarm index row due at {} (attempt {}{}): {};"
                        + " retrying in {}",
                    id,
                    what,
                    Instant.ofEpochMilli(dueMillis),
                    attempt,
                    bounded
                        ? " of " + settings.indexRetryAttempts()
                        : ", retried until it succeeds",
                    failure.toString(),
                    delay);
              }
              return Patterns.after(
                  delay, system, () -> attempt(what, dueMillis, operation, attempt + 1, bounded));
            });
  }

  // +-20 %, so that objects that failed together do not retry together.
  private static Duration jittered(Duration delay) {
    double factor = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
    return Duration.ofMillis(Math.max(1, Math.round(delay.toMillis() * factor)));
  }
}

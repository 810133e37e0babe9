package io.durableobjects.core.internal.entity;

import io.durableobjects.core.spi.AlarmIndex;
import io.durableobjects.core.spi.AlarmIndexEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
 *       for it is written (in parallel with the journal write);
 *   <li>{@link #tidy}: once the object's state is durable, the index is left with exactly the row
 *       of its earliest alarm: that row is written first, the others removed after it exists.
 * </ul>
 *
 * <p>Operations run one after another, each retried with backoff; the object actor hears of every
 * finished one ({@link InternalCommand.AlarmIndexSettled}) so that it does not stop while one is
 * outstanding. Confined to the object actor, except the operations' own callbacks.
 */
final class AlarmIndexKeeper {
  private static final int ATTEMPTS = 8;
  private static final Duration MIN_BACKOFF = Duration.ofMillis(200);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private final AlarmIndex index;
  private final String namespace;
  private final String id;
  private final ActorRef<ObjectCommand> self;
  private final ActorSystem<?> system;
  private final Logger log;

  /** The rows believed to exist (or being written) in the index. */
  private final TreeSet<Long> rows = new TreeSet<>();

  private CompletionStage<Done> chain = CompletableFuture.completedFuture(Done.getInstance());
  private int outstanding;

  AlarmIndexKeeper(
      AlarmIndex index,
      String namespace,
      String id,
      ActorRef<ObjectCommand> self,
      ActorSystem<?> system,
      Logger log) {
    this.index = index;
    this.namespace = namespace;
    this.id = id;
    this.self = self;
    this.system = system;
    this.log = log;
  }

  /**
   * Makes sure the index has a row due at or before {@code dueMillis}.
   *
   * @return the write to wait for before acknowledging, or null if a row already covers it
   */
  CompletionStage<Done> cover(long dueMillis, String objectName) {
    if (!rows.isEmpty() && rows.first() <= dueMillis) {
      return null;
    }
    rows.add(dueMillis);
    return enqueue(() -> add(dueMillis, objectName));
  }

  /**
   * Leaves exactly the row of {@code earliest} (no row when empty). Call it only when the object's
   * working state is durable, so that a row removed here is not needed by a write still in flight.
   */
  void tidy(Optional<Long> earliest, String objectName) {
    List<Long> stale = new ArrayList<>(rows);
    earliest.ifPresent(stale::remove);
    boolean adding = earliest.isPresent() && !rows.contains(earliest.get());
    if (!adding && stale.isEmpty()) {
      return;
    }
    rows.removeAll(stale);
    earliest.ifPresent(rows::add);
    enqueue(
        () -> {
          CompletionStage<Done> first =
              adding
                  ? add(earliest.get(), objectName)
                  : CompletableFuture.completedFuture(Done.getInstance());
          // Removed only once the row that replaces them exists: a failed add keeps them.
          return first.thenCompose(done -> removeAll(stale));
        });
  }

  /** A row the index is known to hold (the poller woke the object for it). */
  void known(long dueMillis) {
    rows.add(dueMillis);
  }

  /**
   * Forgets what it believed: after a failure the rows are unknown. The next {@link #tidy} writes
   * the earliest row again; rows left behind only cause a wake-up that removes them.
   */
  void forget() {
    rows.clear();
  }

  /** Whether operations are still running (the object must not stop yet). */
  boolean busy() {
    return outstanding > 0;
  }

  /** Called by the object actor on each {@link InternalCommand.AlarmIndexSettled}. */
  void settled() {
    outstanding--;
  }

  private CompletionStage<Done> enqueue(Supplier<CompletionStage<Done>> operation) {
    outstanding++;
    CompletionStage<Done> result =
        chain.handle((done, failure) -> null).thenCompose(ignored -> operation.get());
    chain = result;
    result.whenComplete((done, failure) -> self.tell(InternalCommand.AlarmIndexSettled.INSTANCE));
    return result;
  }

  private CompletionStage<Done> add(long dueMillis, String objectName) {
    AlarmIndexEntry entry =
        new AlarmIndexEntry(
            namespace, id, Optional.ofNullable(objectName), Instant.ofEpochMilli(dueMillis));
    return retried("add", dueMillis, () -> index.add(entry));
  }

  private CompletionStage<Done> removeAll(List<Long> stale) {
    CompletionStage<Done> result = CompletableFuture.completedFuture(Done.getInstance());
    for (long dueMillis : stale) {
      result =
          result.thenCompose(
              done ->
                  retried(
                      "remove",
                      dueMillis,
                      () -> index.remove(namespace, id, Instant.ofEpochMilli(dueMillis))));
    }
    return result;
  }

  private CompletionStage<Done> retried(
      String what, long dueMillis, Supplier<CompletionStage<Done>> operation) {
    CompletionStage<Done> result =
        Patterns.retry(operation::get, ATTEMPTS, MIN_BACKOFF, MAX_BACKOFF, 0.2, system);
    return result.whenComplete(
        (done, failure) -> {
          if (failure != null) {
            log.error(
                "Could not {} the alarm index row of object {} due at {} after {} attempts: {}",
                what,
                id,
                Instant.ofEpochMilli(dueMillis),
                ATTEMPTS,
                failure.toString());
          }
        });
  }
}

package io.durableobjects.core.internal;

import io.durableobjects.core.spi.AlarmIndex;
import io.durableobjects.core.spi.AlarmIndexEntry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.slf4j.Logger;

/**
 * INTERNAL API: the {@link AlarmPoller}'s view of stuck index rows, and their quarantine.
 *
 * <p>A due row is stuck when nothing removes it: its namespace is not configured on the poller's
 * node, or its object cannot start. Left in place, such rows fill every poll ({@code poll-limit})
 * and no other alarm fires. A row is judged stuck once it stayed {@code quarantine-after} past its
 * due time (or past when this poller first read it, if later); one this poller quarantined before
 * is judged again at once (an unknown namespace) or after one more wake-up (an object that cannot
 * start). Quarantine moves the row {@code quarantine-retry-interval} ahead in the index itself: the
 * new row is written first, then the old one removed, so the object never loses its row, the
 * quarantine survives a failover of the poller, and the row is tried again at that slow cadence (a
 * namespace deployed again fires then). Confined to the poller actor, except the writes' callbacks.
 */
final class AlarmQuarantine {

  /** A row of the index, by what identifies it. */
  record RowKey(String namespace, String id, long dueMillis) {
    static RowKey of(AlarmIndexEntry row) {
      return new RowKey(row.namespace(), row.id(), row.dueAt().toEpochMilli());
    }
  }

  /** The rows named in one WARN; the rest are counted. */
  private static final int NAMED_IN_LOG = 20;

  /** Moves in flight at once, so that thousands of stuck rows do not flood the index. */
  private static final int PARALLEL_MOVES = 16;

  private final AlarmIndex index;
  private final AlarmSettings settings;
  private final MeterRegistry registry;
  private final Logger log;
  // When this poller first read each row still due (pruned to the rows of the last poll).
  private final Map<RowKey, Long> firstSeen = new HashMap<>();
  // The rows this poller moved ahead, by their new key (pruned once long past).
  private final Map<RowKey, Long> moved = new HashMap<>();

  AlarmQuarantine(AlarmIndex index, AlarmSettings settings, MeterRegistry registry, Logger log) {
    this.index = index;
    this.settings = settings;
    this.registry = registry;
    this.log = log;
  }

  /**
   * Whether a row read at {@code nowMillis} is stuck.
   *
   * @param known whether this node has the row's namespace
   */
  boolean isStuck(RowKey key, boolean known, long nowMillis) {
    long seen = firstSeen.computeIfAbsent(key, k -> nowMillis);
    if (moved.containsKey(key)) {
      // Stuck before: no grace again, only the wake-up an object that may start now deserves.
      return !known || nowMillis - seen >= settings.wakeRetryInterval().toMillis();
    }
    return nowMillis - Math.max(key.dueMillis(), seen) >= settings.quarantineAfter().toMillis();
  }

  /** Forgets the rows that were not in the last poll (handled, or moved). */
  void retain(Set<RowKey> seen, long nowMillis) {
    firstSeen.keySet().retainAll(seen);
    // A moved row is read again at its new due time; one not read for that long is gone.
    long forgetBefore = nowMillis - settings.quarantineRetryInterval().toMillis();
    moved.values().removeIf(dueMillis -> dueMillis < forgetBefore);
  }

  /**
   * Moves {@code stuck} rows {@code quarantine-retry-interval} ahead of {@code nowMillis}, names
   * them in a WARN and counts them. A move that failed leaves its row in place for the next poll.
   *
   * @return the new keys of the rows moved, once every move finished (for {@link #moved})
   */
  CompletionStage<List<RowKey>> quarantine(List<AlarmIndexEntry> stuck, long nowMillis) {
    Instant retryAt = Instant.ofEpochMilli(nowMillis).plus(settings.quarantineRetryInterval());
    StringBuilder named = new StringBuilder();
    for (int i = 0; i < stuck.size() && i < NAMED_IN_LOG; i++) {
      AlarmIndexEntry row = stuck.get(i);
      named.append(i == 0 ? "" : ", ").append(row.namespace()).append('/').append(row.id());
      named.append(" due ").append(row.dueAt());
    }
    if (stuck.size() > NAMED_IN_LOG) {
      named.append(" and ").append(stuck.size() - NAMED_IN_LOG).append(" more");
    }
    log.warn(
        "Quarantining {} alarm index rows that stayed due unhandled (namespace not on this node, or"
            + " object that does not start): moved to {}, so that other alarms fire: {}",
        stuck.size(),
        retryAt,
        named);
    List<RowKey> done = new ArrayList<>(stuck.size());
    CompletionStage<Done> all = CompletableFuture.completedFuture(Done.getInstance());
    for (int from = 0; from < stuck.size(); from += PARALLEL_MOVES) {
      List<AlarmIndexEntry> group =
          stuck.subList(from, Math.min(stuck.size(), from + PARALLEL_MOVES));
      all = all.thenCompose(previous -> moveAll(group, retryAt, done));
    }
    return all.thenApply(
        finished -> {
          synchronized (done) {
            return List.copyOf(done);
          }
        });
  }

  /** Records rows moved ahead, by their new keys (on the poller's thread). */
  void moved(List<RowKey> newKeys) {
    newKeys.forEach(key -> moved.put(key, key.dueMillis()));
  }

  private CompletionStage<Done> moveAll(
      List<AlarmIndexEntry> group, Instant retryAt, List<RowKey> done) {
    List<CompletableFuture<Done>> moves = new ArrayList<>(group.size());
    for (AlarmIndexEntry row : group) {
      moves.add(move(row, retryAt, done).toCompletableFuture());
    }
    return CompletableFuture.allOf(moves.toArray(CompletableFuture[]::new))
        .thenApply(all -> Done.getInstance());
  }

  // The new row first: the object is never without one.
  private CompletionStage<Done> move(AlarmIndexEntry row, Instant retryAt, List<RowKey> done) {
    AlarmIndexEntry ahead = new AlarmIndexEntry(row.namespace(), row.id(), row.name(), retryAt);
    CompletionStage<Done> moving;
    try {
      moving =
          index
              .add(ahead)
              .thenCompose(added -> index.remove(row.namespace(), row.id(), row.dueAt()));
    } catch (RuntimeException e) {
      moving = CompletableFuture.failedFuture(e);
    }
    return moving.handle(
        (moved, failure) -> {
          if (failure != null) {
            log.warn(
                "Could not quarantine the alarm index row of {}/{} due at {}: {}",
                row.namespace(),
                row.id(),
                row.dueAt(),
                failure.toString());
            return Done.getInstance();
          }
          synchronized (done) {
            done.add(RowKey.of(ahead));
          }
          AlarmPollerMetrics.quarantined(registry, row.namespace()).increment();
          return Done.getInstance();
        });
  }
}

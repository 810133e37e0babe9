package io.durableobjects.cassandra.internal.journal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * INTERNAL API: how {@link FencedCassandraJournal} deletes events: row ranges of the {@code events}
 * table, partition by partition, oldest first, never row 0 (each partition's fence), so that a
 * stale instance stays fenced off and the highest sequence number stays known.
 */
final class EventDeletes {
  private final JournalStatements statements;
  private final EventPartitions partitions;
  private final Executor executor;

  EventDeletes(JournalStatements statements, EventPartitions partitions, Executor executor) {
    this.statements = statements;
    this.partitions = partitions;
    this.executor = executor;
  }

  /** Deletes the events of {@code persistenceId} up to {@code toSequenceNr}, never its fences. */
  CompletionStage<Void> deleteTo(String persistenceId, long toSequenceNr) {
    if (toSequenceNr == Long.MAX_VALUE) {
      // Everything: every partition that has a fence, from the first.
      return deleteAll(persistenceId, 0);
    }
    // Events are deleted after each snapshot, up to a point a little further each time: the
    // partition of that point and the one before it cover what is not deleted yet. An erasure
    // (an operator's delete of the object) deletes up to its own event, however far back the
    // history goes: the older partitions that still hold events are found first (deletes take the
    // oldest events first, so the first partition without one ends the walk), and deleted from the
    // oldest up, so that a failure half-way leaves a prefix deleted, as always.
    long last = partitions.of(toSequenceNr);
    CompletionStage<List<Long>> older =
        last < 2
            ? CompletableFuture.completedFuture(new ArrayList<>())
            : partitionsWithEvents(persistenceId, last - 2, new ArrayList<>());
    return older.thenCompose(
        found -> {
          List<Long> toDelete = new ArrayList<>(found);
          Collections.reverse(toDelete);
          if (last > 0) {
            toDelete.add(last - 1);
          }
          toDelete.add(last);
          return deleteInOrder(persistenceId, toDelete, 0, toSequenceNr);
        });
  }

  /** {@code found} plus the partitions from {@code partitionNr} down that still hold events. */
  private CompletionStage<List<Long>> partitionsWithEvents(
      String persistenceId, long partitionNr, List<Long> found) {
    return statements
        .hasEvents(persistenceId, partitionNr)
        .thenComposeAsync(
            has -> {
              if (!has) {
                return CompletableFuture.completedFuture(found);
              }
              found.add(partitionNr);
              return partitionNr == 0
                  ? CompletableFuture.completedFuture(found)
                  : partitionsWithEvents(persistenceId, partitionNr - 1, found);
            },
            executor);
  }

  private CompletionStage<Void> deleteInOrder(
      String persistenceId, List<Long> partitionNrs, int index, long toSequenceNr) {
    if (index == partitionNrs.size()) {
      return CompletableFuture.completedFuture(null);
    }
    return statements
        .deleteTo(persistenceId, partitionNrs.get(index), toSequenceNr)
        .thenComposeAsync(
            deleted -> deleteInOrder(persistenceId, partitionNrs, index + 1, toSequenceNr),
            executor);
  }

  private CompletionStage<Void> deleteAll(String persistenceId, long partitionNr) {
    return statements
        .readHead(persistenceId, partitionNr)
        .thenComposeAsync(
            head ->
                head.isEmpty()
                    ? CompletableFuture.<Void>completedFuture(null)
                    : statements
                        .deleteTo(persistenceId, partitionNr, Long.MAX_VALUE)
                        .thenCompose(deleted -> deleteAll(persistenceId, partitionNr + 1)),
            executor);
  }
}

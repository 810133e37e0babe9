package io.durableobjects.cassandra.internal.journal;

import io.durableobjects.core.spi.JournalReads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.apache.pekko.persistence.PersistentRepr;

/**
 * INTERNAL API: {@link JournalReads.ReadEvents} for {@link FencedCassandraJournal}: an object's
 * events read while it runs elsewhere (its change feed, its history), without the claim that a
 * recovery makes. The highest sequence number comes from the fences, read at QUORUM like the
 * events.
 */
final class UnclaimedReads {

  /** Replays events of one object: {@code FencedCassandraJournal}'s own replay. */
  interface Replayer {
    CompletionStage<Void> replay(
        String persistenceId, long from, long to, long max, Consumer<PersistentRepr> callback);
  }

  private final JournalStatements statements;
  private final EventPartitions partitions;
  private final Replayer replayer;
  private final Executor executor;

  UnclaimedReads(
      JournalStatements statements,
      EventPartitions partitions,
      Replayer replayer,
      Executor executor) {
    this.statements = statements;
    this.partitions = partitions;
    this.replayer = replayer;
    this.executor = executor;
  }

  CompletionStage<JournalReads.EventsRead> read(JournalReads.ReadEvents request) {
    if (request.fromSequenceNr() < 1 || request.max() < 1) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(
              "read events from sequence number 1 or later, at least one: " + request));
    }
    String persistenceId = request.persistenceId();
    return highest(persistenceId, 0, 0)
        .thenComposeAsync(
            highest -> {
              long to = Math.min(request.toSequenceNr(), highest);
              List<JournalReads.Event> events = new ArrayList<>();
              if (to < request.fromSequenceNr()) {
                return CompletableFuture.completedFuture(
                    new JournalReads.EventsRead(events, highest));
              }
              return replayer
                  .replay(
                      persistenceId,
                      request.fromSequenceNr(),
                      to,
                      request.max(),
                      repr ->
                          events.add(
                              new JournalReads.Event(
                                  repr.sequenceNr(), repr.timestamp(), repr.payload())))
                  .thenApply(done -> new JournalReads.EventsRead(events, highest));
            },
            executor);
  }

  /**
   * The highest sequence number written, following the fences from {@code partitionNr}: a full
   * partition's fence sends the search to the next one. Deletes never remove a fence.
   */
  private CompletionStage<Long> highest(String persistenceId, long partitionNr, long before) {
    return statements
        .readHead(persistenceId, partitionNr)
        .thenComposeAsync(
            head -> {
              if (head.isEmpty()) {
                return CompletableFuture.completedFuture(before);
              }
              long highest = head.get().highest();
              if (partitions.of(highest + 1) > partitionNr) {
                return highest(persistenceId, partitionNr + 1, highest);
              }
              return CompletableFuture.completedFuture(highest);
            },
            executor);
  }
}

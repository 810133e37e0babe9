package io.durableobjects.core.internal.history;

import io.durableobjects.core.internal.entity.TransactionCommitted;
import io.durableobjects.core.spi.JournalReads;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * INTERNAL API: removes the part of one object's history older than a cutoff, keeping every state
 * after it reachable: it finds the last transaction committed before the cutoff, writes the state
 * there as a snapshot (unless one exists), then deletes the snapshots before it and the events up
 * to it. The running object is not involved: a snapshot at a sequence number is the state its
 * journal replays to there, whoever computes it, and recovery starts from the latest snapshot.
 */
public final class HistoryPruning {
  private static final int PAGE = 500;

  private final JournalEvents journal;
  private final JournalHistory history;
  private final PastStates past;

  public HistoryPruning(JournalEvents journal, JournalHistory history) {
    this.journal = journal;
    this.history = history;
    this.past = new PastStates(journal);
  }

  /**
   * Prunes {@code persistenceId}'s transactions committed before {@code cutoffMillis}.
   *
   * @return the sequence number the history now starts after (0: nothing pruned)
   */
  public CompletionStage<Long> prune(String persistenceId, long cutoffMillis) {
    return lastBefore(persistenceId, 1, cutoffMillis, 0)
        .thenCompose(
            last -> {
              if (last == 0) {
                return CompletableFuture.completedFuture(0L);
              }
              return journal
                  .snapshot(persistenceId, last, Long.MAX_VALUE)
                  .thenCompose(
                      snapshot ->
                          snapshot.isPresent() && snapshot.get().metadata().sequenceNr() == last
                              ? CompletableFuture.<Void>completedFuture(null)
                              : past.at(persistenceId, new HistoryPoint(last, Long.MAX_VALUE))
                                  .thenCompose(
                                      state ->
                                          history.saveSnapshot(
                                              persistenceId,
                                              last,
                                              state.state().lastWriteMillis(),
                                              state.state())))
                  .thenCompose(saved -> history.deleteSnapshots(persistenceId, last - 1))
                  .thenCompose(deleted -> history.deleteEvents(persistenceId, last))
                  .thenApply(deleted -> last);
            });
  }

  /** The last sequence number from {@code from} on that committed before {@code cutoffMillis}. */
  private CompletionStage<Long> lastBefore(
      String persistenceId, long from, long cutoffMillis, long found) {
    return journal
        .read(persistenceId, from, Long.MAX_VALUE, PAGE)
        .thenCompose(
            read -> {
              long last = found;
              for (JournalReads.Event event : read.events()) {
                TransactionCommitted tx = (TransactionCommitted) event.payload();
                if (Changes.commitMillis(tx, event.timestampMillis()) >= cutoffMillis) {
                  return CompletableFuture.completedFuture(last);
                }
                last = event.sequenceNr();
              }
              if (read.events().size() < PAGE) {
                return CompletableFuture.completedFuture(last);
              }
              return lastBefore(persistenceId, last + 1, cutoffMillis, last);
            });
  }
}

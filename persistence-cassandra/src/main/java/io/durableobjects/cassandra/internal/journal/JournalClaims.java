package io.durableobjects.cassandra.internal.journal;

import io.durableobjects.cassandra.internal.journal.JournalStatements.Head;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * INTERNAL API: how {@link FencedCassandraJournal} claims an object's journal at recovery: it sets
 * the writer of the current partition's fence (the partition the next event goes to) to this
 * journal instance's claim token with a lightweight transaction, so that every other instance's
 * write is refused from then on, and answers the highest sequence number.
 */
final class JournalClaims {

  /** Attempts of one write or claim whose condition met a fence that it can make way for. */
  static final int MAX_ATTEMPTS = 8;

  private final JournalStatements statements;
  private final EventPartitions partitions;
  private final Executor executor;
  private final String claimToken = "claim:" + UUID.randomUUID();

  JournalClaims(JournalStatements statements, EventPartitions partitions, Executor executor) {
    this.statements = statements;
    this.partitions = partitions;
    this.executor = executor;
  }

  /** The token this instance's claims write into the fence; unique per node start. */
  String token() {
    return claimToken;
  }

  /**
   * Claims the journal of {@code persistenceId}, whose latest snapshot is at {@code
   * snapshotSequenceNr} (0 without one; with one, its partition has a fence); the highest sequence
   * number.
   */
  CompletionStage<Long> claim(String persistenceId, long snapshotSequenceNr) {
    long partitionNr = partitions.of(snapshotSequenceNr);
    return snapshotSequenceNr > 0
        ? claimAfterSnapshot(persistenceId, partitionNr, snapshotSequenceNr)
        : claim(persistenceId, partitionNr, snapshotSequenceNr, 1);
  }

  /**
   * The claim of an object that has a snapshot, so a fence in the snapshot's partition: one
   * lightweight transaction that takes the fence whatever it holds ({@code IF EXISTS}), then a
   * plain read of the highest sequence number, instead of a failed {@code IF NOT EXISTS} and a
   * conditional claim (two Paxos rounds). A write applied before the claim is in that read (Paxos
   * commits at QUORUM, and the read is at QUORUM); one after it, by any other instance, is refused.
   */
  private CompletionStage<Long> claimAfterSnapshot(
      String persistenceId, long partitionNr, long snapshotSequenceNr) {
    return statements
        .takeFence(persistenceId, partitionNr, claimToken)
        .thenComposeAsync(
            applied ->
                applied
                    ? statements.readHead(persistenceId, partitionNr)
                    : CompletableFuture.completedFuture(Optional.<Head>empty()),
            executor)
        .thenComposeAsync(
            head -> {
              if (head.isEmpty()) { // no fence where the snapshot was: the general path
                return claim(persistenceId, partitionNr, snapshotSequenceNr, 1);
              }
              long highest = head.get().highest();
              if (partitions.of(highest + 1) > partitionNr) {
                // Full: the next event goes to a later partition, which is the one to claim.
                return claim(persistenceId, partitionNr + 1, highest, 1);
              }
              return CompletableFuture.completedFuture(highest);
            },
            executor);
  }

  /** Claims the current partition at or after {@code partitionNr}; the highest sequence number. */
  private CompletionStage<Long> claim(
      String persistenceId, long partitionNr, long highestBefore, int attempt) {
    return statements
        .openPartition(persistenceId, partitionNr, claimToken, highestBefore)
        .thenComposeAsync(
            opened -> {
              if (opened.applied()) {
                return CompletableFuture.completedFuture(highestBefore);
              }
              return claimExisting(persistenceId, partitionNr, opened.current(), attempt);
            },
            executor);
  }

  private CompletionStage<Long> claimExisting(
      String persistenceId, long partitionNr, Optional<Head> current, int attempt) {
    if (current.isEmpty() || attempt > MAX_ATTEMPTS) {
      return CompletableFuture.failedFuture(
          new IllegalStateException(
              "could not claim the journal of "
                  + persistenceId
                  + " (partition "
                  + partitionNr
                  + ", fence "
                  + current
                  + ") after "
                  + attempt
                  + " attempts"));
    }
    Head head = current.get();
    if (partitions.of(head.highest() + 1) > partitionNr) {
      // This partition is full: the next event goes to a later one, which is the one to claim.
      return claim(persistenceId, partitionNr + 1, head.highest(), attempt);
    }
    return statements
        .claim(persistenceId, partitionNr, claimToken, head)
        .thenComposeAsync(
            claimed ->
                claimed.applied()
                    ? CompletableFuture.completedFuture(head.highest())
                    : claimExisting(persistenceId, partitionNr, claimed.current(), attempt + 1),
            executor);
  }
}

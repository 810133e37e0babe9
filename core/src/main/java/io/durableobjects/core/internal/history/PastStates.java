package io.durableobjects.core.internal.history;

import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.internal.entity.CommittedState;
import io.durableobjects.core.internal.entity.TransactionCommitted;
import io.durableobjects.core.spi.JournalReads;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * INTERNAL API: an object's state as it was at a point of its history, built from the nearest
 * snapshot before it and the events after that snapshot, read from the journal without touching the
 * running object.
 */
public final class PastStates {
  private static final int PAGE = 500;

  private final JournalEvents journal;

  public PastStates(JournalEvents journal) {
    this.journal = journal;
  }

  /**
   * The state after the last transaction at or before {@code point}.
   *
   * @param state the committed state then
   * @param sequenceNr the sequence number of its last transaction (0: before the first)
   * @param highestSequenceNr the object's highest sequence number now
   */
  public record PastState(CommittedState state, long sequenceNr, long highestSequenceNr) {}

  /**
   * The state of {@code persistenceId} at {@code point}. Fails with a {@link
   * DurableObjectException}: 410 {@code history_gone} if the journal no longer holds the events
   * that lead there, 404 {@code no_such_transaction} for a sequence number past the last.
   */
  public CompletionStage<PastState> at(String persistenceId, HistoryPoint point) {
    return journal
        .snapshot(persistenceId, point.sequenceNr(), point.timeMillis())
        .thenCompose(
            snapshot -> {
              CommittedState state =
                  snapshot.map(s -> (CommittedState) s.snapshot()).orElse(CommittedState.EMPTY);
              long from = snapshot.map(s -> s.metadata().sequenceNr()).orElse(0L);
              return replay(persistenceId, point, new PastState(state, from, 0));
            });
  }

  private CompletionStage<PastState> replay(
      String persistenceId, HistoryPoint point, PastState sofar) {
    long next = sofar.sequenceNr() + 1;
    return journal
        .read(persistenceId, next, point.sequenceNr(), PAGE)
        .thenCompose(
            read -> {
              long highest = read.highestSequenceNr();
              if (!point.isTime() && point.sequenceNr() > highest) {
                throw new DurableObjectException(
                    404,
                    "no_such_transaction",
                    "the object's last transaction is sequence number "
                        + highest
                        + "; asOf "
                        + point.sequenceNr()
                        + " is later");
              }
              boolean missing =
                  read.events().isEmpty()
                      ? next <= Math.min(highest, point.sequenceNr())
                      : read.events().get(0).sequenceNr() != next;
              if (missing) {
                throw gone(next, read);
              }
              CommittedState state = sofar.state();
              long at = sofar.sequenceNr();
              for (JournalReads.Event event : read.events()) {
                TransactionCommitted tx = (TransactionCommitted) event.payload();
                if (Changes.commitMillis(tx, event.timestampMillis()) > point.timeMillis()) {
                  return CompletableFuture.completedFuture(new PastState(state, at, highest));
                }
                state = state.apply(tx);
                at = event.sequenceNr();
              }
              PastState now = new PastState(state, at, highest);
              if (read.events().size() < PAGE || at >= Math.min(highest, point.sequenceNr())) {
                return CompletableFuture.completedFuture(now);
              }
              return replay(persistenceId, point, now);
            });
  }

  private static DurableObjectException gone(long wanted, JournalReads.EventsRead read) {
    String oldest =
        read.events().isEmpty() ? "" : "; the oldest kept is " + read.events().get(0).sequenceNr();
    return new DurableObjectException(
        410,
        "history_gone",
        "the journal no longer holds the object's transaction "
            + wanted
            + " (history.retention of the namespace, a snapshot's cleanup or an operator's delete)"
            + oldest);
  }
}

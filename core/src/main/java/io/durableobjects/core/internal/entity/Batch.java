package io.durableobjects.core.internal.entity;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * INTERNAL API: transactions that go to the journal in one atomic write (group commit), and the
 * replies and socket commands that wait for that write to be durable. Owned by the {@link
 * OutputGate}.
 */
final class Batch {
  final long id;
  final List<TransactionCommitted> events = new ArrayList<>();
  final List<PendingReply> waiters = new ArrayList<>();
  // Commands for sockets' connections (the output gate holds them like replies); dropped if the
  // batch fails, since the state that made them is not durable.
  final List<Runnable> effects = new ArrayList<>();
  // The events' journal bytes as the output gate counts them against its cap.
  long bytes;
  // The earliest due time of the alarms its events set (Long.MAX_VALUE: none). A batch closed at
  // the cap is written while later transactions are in the working state already: the alarm index
  // must cover its own alarms too, which those may have deleted.
  long earliestAlarmSet = Long.MAX_VALUE;
  // While in flight: when its write started, whether the journal confirmed it (and at which
  // sequence number), and whether an alarm index row it needs is still being written. It is
  // durable when both are done.
  long writeStartNanos;
  boolean journalDone;
  long lastSequenceNr;
  boolean indexPending;

  Batch(long id) {
    this.id = id;
  }

  boolean hasEvents() {
    return !events.isEmpty();
  }

  boolean isEmpty() {
    return events.isEmpty() && waiters.isEmpty() && effects.isEmpty();
  }

  boolean isDurable() {
    return journalDone && !indexPending;
  }

  /** Sends what waited for this batch: socket commands first, then replies. */
  void release() {
    effects.forEach(Runnable::run);
    waiters.forEach(PendingReply::send);
  }

  /** Fails every reply that waited for this batch; its socket commands are never sent. */
  void fail(FetchReply reply) {
    waiters.forEach(w -> w.replyTo().tell(reply));
  }

  /**
   * A reply that waits for its batch.
   *
   * @param deferred null, or the answer to send instead of {@code reply}, once what must happen
   *     after the batch is durable has happened (it never fails: a failure is a {@link
   *     FetchReply.Failed}); an operator's delete erases the object's history first
   */
  record PendingReply(
      ActorRef<FetchReply> replyTo,
      FetchReply reply,
      java.util.function.Supplier<java.util.concurrent.CompletionStage<FetchReply>> deferred) {

    PendingReply(ActorRef<FetchReply> replyTo, FetchReply reply) {
      this(replyTo, reply, null);
    }

    void send() {
      if (deferred == null) {
        replyTo.tell(reply);
        return;
      }
      deferred.get().thenAccept(replyTo::tell);
    }
  }
}

package io.durableobjects.core.internal.entity;

import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * INTERNAL API: the messages the object actor sends itself or gets from its own children, timers
 * and futures. None of them leaves the node, none is ever serialized (they are marked so that
 * {@code serialize-messages} checks skip them), and none is visible outside this package.
 */
interface InternalCommand extends ObjectCommand, NoSerializationVerificationNeeded {

  /**
   * The runtime's own call that delivers the object's next due alarm: it takes its turn with
   * requests (input gate); the alarm is chosen when it runs. Nobody waits for its reply.
   */
  record DeliverAlarm(ActorRef<FetchReply> replyTo) implements InternalCommand, ObjectCommand.Call {
    @Override
    public String objectName() {
      return null;
    }

    @Override
    public String toString() {
      return "DeliverAlarm";
    }
  }

  /** A socket's connection actor stopped (its gateway node may be gone): from a death watch. */
  record SocketGone(String socketId) implements InternalCommand {}

  /** The object's alarm timer fired: its next alarm may be due. */
  enum AlarmTimer implements InternalCommand {
    INSTANCE
  }

  /**
   * The alarm index row that batch {@code batchId} needed is written ({@code failure} null), or
   * could not be.
   */
  record AlarmIndexCovered(long batchId, Throwable failure) implements InternalCommand {}

  /**
   * One of the alarm index operations the object started has finished.
   *
   * @param row the due time of the row it wrote, or null (removals)
   * @param written whether that row is written (false: the write gave up)
   */
  record AlarmIndexSettled(Long row, boolean written) implements InternalCommand {
    static final AlarmIndexSettled REMOVED = new AlarmIndexSettled(null, false);
  }

  /** From the journal child: recovery finished with this state. */
  record JournalRecovered(CommittedState state, long lastSequenceNr) implements InternalCommand {}

  /** From the journal child: the batch is durable. */
  record BatchPersisted(long batchId, long lastSequenceNr) implements InternalCommand {}

  /** A change feed subscribed to the object stopped (its client left, or its node is gone). */
  record SubscriberGone(ActorRef<io.durableobjects.core.internal.feed.FeedMessage> subscriber)
      implements InternalCommand {}

  /**
   * From the journal child, just before it stops: its write was refused because another instance of
   * the object holds the journal now ({@link io.durableobjects.core.spi.JournalFencedException}).
   */
  record JournalFenced(String reason) implements InternalCommand {}

  /** The journal child of this incarnation stopped: recovery or a write failed (death watch). */
  record JournalStopped(int incarnation) implements InternalCommand {}

  /** The asynchronous call (or activation) {@code token} completed. */
  record AsyncCompleted(long token, FetchReply reply, Throwable failure)
      implements InternalCommand {}

  /** The asynchronous call (or activation) {@code token} ran out of time. */
  record RequestTimedOut(long token) implements InternalCommand {}
}

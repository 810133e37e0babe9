package io.durableobjects.core.internal.entity;

import io.durableobjects.core.internal.storage.AlarmSchedule;
import io.durableobjects.core.internal.storage.KeyValueState;
import io.durableobjects.core.internal.storage.ObjectSize;
import io.durableobjects.core.internal.storage.ScheduledAlarm;
import io.durableobjects.core.internal.storage.SocketRegistry;
import io.durableobjects.core.internal.storage.TransactionalStorage;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * INTERNAL API: the object's working state for one journal incarnation: the committed state it
 * recovered plus every transaction committed since, durable or not (each call reads it and starts
 * its transaction over it), and how it becomes durable: a committed transaction joins the {@link
 * OutputGate}'s open batch; a batch to write goes to the journal child, with the alarm index row it
 * needs; each confirmation may release a batch.
 *
 * <p>A journal failure throws it away: the next incarnation recovers a new one from what is
 * durable.
 */
final class WorkingState {
  private final EntityContext ctx;
  // For the runtime's own transactions (a failed alarm's retry, a failed close's cleanup).
  private final ObjectStorage runtimeStorage;

  private KeyValueState data;
  private AlarmSchedule alarms;
  private SocketRegistry sockets;
  private IdempotencyRecords remembered;
  // Journal position and time of the last durable transaction, for the admin view.
  private long lastSequenceNr;
  private long lastWriteMillis;

  WorkingState(EntityContext ctx, InternalCommand.JournalRecovered recovered) {
    this.ctx = ctx;
    this.runtimeStorage = new ObjectStorage(ctx.config.codec(), ctx.config.alarmRules());
    this.data = recovered.state().data();
    this.alarms = recovered.state().alarms();
    this.sockets = recovered.state().sockets();
    this.remembered = recovered.state().idempotency();
    this.lastSequenceNr = recovered.lastSequenceNr();
    this.lastWriteMillis = recovered.state().lastWriteMillis();
  }

  KeyValueState data() {
    return data;
  }

  AlarmSchedule alarms() {
    return alarms;
  }

  SocketRegistry sockets() {
    return sockets;
  }

  IdempotencyRecords remembered() {
    return remembered;
  }

  /** What the working state takes in a snapshot, by part (the admin view's bytes). */
  ObjectSize size() {
    return ObjectSize.of(data, remembered.snapshotBytes(), sockets, alarms);
  }

  long lastSequenceNr() {
    return lastSequenceNr;
  }

  long lastWriteMillis() {
    return lastWriteMillis;
  }

  /** Starts the transaction of a call (or of the constructor) on the object's storage handle. */
  TransactionalStorage begin(ObjectStorage storage) {
    return storage.begin(data, alarms, sockets, remembered.snapshotBytes());
  }

  /** A transaction of the runtime's own: the object's storage handle stays closed. */
  TransactionalStorage detached() {
    return runtimeStorage.detached(data, alarms, sockets, remembered.snapshotBytes());
  }

  /** Forgets every remembered idempotency key (its event says so too). */
  void forgetRemembered() {
    remembered = IdempotencyRecords.EMPTY;
  }

  /** Remembers a response under its idempotency key (its event carries it too). */
  void remember(IdempotencyRecords.Remembered record) {
    remembered = remembered.remember(record);
  }

  /**
   * Adds a transaction to the working state: the next call sees it at once, and the output gate
   * holds {@code effects} and {@code reply} (null: none) until its batch is durable.
   */
  void commit(
      TransactionalStorage tx,
      TransactionCommitted event,
      List<Runnable> effects,
      Batch.PendingReply reply) {
    data = tx.result();
    alarms = tx.resultAlarms();
    sockets = tx.resultSockets();
    if (!event.socketChanges().isEmpty()) {
      ctx.sockets.watch(sockets);
    }
    lastWriteMillis = ctx.clock.millis();
    Batch toWrite = ctx.output.commit(event.withCommittedAt(lastWriteMillis), effects, reply);
    if (toWrite != null) {
      write(toWrite);
    }
  }

  /**
   * Hands a batch to the journal. If it brings the earliest alarm forward, the alarm index must
   * have its row before it is acknowledged.
   */
  private void write(Batch batch) {
    batch.writeStartNanos = System.nanoTime();
    // Also the batch's own alarms: later transactions (in the working state) may have deleted them.
    long due =
        Math.min(
            alarms.next().map(ScheduledAlarm::dueMillis).orElse(Long.MAX_VALUE),
            batch.earliestAlarmSet);
    if (due != Long.MAX_VALUE) {
      CompletionStage<Done> covered = ctx.alarmIndex.cover(due, ctx.identity.name());
      if (covered != null) {
        batch.indexPending = true;
        long batchId = batch.id;
        ActorRef<ObjectCommand> self = ctx.actor.getSelf();
        covered.whenComplete(
            (done, failure) -> self.tell(new InternalCommand.AlarmIndexCovered(batchId, failure)));
      }
    }
    ctx.journal.persist(batch);
  }

  /**
   * The journal wrote a batch.
   *
   * @return whether a batch became durable (its replies are released)
   */
  boolean journalConfirmed(InternalCommand.BatchPersisted persisted) {
    Batch batch = ctx.output.inFlight(persisted.batchId());
    if (batch == null) {
      return false; // from a journal incarnation that has been replaced
    }
    ctx.metrics.journalWritten(batch.writeStartNanos, batch.events.size());
    batch.journalDone = true;
    batch.lastSequenceNr = persisted.lastSequenceNr();
    return releaseIfDurable();
  }

  /**
   * The alarm index row a batch needed is written, or could not be: then the batch fails like a
   * journal failure, and the next incarnation writes the row again.
   *
   * @return whether a batch became durable (its replies are released)
   */
  boolean indexCovered(InternalCommand.AlarmIndexCovered covered) {
    Batch batch = ctx.output.inFlight(covered.batchId());
    if (batch == null) {
      return false;
    }
    if (covered.failure() != null) {
      ctx.log.error(
          "Object {}: the alarm index did not take the row of its next alarm; failing the batch",
          ctx.hex());
      ctx.alarmIndex.forget();
      ctx.journal.stop();
      return false;
    }
    batch.indexPending = false;
    return releaseIfDurable();
  }

  private boolean releaseIfDurable() {
    Batch done = ctx.output.releaseIfDurable();
    if (done == null) {
      return false;
    }
    lastSequenceNr = done.lastSequenceNr;
    ctx.feed.publish(done.lastSequenceNr - done.events.size() + 1, done.events);
    if (ctx.output.allDurable()) {
      ctx.catalog.record(!data.isEmpty(), ctx.identity.name()); // data is exactly the durable state
      tidyAlarmIndex();
    }
    Batch next = ctx.output.nextToWrite();
    if (next != null) {
      write(next);
    }
    return true;
  }

  /** Leaves the index with the row of the earliest alarm, when the working state is durable. */
  void tidyAlarmIndex() {
    if (!ctx.output.allDurable()) {
      return;
    }
    ctx.alarmIndex.tidy(alarms.next().map(ScheduledAlarm::dueMillis), ctx.identity.name());
  }
}

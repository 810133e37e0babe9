package io.durableobjects.core.internal.entity;

import io.durableobjects.core.internal.SnapshotPolicy;
import io.durableobjects.core.spi.JournalFencedException;
import java.util.List;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.JournalPersistFailed;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotCompleted;
import org.apache.pekko.persistence.typed.SnapshotFailed;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.apache.pekko.persistence.typed.javadsl.SnapshotCountRetentionCriteria;

/**
 * INTERNAL API: the journal actor, child of the object actor.
 *
 * <p>It recovers the committed state (snapshot + events) and hands it to its parent, then persists
 * each batch of transactions as one atomic journal write and confirms it. It never sees a request:
 * the parent runs the object and keeps the working state, so the next requests run while a write is
 * in flight (which an {@link EventSourcedBehavior} alone cannot do, as it stashes commands during a
 * persist). On a journal failure it stops; the parent notices and recovers again, unless the write
 * was refused because another instance holds the journal now (it says so first).
 */
final class ObjectJournal
    extends EventSourcedBehavior<ObjectJournal.Command, TransactionCommitted, CommittedState> {

  interface Command {}

  /**
   * Persist these transactions in one atomic write, then confirm {@code batchId}; {@code bytes} is
   * what the output gate counted for them (their journal bytes), for the snapshot policy.
   */
  record PersistBatch(long batchId, List<TransactionCommitted> events, long bytes)
      implements Command, NoSerializationVerificationNeeded {}

  /**
   * The object is going idle (passivation; nothing in flight): write a snapshot first if the next
   * activation would replay at least {@code snapshot-before-stop-after} events, then stop.
   */
  record CheckpointAndStop() implements Command, NoSerializationVerificationNeeded {}

  /** The checkpoint's snapshot was written or failed: stop now. */
  private record StopNow() implements Command, NoSerializationVerificationNeeded {}

  /**
   * A transaction without changes: a checkpoint persists one so that its snapshot (the state as it
   * is) follows through Pekko's own snapshot path. Replaying it changes nothing.
   */
  static final TransactionCommitted CHECKPOINT = new TransactionCommitted(List.of());

  private final ActorContext<Command> context;
  private final ActorRef<ObjectCommand> parent;
  private final ObjectEntity.Config config;

  /** Journal bytes written since the last snapshot (or since recovery: a lower bound). */
  private long bytesSinceSnapshot;

  /** Events applied so far; those applied during recovery tell where the snapshot was. */
  private long eventsApplied;

  /** The sequence number of the latest snapshot known (recovered or written), 0 for none. */
  private long snapshotSequenceNr;

  /** The sequence number of the checkpoint event being written, 0 for none. */
  private long checkpointSequenceNr;

  static Behavior<Command> create(
      PersistenceId persistenceId, ActorRef<ObjectCommand> parent, ObjectEntity.Config config) {
    return Behaviors.setup(ctx -> new ObjectJournal(ctx, persistenceId, parent, config));
  }

  private ObjectJournal(
      ActorContext<Command> context,
      PersistenceId persistenceId,
      ActorRef<ObjectCommand> parent,
      ObjectEntity.Config config) {
    super(persistenceId);
    this.context = context;
    this.parent = parent;
    this.config = config;
  }

  @Override
  public String journalPluginId() {
    return config.journalPluginId();
  }

  @Override
  public String snapshotPluginId() {
    return config.snapshotPluginId();
  }

  @Override
  public CommittedState emptyState() {
    return CommittedState.EMPTY;
  }

  @Override
  public CommandHandler<Command, TransactionCommitted, CommittedState> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(
            PersistBatch.class,
            batch -> {
              long before = lastSequenceNumber(context);
              long every = config.snapshots().every();
              if ((before + batch.events().size()) / every > before / every) {
                bytesSinceSnapshot = 0; // a counted snapshot follows this write
              }
              bytesSinceSnapshot += batch.bytes();
              return Effect()
                  .persist(batch.events())
                  .thenRun(
                      state ->
                          parent.tell(
                              new InternalCommand.BatchPersisted(
                                  batch.batchId(), lastSequenceNumber(context))));
            })
        .onCommand(CheckpointAndStop.class, this::checkpointAndStop)
        .onCommand(StopNow.class, stop -> Effect().stop())
        .build();
  }

  private Effect<TransactionCommitted, CommittedState> checkpointAndStop(
      CheckpointAndStop command) {
    long last = lastSequenceNumber(context);
    if (last - snapshotSequenceNr < config.snapshots().beforeStopAfter()) {
      return Effect().stop();
    }
    checkpointSequenceNr = last + 1; // shouldSnapshot takes it; the snapshot's signal stops us
    return Effect().persist(CHECKPOINT);
  }

  @Override
  public EventHandler<CommittedState, TransactionCommitted> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            TransactionCommitted.class,
            (state, event) -> {
              eventsApplied++;
              return state.apply(event);
            })
        .build();
  }

  @Override
  public SignalHandler<CommittedState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              snapshotSequenceNr = lastSequenceNumber(context) - eventsApplied;
              parent.tell(new InternalCommand.JournalRecovered(state, lastSequenceNumber(context)));
            })
        .onSignal(
            SnapshotCompleted.class,
            (state, completed) -> {
              long written = completed.metadata().sequenceNr();
              snapshotSequenceNr = Math.max(snapshotSequenceNr, written);
              stopAfterCheckpoint(written);
            })
        .onSignal(
            SnapshotFailed.class,
            (state, failed) -> stopAfterCheckpoint(failed.metadata().sequenceNr()))
        .onSignal(
            JournalPersistFailed.class,
            (state, failed) -> {
              // Refused, not failed: another instance took over; this one must not recover again.
              if (failed.failure() instanceof JournalFencedException fenced) {
                parent.tell(new InternalCommand.JournalFenced(fenced.getMessage()));
              }
            })
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    SnapshotPolicy policy = config.snapshots();
    SnapshotCountRetentionCriteria snapshots =
        RetentionCriteria.snapshotEvery(policy.every(), policy.keep());
    return policy.deleteEvents() ? snapshots.withDeleteEventsOnSnapshot() : snapshots;
  }

  /**
   * The snapshots due by size ({@link SnapshotPolicy#dueBySize}). Pekko asks only for events the
   * retention criteria's count does not already snapshot, and writes these without deleting events.
   */
  @Override
  public boolean shouldSnapshot(CommittedState state, TransactionCommitted event, long sequenceNr) {
    if (sequenceNr == checkpointSequenceNr
        || config.snapshots().dueBySize(bytesSinceSnapshot, state.data().bytes())) {
      bytesSinceSnapshot = 0;
      return true;
    }
    return false;
  }

  /** Once the checkpoint's snapshot is settled (written or not), the journal stops. */
  private void stopAfterCheckpoint(long settledSequenceNr) {
    if (checkpointSequenceNr > 0 && settledSequenceNr >= checkpointSequenceNr) {
      context.getSelf().tell(new StopNow());
    }
  }
}

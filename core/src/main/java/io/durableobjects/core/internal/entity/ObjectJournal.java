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
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
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

  private final ActorContext<Command> context;
  private final ActorRef<ObjectCommand> parent;
  private final ObjectEntity.Config config;

  /** Journal bytes written since the last snapshot (or since recovery: a lower bound). */
  private long bytesSinceSnapshot;

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
        .build();
  }

  @Override
  public EventHandler<CommittedState, TransactionCommitted> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(TransactionCommitted.class, CommittedState::apply)
        .build();
  }

  @Override
  public SignalHandler<CommittedState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state ->
                parent.tell(
                    new InternalCommand.JournalRecovered(state, lastSequenceNumber(context))))
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
    if (config.snapshots().dueBySize(bytesSinceSnapshot, state.data().bytes())) {
      bytesSinceSnapshot = 0;
      return true;
    }
    return false;
  }
}

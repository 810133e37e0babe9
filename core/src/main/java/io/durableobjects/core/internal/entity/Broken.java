package io.durableobjects.core.internal.entity;

import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.ObjectUnavailableException;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * INTERNAL API: the object cannot start (its recovery, its constructor or its {@code
 * blockConcurrencyWhile} failed, or another instance took its journal over): every call gets that
 * error until sharding, asked to passivate the entity, stops it. Stopping on its own instead would
 * lose the calls sharding delivers before it notices. Writes of earlier calls still in flight are
 * still confirmed (or failed), so that their callers get their answers.
 */
final class Broken extends AbstractBehavior<ObjectCommand> {
  private final EntityContext ctx;
  private final WorkingState working; // null if there is none (recovery failed)
  private final FetchReply error;

  private Broken(EntityContext ctx, WorkingState working, DurableObjectException error) {
    super(ctx.actor);
    this.ctx = ctx;
    this.working = working;
    this.error = FetchReply.Failed.of(error);
  }

  /**
   * The object cannot start: fails what waits, asks sharding to passivate it (or stops, if sharding
   * asked already: it would not ask again).
   */
  static Behavior<ObjectCommand> enter(
      EntityContext ctx,
      WorkingState working,
      DurableObjectException error,
      boolean stopRequested) {
    ctx.input.refuseWaiting(error);
    ctx.output.retire(error); // calls its blockConcurrencyWhile made do not leave either
    ctx.alarms.reset();
    if (stopRequested) {
      return Behaviors.stopped();
    }
    ctx.shard.tell(new ClusterSharding.Passivate<>(ctx.actor.getSelf()));
    return new Broken(ctx, working, error);
  }

  @Override
  public Receive<ObjectCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(ObjectCommand.Call.class, this::onCall)
        .onMessage(
            ObjectCommand.SubscribeChanges.class,
            subscribe -> {
              ChangeSubscribers.refuse(subscribe);
              return this;
            })
        .onMessage(InternalCommand.BatchPersisted.class, this::onBatchPersisted)
        .onMessage(InternalCommand.AlarmIndexCovered.class, this::onAlarmIndexCovered)
        .onMessage(InternalCommand.AlarmIndexSettled.class, this::onAlarmIndexSettled)
        .onMessage(
            InternalCommand.JournalFenced.class,
            fenced -> LivePhase.onJournalFenced(ctx, fenced, this))
        .onMessage(InternalCommand.JournalStopped.class, this::onJournalStopped)
        .onMessage(ObjectCommand.WakeForAlarms.class, this::onWakeForAlarms)
        .onMessage(InternalCommand.SocketGone.class, this::onSocketGone)
        .onMessageEquals(ObjectCommand.Stop.INSTANCE, this::onStop)
        .onSignal(PostStop.class, signal -> LivePhase.onPostStop(ctx, this))
        .build(); // timers and late stages: ignored
  }

  private Behavior<ObjectCommand> onCall(ObjectCommand.Call call) {
    call.replyTo().tell(error);
    return this;
  }

  private Behavior<ObjectCommand> onBatchPersisted(InternalCommand.BatchPersisted persisted) {
    if (working != null) {
      working.journalConfirmed(persisted);
    }
    return this;
  }

  private Behavior<ObjectCommand> onAlarmIndexCovered(InternalCommand.AlarmIndexCovered covered) {
    if (working != null) {
      working.indexCovered(covered);
    }
    return this;
  }

  private Behavior<ObjectCommand> onAlarmIndexSettled(InternalCommand.AlarmIndexSettled settled) {
    ctx.alarmIndex.settled(settled);
    return this;
  }

  /** A write of an earlier call failed: its callers learn it. */
  private Behavior<ObjectCommand> onJournalStopped(InternalCommand.JournalStopped stopped) {
    if (ctx.journal.isCurrent(stopped)) {
      ctx.output.writeFailed(
          new ObjectUnavailableException(
              ctx.journal.fencedOff() ? LivePhase.FENCED : LivePhase.NOT_CONFIRMED));
    }
    return this;
  }

  private Behavior<ObjectCommand> onWakeForAlarms(ObjectCommand.WakeForAlarms wake) {
    ctx.identity.learn(wake.objectName());
    ctx.alarmIndex.known(wake.dueMillis());
    return this;
  }

  private Behavior<ObjectCommand> onSocketGone(InternalCommand.SocketGone gone) {
    ctx.sockets.forget(gone.socketId());
    return this;
  }

  private Behavior<ObjectCommand> onStop() {
    ctx.metrics.evicted();
    return Behaviors.stopped();
  }
}

package io.durableobjects.core.internal.entity;

import io.durableobjects.core.ObjectUnavailableException;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * INTERNAL API: first (of three) phase of the object actor, at its start and again after a journal
 * failure: a new incarnation of the journal child ({@link ObjectJournal}) replays the committed
 * state (snapshot + events); calls wait. Then the working state is set up, the alarm index put in
 * order and the alarm timer set. See next phase {@link Activating} if calls wait, else {@link
 * Running} (the first call creates the instance). If recovery fails: {@link Broken}.
 */
final class Recovering extends AbstractBehavior<ObjectCommand> {
  private final EntityContext ctx;
  private boolean stopRequested;

  private Recovering(EntityContext ctx, boolean stopRequested) {
    super(ctx.actor);
    this.ctx = ctx;
    this.stopRequested = stopRequested;
  }

  /** Starts a new incarnation of the journal child and waits for its state. */
  static Behavior<ObjectCommand> start(EntityContext ctx, boolean stopRequested) {
    ctx.journal.start();
    return new Recovering(ctx, stopRequested);
  }

  @Override
  public Receive<ObjectCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(ObjectCommand.Call.class, this::onCall)
        .onMessage(InternalCommand.JournalRecovered.class, this::onRecovered)
        .onMessage(InternalCommand.JournalStopped.class, this::onJournalStopped)
        .onMessage(
            InternalCommand.JournalFenced.class,
            fenced -> LivePhase.onJournalFenced(ctx, fenced, this))
        .onMessage(ObjectCommand.WakeForAlarms.class, this::onWakeForAlarms)
        .onMessage(InternalCommand.AlarmIndexSettled.class, this::onAlarmIndexSettled)
        .onMessage(InternalCommand.SocketGone.class, this::onSocketGone)
        .onMessageEquals(ObjectCommand.Stop.INSTANCE, this::onStop)
        .onMessage(
            ObjectCommand.SubscribeChanges.class,
            subscribe -> {
              ctx.feed.subscribe(subscribe, ChangeSubscribers.RECOVERING);
              return this;
            })
        .onMessage(InternalCommand.SubscriberGone.class, gone -> ctx.feed.removed(gone, this))
        .onSignal(PostStop.class, signal -> LivePhase.onPostStop(ctx, this))
        .build(); // timers, late stages and confirmations of an older incarnation: ignored
  }

  private Behavior<ObjectCommand> onCall(ObjectCommand.Call call) {
    ctx.identity.learn(call.objectName());
    ctx.input.hold(call);
    return this;
  }

  private Behavior<ObjectCommand> onRecovered(InternalCommand.JournalRecovered recovered) {
    WorkingState working = new WorkingState(ctx, recovered);
    ctx.feed.recovered(recovered.lastSequenceNr());
    ctx.sockets.watch(working.sockets());
    if (!working.data().isEmpty()) {
      // Also repairs an entry lost to a crash between a journal write and its catalog record.
      ctx.catalog.record(true, ctx.identity.name());
    }
    ctx.log.debug(
        "Object {} recovered at sequence number {}", ctx.hex(), recovered.lastSequenceNr());
    // Also repairs an index row lost to a crash, and removes the row the poller woke it for if
    // the alarm is gone.
    working.tidyAlarmIndex();
    ctx.alarms.schedule(working.alarms());
    if (ctx.input.hasWaiting()) {
      return Activating.start(ctx, working, stopRequested);
    }
    if (stopRequested) {
      return Behaviors.stopped(); // stopped while recovering, and no call waits
    }
    return new Running(ctx, working, null);
  }

  private Behavior<ObjectCommand> onJournalStopped(InternalCommand.JournalStopped stopped) {
    if (!ctx.journal.isCurrent(stopped)) {
      return this;
    }
    ctx.log.error("Recovery of object {} failed; it answers 503 until it is stopped", ctx.hex());
    return Broken.enter(
        ctx,
        null,
        new ObjectUnavailableException(
            "the object's state could not be recovered from the journal; retry later"),
        stopRequested);
  }

  private Behavior<ObjectCommand> onWakeForAlarms(ObjectCommand.WakeForAlarms wake) {
    ctx.identity.learn(wake.objectName());
    ctx.alarmIndex.known(wake.dueMillis()); // recovery tidies the index and sets the timer
    return this;
  }

  private Behavior<ObjectCommand> onAlarmIndexSettled(InternalCommand.AlarmIndexSettled settled) {
    ctx.alarmIndex.settled(settled);
    return this;
  }

  private Behavior<ObjectCommand> onSocketGone(InternalCommand.SocketGone gone) {
    ctx.sockets.forget(gone.socketId());
    return this;
  }

  private Behavior<ObjectCommand> onStop() {
    ctx.metrics.evicted();
    stopRequested = true; // once recovered, and after the calls that wait
    return this;
  }
}

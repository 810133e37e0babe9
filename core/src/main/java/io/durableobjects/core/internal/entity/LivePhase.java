package io.durableobjects.core.internal.entity;

import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.ObjectUnavailableException;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * INTERNAL API: what the phases that hold a working state ({@link Activating}, {@link Running},
 * {@link Stopping}) do alike: confirmations of the journal and the alarm index release the output
 * gate; a journal failure fails what waits and recovers again; the alarm timer, a lost socket and
 * the alarm poller's wake-up turn into calls or alarm index upkeep. Each phase says how it takes a
 * call, a completed or late stage, and sharding's request to stop.
 */
abstract class LivePhase extends AbstractBehavior<ObjectCommand> {
  static final String FENCED =
      "the object moved to another node while this one was presumed failed; its write was not"
          + " applied, retry";
  static final String NOT_CONFIRMED =
      "the object's journal did not confirm the write; it was not acknowledged, retry later";

  final EntityContext ctx;
  final WorkingState working;

  LivePhase(EntityContext ctx, WorkingState working) {
    super(ctx.actor);
    this.ctx = ctx;
    this.working = working;
  }

  /** A call arrives, or the runtime makes one (an alarm delivery, a lost socket's close). */
  abstract Behavior<ObjectCommand> onCall(ObjectCommand.Call call);

  /** Sharding asks the object to stop (passivation). */
  abstract Behavior<ObjectCommand> onStop();

  /** The object instance, or null if there is none. */
  abstract ObjectInstance instance();

  /** The running call's (or the activation's) stage completed; news of an older one is ignored. */
  Behavior<ObjectCommand> onAsyncCompleted(InternalCommand.AsyncCompleted completed) {
    return this;
  }

  /** The running call's (or the activation's) stage ran out of time. */
  Behavior<ObjectCommand> onRequestTimedOut(InternalCommand.RequestTimedOut timedOut) {
    return this;
  }

  /** Whether sharding asked the object to stop: it finishes its work, then stops. */
  boolean draining() {
    return false;
  }

  /** After a batch became durable or an alarm index operation ended: a draining phase may stop. */
  Behavior<ObjectCommand> maybeStop() {
    return this;
  }

  @Override
  public Receive<ObjectCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(ObjectCommand.Call.class, this::onCall)
        .onMessage(InternalCommand.AsyncCompleted.class, this::onAsyncCompleted)
        .onMessage(InternalCommand.RequestTimedOut.class, this::onRequestTimedOut)
        .onMessage(
            InternalCommand.BatchPersisted.class,
            persisted -> working.journalConfirmed(persisted) ? maybeStop() : this)
        .onMessage(
            InternalCommand.AlarmIndexCovered.class,
            covered -> working.indexCovered(covered) ? maybeStop() : this)
        .onMessage(InternalCommand.AlarmIndexSettled.class, this::onAlarmIndexSettled)
        .onMessage(InternalCommand.JournalFenced.class, this::onJournalFenced)
        .onMessage(InternalCommand.JournalStopped.class, this::onJournalStopped)
        .onMessage(ObjectCommand.WakeForAlarms.class, this::onWakeForAlarms)
        .onMessageEquals(InternalCommand.AlarmTimer.INSTANCE, this::onAlarmTimer)
        .onMessage(InternalCommand.SocketGone.class, this::onSocketGone)
        .onMessageEquals(ObjectCommand.Stop.INSTANCE, this::onStop)
        .onMessage(
            ObjectCommand.SubscribeChanges.class,
            subscribe -> {
              ctx.feed.subscribe(subscribe, working.lastSequenceNr());
              return this;
            })
        .onMessage(InternalCommand.SubscriberGone.class, gone -> ctx.feed.removed(gone, this))
        .onSignal(PostStop.class, signal -> onPostStop(ctx, this))
        .build();
  }

  private Behavior<ObjectCommand> onAlarmIndexSettled(InternalCommand.AlarmIndexSettled settled) {
    if (ctx.alarmIndex.settled(settled)) {
      working.tidyAlarmIndex(); // the rows that the written one replaces can go now
    }
    return maybeStop();
  }

  private Behavior<ObjectCommand> onJournalFenced(InternalCommand.JournalFenced fenced) {
    return onJournalFenced(ctx, fenced, this);
  }

  /**
   * The journal child stopped: a write failed (or was refused). Every reply waiting on a write that
   * is not durable fails with a retryable error, and so does the running call; the object recovers
   * again from what is durable, unless another instance holds its journal now.
   */
  private Behavior<ObjectCommand> onJournalStopped(InternalCommand.JournalStopped stopped) {
    if (!ctx.journal.isCurrent(stopped)) {
      return this;
    }
    DurableObjectException error =
        new ObjectUnavailableException(ctx.journal.fencedOff() ? FENCED : NOT_CONFIRMED);
    ctx.log.error(
        "Journal of object {} failed; failing waiting requests and recovering again", ctx.hex());
    ctx.output.writeFailed(error);
    InputGate.Running running = ctx.input.abandon();
    if (running != null) {
      ObjectInstance instance = instance();
      if (instance != null) {
        instance.storage().end();
      }
      if (running.call() != null) {
        running.call().replyTo().tell(FetchReply.Failed.of(error));
      }
    }
    ctx.alarms.reset();
    if (draining()) {
      ctx.input.refuseWaiting(error);
      return Behaviors.stopped();
    }
    if (ctx.journal.fencedOff()) {
      // Recovering here would take the journal back from the instance that replaced this one;
      // this one stops instead, and a later call starts a fresh one wherever sharding says.
      return Broken.enter(ctx, null, error, false);
    }
    return Recovering.start(ctx, false);
  }

  private Behavior<ObjectCommand> onWakeForAlarms(ObjectCommand.WakeForAlarms wake) {
    ctx.identity.learn(wake.objectName());
    ctx.alarmIndex.known(wake.dueMillis());
    working.tidyAlarmIndex();
    ctx.alarms.schedule(working.alarms());
    return this;
  }

  /** Queues the delivery of the next alarm through the input gate, if one is due. */
  private Behavior<ObjectCommand> onAlarmTimer() {
    if (draining()) {
      return this;
    }
    InternalCommand.DeliverAlarm delivery = ctx.alarms.due(working.alarms(), ctx.input.isFull());
    // Takes its turn through the input gate like a request (and activates the object if needed).
    return delivery == null ? this : onCall(delivery);
  }

  /** The connection of a socket is gone without a close from the client: tell the object. */
  private Behavior<ObjectCommand> onSocketGone(InternalCommand.SocketGone gone) {
    ctx.sockets.forget(gone.socketId());
    if (draining() || working.sockets().get(gone.socketId()).isEmpty()) {
      return this;
    }
    return onCall(SocketEventHandler.lost(gone.socketId(), ctx.actor.getSystem().ignoreRef()));
  }

  // ---- shared with the phases without a working state ------------------------------------------

  static Behavior<ObjectCommand> onJournalFenced(
      EntityContext ctx, InternalCommand.JournalFenced fenced, Behavior<ObjectCommand> phase) {
    ctx.log.warn(
        "Object {} was taken over by another instance (this node was presumed failed); this"
            + " instance stops: {}",
        ctx.hex(),
        fenced.reason());
    ctx.journal.fenced();
    return phase;
  }

  static Behavior<ObjectCommand> onPostStop(EntityContext ctx, Behavior<ObjectCommand> phase) {
    ctx.stopped();
    return phase;
  }
}

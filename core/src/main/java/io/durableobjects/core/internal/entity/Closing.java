package io.durableobjects.core.internal.entity;

import io.durableobjects.core.ObjectUnavailableException;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * INTERNAL API: the last phase of a passivated object. {@link Stopping} has finished every call and
 * write; the journal child now writes a snapshot if the next activation would otherwise replay many
 * events ({@code durable-objects.journal.snapshot-before-stop-after}) and stops, and the object
 * stops with it. Nothing is in flight, so there is nothing to fail if the snapshot is not written:
 * the next activation replays the events instead.
 */
final class Closing extends AbstractBehavior<ObjectCommand> {
  private final EntityContext ctx;

  private Closing(EntityContext ctx) {
    super(ctx.actor);
    this.ctx = ctx;
  }

  /** Asks the journal child to checkpoint and stop, and waits for it. */
  static Behavior<ObjectCommand> enter(EntityContext ctx) {
    ctx.journal.checkpointAndStop();
    return new Closing(ctx);
  }

  @Override
  public Receive<ObjectCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(InternalCommand.JournalStopped.class, this::onJournalStopped)
        .onMessage(ObjectCommand.Call.class, this::onCall)
        .onMessage(
            ObjectCommand.SubscribeChanges.class,
            subscribe -> {
              ChangeSubscribers.refuse(subscribe);
              return this;
            })
        .onAnyMessage(message -> this) // timers and late notices of the finished phases
        .onSignal(PostStop.class, signal -> LivePhase.onPostStop(ctx, this))
        .build();
  }

  private Behavior<ObjectCommand> onJournalStopped(InternalCommand.JournalStopped stopped) {
    return ctx.journal.isCurrent(stopped) ? Behaviors.stopped() : this;
  }

  // Sharding holds new calls while the object passivates; one that reached it anyway is retried.
  private Behavior<ObjectCommand> onCall(ObjectCommand.Call call) {
    call.replyTo()
        .tell(
            FetchReply.Failed.of(
                new ObjectUnavailableException("the object is stopping; retry the request")));
    return this;
  }
}

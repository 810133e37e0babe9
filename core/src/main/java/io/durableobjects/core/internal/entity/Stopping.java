package io.durableobjects.core.internal.entity;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * INTERNAL API: the {@link Running} phase after sharding asked the object to stop (passivation): it
 * takes no new work of its own (no alarm delivery, no close of a lost socket), finishes the running
 * call, the calls that wait and the writes in flight, then stops. A journal failure now fails what
 * waits and stops.
 */
final class Stopping extends Running {

  Stopping(EntityContext ctx, WorkingState working, ObjectInstance instance) {
    super(ctx, working, instance);
  }

  @Override
  boolean draining() {
    return true;
  }

  @Override
  Behavior<ObjectCommand> maybeStop() {
    return ctx.idle() ? Behaviors.stopped() : this;
  }

  @Override
  Behavior<ObjectCommand> afterCall() {
    return ctx.idle() ? Behaviors.stopped() : ctx.input.admitWaiting(this);
  }

  @Override
  Behavior<ObjectCommand> onStop() {
    ctx.metrics.evicted();
    return maybeStop();
  }
}

package io.durableobjects.core.internal.entity;

import org.apache.pekko.actor.typed.Behavior;

/**
 * INTERNAL API: the {@link Running} phase after sharding asked the object to stop (passivation): it
 * takes no new work of its own (no alarm delivery, no close of a lost socket), finishes the running
 * call, the calls that wait and the writes in flight, then closes ({@link Closing}). A journal
 * failure now fails what waits and stops.
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
    return ctx.idle() ? Closing.enter(ctx) : this;
  }

  @Override
  Behavior<ObjectCommand> afterCall() {
    return ctx.idle() ? Closing.enter(ctx) : ctx.input.admitWaiting(this);
  }

  @Override
  Behavior<ObjectCommand> onStop() {
    ctx.metrics.evicted();
    return maybeStop();
  }
}

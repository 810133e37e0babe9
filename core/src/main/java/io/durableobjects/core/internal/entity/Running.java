package io.durableobjects.core.internal.entity;

import io.durableobjects.core.ObjectTimeoutException;
import io.durableobjects.core.ObjectUnavailableException;
import java.time.Duration;
import org.apache.pekko.actor.typed.Behavior;

/**
 * INTERNAL API: third (of three) phase of the object actor, after {@link Recovering} and {@link
 * Activating}: it serves calls.
 *
 * <p>One call at a time runs ({@link InputGate}); a call that arrives while another's stage is
 * pending waits, unless it re-enters: it comes from the chain the running call is waiting on (A
 * calls B, B calls A) and runs at once, inside the running call's transaction, so that the chain
 * does not deadlock; not while the running call's {@code blockConcurrencyWhile} stage is pending.
 * {@link CallRunner} runs each call; replies wait in the {@link OutputGate}.
 *
 * <p>It holds no instance between a recovery and the first call: that call creates it ({@link
 * Activating}), as it may bring the object's name. A call that runs out of time fails with 504 and
 * its instance is replaced ({@link Activating} again); so is an instance whose call's {@code
 * blockConcurrencyWhile} stage failed. Asked to stop, it goes on as {@link Stopping}. A journal
 * failure takes it back to {@link Recovering}.
 */
class Running extends LivePhase {
  final ObjectInstance instance;

  Running(EntityContext ctx, WorkingState working, ObjectInstance instance) {
    super(ctx, working);
    this.instance = instance;
  }

  @Override
  ObjectInstance instance() {
    return instance;
  }

  @Override
  Behavior<ObjectCommand> onCall(ObjectCommand.Call call) {
    ctx.identity.learn(call.objectName());
    InputGate.Running running = ctx.input.running();
    if (reenters(call, running)) {
      ctx.calls.reenter(call, instance, running.tx());
      return this;
    }
    if (instance == null) {
      ctx.input.hold(call);
      return Activating.start(ctx, working, draining()); // the first call after a recovery
    }
    if (running != null) {
      ctx.input.hold(call);
      return this;
    }
    return ctx.calls.start(call, instance, working) ? replaceInstance() : this;
  }

  /** Whether {@code call} comes from the chain {@code running} waits on, and may run now. */
  private boolean reenters(ObjectCommand.Call call, InputGate.Running running) {
    return running != null
        && running.call() != null
        && call.callChain().contains(ctx.identity.chainLink(running.token()))
        && !instance.blocker().blocking(); // blockConcurrencyWhile keeps even these out
  }

  @Override
  Behavior<ObjectCommand> onAsyncCompleted(InternalCommand.AsyncCompleted completed) {
    InputGate.Running done = ctx.input.completed(completed);
    if (done == null) {
      return this; // a continuation that already timed out
    }
    boolean replace =
        ctx.calls.completed(done, instance, working, completed.reply(), completed.failure());
    return replace ? replaceInstance() : afterCall();
  }

  /**
   * The running call did not complete in time: it fails with 504, its writes are dropped, and the
   * instance is replaced; its late continuation keeps a storage handle that no longer accepts
   * calls, and nothing it sends leaves.
   */
  @Override
  Behavior<ObjectCommand> onRequestTimedOut(InternalCommand.RequestTimedOut timedOut) {
    InputGate.Running late = ctx.input.timedOut(timedOut);
    if (late == null) {
      return this;
    }
    Duration timeout = ctx.config.requestTimeout();
    instance.storage().end();
    ctx.output.retire(
        new ObjectUnavailableException(
            "the request that made this call did not finish within "
                + timeout
                + "; the call was not sent"));
    ctx.log.warn(
        "Object {} did not answer {} within {}; its instance is replaced",
        ctx.hex(),
        late.call(),
        timeout);
    ObjectTimeoutException error =
        new ObjectTimeoutException(
            "the object did not answer within " + timeout + "; the request was not applied");
    ctx.calls.finish(late.call(), new CallHandler.Turn(instance, working, late.tx()), null, error);
    return Activating.start(ctx, working, draining());
  }

  /** A {@code blockConcurrencyWhile} stage of the last call failed: the instance is reset. */
  private Behavior<ObjectCommand> replaceInstance() {
    ctx.log.warn(
        "Object {}: a blockConcurrencyWhile stage failed; its instance is replaced", ctx.hex());
    ctx.output.retire(
        new ObjectUnavailableException(
            "the object instance that made this call was reset (its blockConcurrencyWhile failed);"
                + " the call was not sent"));
    return Activating.start(ctx, working, draining());
  }

  /** After a call ended: the calls that waited come in, in order. */
  Behavior<ObjectCommand> afterCall() {
    return ctx.input.admitWaiting(this);
  }

  @Override
  Behavior<ObjectCommand> onStop() {
    ctx.metrics.evicted();
    if (ctx.idle()) {
      return Closing.enter(ctx);
    }
    // Finish the call and the writes in flight, and the calls waiting behind them, first: their
    // callers get answers instead of timeouts, and a hand-over to another node (rolling restart)
    // fails no request. Sharding sends this entity nothing new meanwhile.
    return new Stopping(ctx, working, instance);
  }
}

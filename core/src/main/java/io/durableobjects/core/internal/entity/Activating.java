package io.durableobjects.core.internal.entity;

import io.durableobjects.core.DurableObject;
import io.durableobjects.core.ObjectFailedException;
import io.durableobjects.core.ObjectUnavailableException;
import io.durableobjects.core.internal.storage.TransactionalStorage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.Behavior;

/**
 * INTERNAL API: second (of three) phase of the object actor, after {@link Recovering}: a fresh
 * instance of the user's object is created over the working state, and calls wait until its
 * constructor's {@code blockConcurrencyWhile} stages have completed. The constructor's writes then
 * commit as one transaction. See next phase {@link Running} (or {@link Stopping}, if sharding asked
 * to stop meanwhile).
 *
 * <p>If the constructor throws, a stage fails, or the stages do not complete within the request
 * timeout, the object cannot start: {@link Broken}.
 */
final class Activating extends LivePhase {
  private final ObjectInstance instance;
  private boolean stopRequested;

  private Activating(
      EntityContext ctx, WorkingState working, ObjectInstance instance, boolean stopRequested) {
    super(ctx, working);
    this.instance = instance;
    this.stopRequested = stopRequested;
  }

  /** Creates a fresh instance over the working state; calls wait until it is ready. */
  static Behavior<ObjectCommand> start(
      EntityContext ctx, WorkingState working, boolean stopRequested) {
    ObjectEntity.Config config = ctx.config;
    ObjectStorage storage = new ObjectStorage(config.codec(), config.alarmRules());
    ObjectSockets sockets = new ObjectSockets(storage, config.codec(), config.socketLimits());
    sockets.beginCall(null);
    ObjectStateImpl state =
        new ObjectStateImpl(
            ctx.identity.id(), storage, config.env(), sockets, ctx.output.forInstance());
    TransactionalStorage tx = working.begin(storage);
    DurableObject object;
    CompletableFuture<Void> blockers;
    try {
      object = config.namespace().newInstance(state);
      blockers = state.endConstruction();
    } catch (Throwable t) {
      CallRunner.rethrowIfFatal(t);
      storage.end();
      ctx.log.error(
          "Constructor of {} failed for object {}",
          config.namespace().objectClass().getName(),
          ctx.hex(),
          t);
      return Broken.enter(
          ctx,
          working,
          new ObjectFailedException("the object's constructor threw " + CallRunner.describe(t)),
          stopRequested);
    }
    ObjectInstance instance = new ObjectInstance(object, state, storage, sockets);
    if (blockers.isDone()) {
      storage.end();
      return finish(ctx, working, instance, tx, CallRunner.failureOf(blockers), stopRequested);
    }
    ctx.input.await(ctx.input.nextToken(), null, tx, blockers.thenApply(v -> null));
    return new Activating(ctx, working, instance, stopRequested);
  }

  private static Behavior<ObjectCommand> finish(
      EntityContext ctx,
      WorkingState working,
      ObjectInstance instance,
      TransactionalStorage tx,
      Throwable failure,
      boolean stopRequested) {
    if (failure != null) {
      ctx.log.error("blockConcurrencyWhile failed for object {}", ctx.hex(), failure);
      return Broken.enter(
          ctx,
          working,
          new ObjectFailedException(
              "the object's blockConcurrencyWhile failed: " + CallRunner.describe(failure)),
          stopRequested);
    }
    if (tx.hasChanges()) {
      working.commit(tx, tx.toEvent(), List.of(), null);
    }
    ctx.activated();
    Running next =
        stopRequested ? new Stopping(ctx, working, instance) : new Running(ctx, working, instance);
    return next.afterCall();
  }

  @Override
  ObjectInstance instance() {
    return instance;
  }

  @Override
  boolean draining() {
    return stopRequested;
  }

  @Override
  Behavior<ObjectCommand> onCall(ObjectCommand.Call call) {
    ctx.identity.learn(call.objectName());
    ctx.input.hold(call);
    return this;
  }

  @Override
  Behavior<ObjectCommand> onAsyncCompleted(InternalCommand.AsyncCompleted completed) {
    InputGate.Running done = ctx.input.completed(completed);
    if (done == null) {
      return this;
    }
    instance.storage().end();
    return finish(ctx, working, instance, done.tx(), completed.failure(), stopRequested);
  }

  @Override
  Behavior<ObjectCommand> onRequestTimedOut(InternalCommand.RequestTimedOut timedOut) {
    if (ctx.input.timedOut(timedOut) == null) {
      return this;
    }
    instance.storage().end(); // the instance's storage handle is never used again
    // Nor may it send anything: its calls out waiting to leave fail.
    ctx.output.retire(
        new ObjectUnavailableException(
            "the request that made this call did not finish within "
                + ctx.config.requestTimeout()
                + "; the call was not sent"));
    ctx.log.error(
        "Activation of object {} did not finish within {}", ctx.hex(), ctx.config.requestTimeout());
    return Broken.enter(
        ctx,
        working,
        new ObjectUnavailableException(
            "the object's blockConcurrencyWhile did not finish within "
                + ctx.config.requestTimeout()),
        stopRequested);
  }

  @Override
  Behavior<ObjectCommand> onStop() {
    ctx.metrics.evicted();
    stopRequested = true; // after the activation, and the calls that wait
    return this;
  }
}

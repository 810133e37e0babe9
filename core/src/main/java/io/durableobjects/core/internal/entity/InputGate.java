package io.durableobjects.core.internal.entity;

import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.ObjectUnavailableException;
import io.durableobjects.core.internal.storage.TransactionalStorage;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * INTERNAL API: the input gate: one call at a time, in arrival order, including the time its
 * asynchronous continuation runs.
 *
 * <p>A call whose stage has not completed is <i>running</i> (so is an activation whose {@code
 * blockConcurrencyWhile} stages are pending); the calls that arrive meanwhile wait in the stash, in
 * order, and are let in again when it ends ({@link #admitWaiting}). A running call's stage reports
 * back as {@link InternalCommand.AsyncCompleted}; if it has not within the request timeout, a
 * {@link InternalCommand.RequestTimedOut} (a Pekko timer) says so. Each call gets a token, unique
 * for the actor's life, so that news of a call that is over (a late continuation) is told apart.
 */
final class InputGate {

  /** A call (or the activation, when {@code call} is null) whose stage has not completed. */
  record Running(long token, ObjectCommand.Call call, TransactionalStorage tx) {}

  private static final String TIMEOUT_TIMER = "request-timeout";

  private final StashBuffer<ObjectCommand> stash;
  private final TimerScheduler<ObjectCommand> timers;
  private final ActorRef<ObjectCommand> self;
  private final Duration timeout;
  private Running running;
  private long nextToken = 1;

  InputGate(
      StashBuffer<ObjectCommand> stash,
      TimerScheduler<ObjectCommand> timers,
      ActorRef<ObjectCommand> self,
      Duration timeout) {
    this.stash = stash;
    this.timers = timers;
    this.self = self;
    this.timeout = timeout;
  }

  /** A token for the next call. */
  long nextToken() {
    return nextToken++;
  }

  /** Whether a call (or the activation) is running. */
  boolean busy() {
    return running != null;
  }

  /** The running call or activation, or null. */
  Running running() {
    return running;
  }

  /** Keeps {@code call} until the gate opens, or refuses it (503) if too many calls wait. */
  void hold(ObjectCommand.Call call) {
    if (stash.isFull()) {
      call.replyTo()
          .tell(
              FetchReply.Failed.of(
                  new ObjectUnavailableException("the object has too many waiting requests")));
    } else {
      stash.stash(call);
    }
  }

  /** Whether no further call can wait. */
  boolean isFull() {
    return stash.isFull();
  }

  /** Whether calls wait. */
  boolean hasWaiting() {
    return !stash.isEmpty();
  }

  /**
   * Closes the gate until {@code future} completes or the request timeout passes, whichever comes
   * first.
   */
  void await(
      long token,
      ObjectCommand.Call call,
      TransactionalStorage tx,
      CompletableFuture<? extends FetchReply> future) {
    running = new Running(token, call, tx);
    timers.startSingleTimer(TIMEOUT_TIMER, new InternalCommand.RequestTimedOut(token), timeout);
    future.whenComplete(
        (reply, failure) ->
            self.tell(new InternalCommand.AsyncCompleted(token, reply, unwrap(failure))));
  }

  /** The running call whose stage completed, now over; null if it is not the running one. */
  Running completed(InternalCommand.AsyncCompleted completed) {
    if (running == null || running.token() != completed.token()) {
      return null; // a continuation that already timed out
    }
    return abandon();
  }

  /** The running call that ran out of time, now over; null if it is not the running one. */
  Running timedOut(InternalCommand.RequestTimedOut timedOut) {
    if (running == null || running.token() != timedOut.token()) {
      return null;
    }
    Running late = running;
    running = null;
    return late;
  }

  /** Ends the running call, if any, whatever becomes of its stage; returns it. */
  Running abandon() {
    Running over = running;
    if (over != null) {
      timers.cancel(TIMEOUT_TIMER);
      running = null;
    }
    return over;
  }

  /** Lets the waiting calls in, in order, into {@code behavior}. */
  Behavior<ObjectCommand> admitWaiting(Behavior<ObjectCommand> behavior) {
    return stash.unstashAll(behavior);
  }

  /** Answers every waiting call with {@code error}; none of them runs. */
  void refuseWaiting(DurableObjectException error) {
    FetchReply reply = FetchReply.Failed.of(error);
    stash.forEach(
        message -> {
          if (message instanceof ObjectCommand.Call call) {
            call.replyTo().tell(reply);
          }
        });
    stash.clear();
  }

  static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }
}

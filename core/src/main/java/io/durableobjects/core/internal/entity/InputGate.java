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
 *
 * <p>The waiting calls are bounded by count (the stash's capacity) and by the bytes of their
 * request bodies and arguments ({@link #bytesOf}): a call beyond either is refused with 503, but a
 * call may always wait alone, so that a large request is never refused by an idle queue.
 */
final class InputGate {

  /** A call (or the activation, when {@code call} is null) whose stage has not completed. */
  record Running(long token, ObjectCommand.Call call, TransactionalStorage tx) {}

  private static final String TIMEOUT_TIMER = "request-timeout";

  private final StashBuffer<ObjectCommand> stash;
  private final long maxWaitingBytes;
  private final TimerScheduler<ObjectCommand> timers;
  private final ActorRef<ObjectCommand> self;
  private final Duration timeout;
  private Running running;
  private long nextToken = 1;
  // The bytes of the calls in the stash: added when one is stashed, taken off when unstashed.
  private long waitingBytes;

  InputGate(
      StashBuffer<ObjectCommand> stash,
      long maxWaitingBytes,
      TimerScheduler<ObjectCommand> timers,
      ActorRef<ObjectCommand> self,
      Duration timeout) {
    this.stash = stash;
    this.maxWaitingBytes = maxWaitingBytes;
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

  /**
   * Keeps {@code call} until the gate opens, or refuses it (503) if too many calls, or too many
   * bytes, wait.
   */
  void hold(ObjectCommand.Call call) {
    long bytes = bytesOf(call);
    if (stash.isFull()) {
      refuse(call, "the object has too many waiting requests");
    } else if (!stash.isEmpty() && waitingBytes + bytes > maxWaitingBytes) {
      refuse(
          call,
          "the object's waiting requests hold "
              + waitingBytes
              + " bytes; this one's "
              + bytes
              + " would pass durable-objects.entity.max-waiting-size ("
              + maxWaitingBytes
              + " bytes)");
    } else {
      waitingBytes += bytes;
      stash.stash(call);
    }
  }

  private static void refuse(ObjectCommand.Call call, String message) {
    call.replyTo().tell(FetchReply.Failed.of(new ObjectUnavailableException(message)));
  }

  /** What {@code call} holds while it waits: its request's body, its arguments, its message. */
  static long bytesOf(ObjectCommand call) {
    if (call instanceof ObjectCommand.Fetch fetch) {
      return fetch.request().bodyLength();
    }
    if (call instanceof ObjectCommand.Upgrade upgrade) {
      return upgrade.request().bodyLength();
    }
    if (call instanceof ObjectCommand.Invoke invoke) {
      return invoke.arguments() == null ? 0 : invoke.arguments().length;
    }
    if (call instanceof ObjectCommand.SocketEvent event) {
      return (event.data() == null ? 0 : event.data().length)
          + (event.text() == null ? 0 : utf8Length(event.text()));
    }
    return 0; // an operator's call or an alarm's delivery carries no body
  }

  private static long utf8Length(String text) {
    long length = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      // A surrogate pair is 4 bytes: 2 for each of its chars.
      length += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
    }
    return length;
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
    return stash.unstash(
        behavior,
        stash.size(),
        message -> {
          waitingBytes -= bytesOf(message); // one that must wait again is held again
          return message;
        });
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
    waitingBytes = 0;
  }

  static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }
}

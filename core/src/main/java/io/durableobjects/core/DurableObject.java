package io.durableobjects.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A Durable Object: a small stateful server addressed by a {@link DurableObjectId}.
 *
 * <p>Implement this interface and register the class under a namespace in configuration:
 *
 * <pre>{@code
 * durable-objects.namespaces {
 *   counter { class = "com.example.Counter" }
 * }
 * }</pre>
 *
 * <p>The class needs a public constructor that takes a {@link DurableObjectState}. At most one
 * instance of an object lives in the whole cluster; it is created when the object receives its
 * first request (after its storage has been recovered) and discarded when it is idle.
 *
 * <p><b>Serial execution.</b> {@link #fetch} is never called concurrently for one object: requests
 * run one at a time, in arrival order, on the object's actor.
 *
 * <p><b>Transactions.</b> All storage writes made by one call to {@link #fetch} commit together,
 * after it returns, as one journal event. If {@code fetch} throws, none of its writes is committed,
 * the object's storage is exactly as before, and the caller receives a 500-class error. State that
 * the object keeps in its own Java fields is not rolled back: keep durable state in {@link
 * DurableObjectState#storage()}.
 *
 * <p><b>Output gate.</b> The response is released to the caller only after every write made before
 * it, by this or an earlier request, is durable in the journal. Calls to other objects made while
 * a request runs wait for the writes of earlier requests (see {@link DurableObjectState#env()}).
 *
 * <p><b>Do not block.</b> Objects run on the node's shared dispatcher, which has one thread per
 * core (at least two): a {@code fetch} that waits on I/O or sleeps holds a thread every other
 * object and the gateway need. Wait for I/O with {@link #fetchAsync} and a {@link
 * CompletionStage} instead.
 */
public interface DurableObject {

  /**
   * Handles one request addressed to this object. Implement this method, or {@link #fetchAsync}
   * when the answer comes later; a class must implement one of the two (checked when the node
   * starts).
   *
   * @param request the request, with the path relative to the object (for example {@code
   *     /increment})
   * @return the response; must not be {@code null}
   * @throws Exception any failure: the request's writes are discarded and the caller gets a 500
   *     error (or the status of a {@link DurableObjectException} it throws)
   */
  default Response fetch(Request request) throws Exception {
    throw new UnsupportedOperationException(
        getClass().getName() + " implements neither fetch nor fetchAsync");
  }

  /**
   * Handles one request whose response is produced asynchronously.
   *
   * <p>The input gate stays closed until the returned stage completes: no other request of this
   * object runs in the meantime, and the continuation may read and write {@link
   * DurableObjectState#storage()} as part of this request's transaction. If the stage does not
   * complete within {@code durable-objects.entity.request-timeout}, the caller gets a 504, the
   * request's writes are discarded, and the object instance is replaced by a fresh one (its
   * storage stays as committed); the late continuation can no longer use storage.
   *
   * <p>The default runs {@link #fetch} and completes at once.
   */
  default CompletionStage<Response> fetchAsync(Request request) throws Exception {
    return CompletableFuture.completedFuture(fetch(request));
  }

  /**
   * Runs when one of the object's alarms is due (see {@link Storage#setAlarm(Instant)}): at or
   * after its time, at least once. Like a request, it runs alone (input gate) and its writes commit
   * as one transaction; the alarm itself is removed in that transaction, so setting it again here
   * (re-arming) schedules the next delivery.
   *
   * <p>If it throws, its writes are discarded and the alarm is delivered again after a growing delay
   * ({@code durable-objects.alarms.first-retry-delay}, doubling), with {@link AlarmInfo#retryCount()}
   * counting the retries; after {@code durable-objects.alarms.max-retries} retries it is dropped with
   * a log line. A delivery that succeeded is not repeated, except that a node crash between the
   * handler's return and its commit delivers it again (at least once).
   *
   * <p>The default throws: a class that sets alarms must implement this method or {@link
   * #alarmAsync}.
   *
   * @param alarm which alarm, when it was due, and whether this is a retry
   * @throws Exception any failure: the delivery is retried as described above
   */
  default void alarm(AlarmInfo alarm) throws Exception {
    throw new UnsupportedOperationException(
        getClass().getName() + " implements neither alarm nor alarmAsync");
  }

  /**
   * The asynchronous form of {@link #alarm}: the input gate stays closed until the stage completes,
   * within {@code durable-objects.entity.request-timeout}. The default runs {@link #alarm}.
   */
  default CompletionStage<Void> alarmAsync(AlarmInfo alarm) throws Exception {
    alarm(alarm);
    return CompletableFuture.completedFuture(null);
  }

  /**
   * A client sent {@code message} on a socket the object accepted. Runs like a request (input
   * gate, one transaction, output gate); messages of one socket arrive in the order sent. If the
   * object was evicted, this activates it. The default ignores the message.
   */
  default void webSocketMessage(WebSocket socket, WebSocketMessage message) throws Exception {}

  /**
   * The client closed {@code socket} (or its connection was lost: code 1006). The socket is no
   * longer listed. The default does nothing.
   */
  default void webSocketClose(WebSocket socket, int code, String reason, boolean wasClean)
      throws Exception {}

  /**
   * The socket failed (for example the client was too slow to read and was dropped, or a message
   * was too large); {@link #webSocketClose} follows. The default does nothing.
   */
  default void webSocketError(WebSocket socket, String error) throws Exception {}
}

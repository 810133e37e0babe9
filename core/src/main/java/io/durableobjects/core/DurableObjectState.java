package io.durableobjects.core;

import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What an object receives in its constructor: its identity and its storage.
 *
 * <p>The state belongs to one object instance; it must only be used from within that object's
 * constructor and its handlers (fetch, RPC methods, alarms, WebSocket callbacks).
 */
public interface DurableObjectState {

  /** The ID of this object; {@link DurableObjectId#name()} is present if it was created by name. */
  DurableObjectId id();

  /** The object's transactional, strongly consistent key-value storage. */
  Storage storage();

  /**
   * What the object reaches beyond itself: the namespaces of this node, for calling other objects
   * (or this one), and the node's configuration: {@code
   * state.env().namespace("counter").getByName("a").fetch(request)}. Await such calls with {@link
   * AsyncFetchHandler} rather than blocking: a blocked object cannot take its own calls.
   *
   * <p><b>Output gate.</b> A call made through these namespaces (fetch or RPC) leaves only once
   * every write this object committed before the call is durable: the writes of earlier requests
   * (and of the constructor) that may still be in a journal write. If that write fails, the call is
   * never sent and fails with a retryable {@link ObjectUnavailableException}. The running request's
   * own writes are not covered: they commit together after the request ends (all or nothing), so a
   * call made in the middle of a handler leaves before them, and the callee may act on a call whose
   * caller's writes are then discarded (the handler throws, or their journal write fails). Make
   * such calls safe to repeat (an idempotency key), or make them in a later request. A reply this
   * object gives to a call that re-enters it (A → B → A) passes the same gate, and may likewise
   * show the running request's uncommitted writes. Calls made through {@link DurableObjects#get}
   * instead of {@code env()} pass no gate and carry no call chain.
   */
  DurableObjectEnv env();

  /**
   * Runs {@code body} and lets nothing else into the object until the stage it returns completes:
   * no request, RPC, alarm or WebSocket event is delivered meanwhile, not even a call that
   * re-enters the object from the chain of the running call (so a stage that waits for such a call
   * waits until it times out).
   *
   * <p><b>In the constructor</b>, for initialisation that must finish before the object serves
   * anything, such as loading state into fields: the first call waits for it. Storage may be used
   * until the stage completes; its writes commit with the activation. If it fails or does not
   * complete within {@code durable-objects.entity.request-timeout}, the activation fails and the
   * waiting calls get an error.
   *
   * <p><b>While a call runs</b> (a request, an RPC, an alarm, a WebSocket callback, including its
   * asynchronous continuation), as in Cloudflare: the call ends only once the stage has completed
   * too, even if its handler returned before. Storage may be used until then; the stage's writes
   * belong to the call's transaction (committed with it, or dropped with it), and its reply waits
   * for them. The stage counts against the call's {@code durable-objects.entity.request-timeout}:
   * past it the call fails with 504 and the instance is replaced. If the stage fails, the call
   * fails with 500 (its writes are dropped) and the instance is replaced by a fresh one, as the
   * object may have been left half initialised.
   *
   * @return the stage {@code body} returned
   * @throws IllegalStateException if called neither from the constructor nor while a call runs (for
   *     example from a thread the object started, between calls)
   * @throws IllegalArgumentException if {@code body} returns null
   */
  <T> CompletionStage<T> blockConcurrencyWhile(Supplier<? extends CompletionStage<T>> body);

  // ---- WebSockets ----------------------------------------------------------------------------

  /**
   * Accepts the WebSocket upgrade that {@code request} asks for and returns the 101 response to
   * return from {@code fetch}: the gateway then keeps the connection, and the object receives its
   * messages in {@link DurableObject#webSocketMessage}.
   *
   * <pre>{@code
   * if (request.header("Upgrade").isPresent()) {
   *   return state.acceptWebSocket(request, "member");
   * }
   * }</pre>
   *
   * The socket is listed by {@link #getWebSockets} from now on, also after the object was evicted
   * and activated again. Part of the request's transaction: a request that fails accepts nothing
   * (the client gets its error instead). To set the new socket up (an attachment, a first message),
   * use {@link #acceptWebSocket(Request, Consumer, String...)}.
   *
   * @param request the request being handled, which must be a WebSocket upgrade
   * @param tags up to {@code durable-objects.websockets.max-tags} labels to find the socket by,
   *     each 1 to 256 characters
   * @return a 101 (Switching Protocols) response
   * @throws IllegalStateException if {@code request} is not the upgrade being handled
   * @throws StorageException if a tag is invalid, the object already holds the most sockets
   *     allowed, or it would hold more than {@code durable-objects.storage.max-snapshot-size}
   */
  default Response acceptWebSocket(Request request, String... tags) {
    return acceptWebSocket(request, socket -> {}, tags);
  }

  /**
   * Accepts the WebSocket upgrade as {@link #acceptWebSocket(Request, String...)} does, and hands
   * the new socket to {@code setup} at once, before the response leaves: to attach data to it or
   * queue its first messages (sent once the request's writes are durable).
   *
   * <pre>{@code
   * return state.acceptWebSocket(request, socket -> socket.serializeAttachment(name), "member");
   * }</pre>
   *
   * @return a 101 (Switching Protocols) response
   */
  default Response acceptWebSocket(Request request, Consumer<WebSocket> setup, String... tags) {
    throw new UnsupportedOperationException("this state does not hold WebSockets");
  }

  /** The open sockets of this object, in the order they were accepted. */
  default java.util.List<WebSocket> getWebSockets() {
    return java.util.List.of();
  }

  /** The open sockets accepted with {@code tag}. */
  default java.util.List<WebSocket> getWebSockets(String tag) {
    return java.util.List.of();
  }

  /**
   * Lets the gateway answer the text message {@code request} with {@code response} by itself,
   * without waking the object (a keep-alive such as "ping" → "pong"); {@code null} for both turns
   * it off. Applies to every socket of the object.
   */
  default void setWebSocketAutoResponse(String request, String response) {
    throw new UnsupportedOperationException("this state does not hold WebSockets");
  }
}

package io.durableobjects.core;

import java.util.concurrent.CompletionStage;

/**
 * A Durable Object: a small stateful server addressed by a {@link DurableObjectId}.
 *
 * <p>Register the class under a namespace in configuration:
 *
 * <pre>{@code
 * durable-objects.namespaces {
 *   counter { class = "com.example.Counter" }
 * }
 * }</pre>
 *
 * <p>The class needs a public constructor that takes a {@link DurableObjectState}. At most one
 * instance of an object lives in the whole cluster; it is created when the object receives its
 * first call (after its storage has been recovered) and discarded when it is idle.
 *
 * <p><b>What it handles.</b> This interface only marks the class and carries the optional WebSocket
 * callbacks; an object takes calls through the interfaces it implements, and the compiler asks for
 * their methods:
 *
 * <ul>
 *   <li>{@link FetchHandler} or {@link AsyncFetchHandler}: HTTP-style requests ({@link
 *       DurableObjectStub#fetch}, the gateway's {@code /v1/{ns}/by-name/{name}/...}). An object
 *       that implements neither answers such requests with 501.
 *   <li>Any interface of your own whose methods return {@link CompletionStage}: RPC ({@link
 *       DurableObjectStub#rpc}, and over HTTP at {@code POST /v1/{ns}/rpc/...}). An object may be
 *       RPC-only.
 *   <li>{@link AlarmHandler} or {@link AsyncAlarmHandler}: alarms ({@link Storage#setAlarm}); an
 *       object that implements neither cannot set one.
 * </ul>
 *
 * <p>A class cannot implement both the plain and the async form of one handler: their methods have
 * the same name and different return types, so it does not compile.
 *
 * <p><b>Serial execution.</b> Calls (requests, RPC, alarms, WebSocket events) never run
 * concurrently for one object: they run one at a time, in arrival order, on the object's actor.
 *
 * <p><b>Transactions.</b> All storage writes made by one call commit together, after it returns, as
 * one journal event. If the call throws, none of its writes is committed, the object's storage is
 * exactly as before, and the caller receives a 500-class error. State that the object keeps in its
 * own Java fields is not rolled back: keep durable state in {@link DurableObjectState#storage()}.
 *
 * <p><b>Output gate.</b> The response is released to the caller only after every write made before
 * it, by this or an earlier call, is durable in the journal. Calls to other objects made while a
 * call runs wait for the writes of earlier calls (see {@link DurableObjectState#env()}).
 *
 * <p><b>Do not block.</b> Objects run on the node's shared dispatcher, which has one thread per
 * core (at least two): a handler that waits on I/O or sleeps holds a thread every other object and
 * the gateway need. Wait for I/O with an async handler and a {@link CompletionStage} instead.
 */
public interface DurableObject {

  /**
   * A client sent {@code message} on a socket the object accepted. Runs like a request (input gate,
   * one transaction, output gate); messages of one socket arrive in the order sent. If the object
   * was evicted, this activates it. The default ignores the message.
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

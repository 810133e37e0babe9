package io.durableobjects.core;

import java.util.List;
import java.util.Optional;

/**
 * A client's WebSocket held by an object (see {@link DurableObjectState#acceptWebSocket}).
 *
 * <p>The connection lives at the gateway node that accepted it and stays open while the object is
 * evicted ("hibernation") or moves to another node; the object learns of it again through {@link
 * DurableObjectState#getWebSockets} and its callbacks. A handle is only usable while the object
 * handles a request or a callback, like storage.
 *
 * <p><b>Output gate.</b> {@link #send} and {@link #close} take effect once every write made before
 * them is durable, in the order the object made them: a broadcast reaches every socket in the
 * object's order.
 */
public interface WebSocket {

  /** The socket's ID: unique, stable for its whole life. */
  String id();

  /** The tags it was accepted with. */
  List<String> tags();

  /** Sends a text message (after the writes before it are durable). */
  void send(String text);

  /** Sends a binary message (after the writes before it are durable). */
  void send(byte[] data);

  /**
   * Sends {@code value} as a JSON text message, written as {@link Response#json(Object)} writes it
   * (records, Java time as ISO-8601 text), after the writes before it are durable.
   *
   * @throws IllegalArgumentException if Jackson cannot serialize the value
   */
  default void sendJson(Object value) {
    send(io.durableobjects.core.internal.json.BodyJson.write(value));
  }

  /**
   * Closes the socket; the object gets no {@link DurableObject#webSocketClose} for a close it made.
   * Pekko HTTP closes with status 1000, whatever {@code code} says: it is kept for the object's own
   * bookkeeping and a later version that can send it.
   */
  void close(int code, String reason);

  /**
   * Keeps a small value with the socket (JSON, at most {@code
   * durable-objects.websockets.max-attachment-size}, 16 KiB by default) that survives the object's
   * eviction, in the request's transaction. {@code null} removes it.
   *
   * @throws StorageException if the value cannot be serialized or is too large
   */
  void serializeAttachment(Object value);

  /** The value kept with {@link #serializeAttachment}, read as {@code type}. */
  <T> Optional<T> deserializeAttachment(Class<T> type);
}

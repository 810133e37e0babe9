package io.durableobjects.core.spi;

/**
 * What an object tells one of its client WebSockets, as read by {@link ClientSocketLink#receive} at
 * the connection that holds it. The object sends each only after the writes before it are durable,
 * in order.
 */
public interface ClientSocketListener {

  /**
   * The object accepted the socket (its acceptance is durable): the upgrade may complete.
   *
   * @param autoRequest a text the connection answers itself, without the object, or null
   * @param autoResponse the answer to {@code autoRequest}, or null
   */
  void accepted(String autoRequest, String autoResponse);

  /** The object's automatic request and response changed (both null: none). */
  void autoResponseChanged(String request, String response);

  /** Send this text to the client. */
  void send(String text);

  /** Send these bytes to the client. */
  void send(byte[] data);

  /** Close the client's socket; the object has already forgotten it. */
  void close(int code, String reason);

  /** The object has handled one of the client's messages ({@link ClientSocketLink#message}). */
  void messageHandled();

  /**
   * One of the client's messages was not handled: the object could not take it (it had too many
   * calls waiting, was unreachable or moving, or did not answer in time). {@code code} and {@code
   * message} say why, as the HTTP error of a request would. The object's own failure while handling
   * a message is not this: that message was handled ({@link #messageHandled}).
   */
  void messageFailed(String code, String message);
}

package io.durableobjects.core.spi;

/**
 * The line between one client WebSocket's connection actor and its object, wherever the object
 * lives (messages go through Cluster Sharding, so they follow it when it moves). Obtained from
 * {@link ClientSockets#link}.
 */
public interface ClientSocketLink {

  /**
   * Hands a client message to the object: {@code text}, or {@code data} when text is null. Once the
   * object has handled it (and its writes are durable), the connection actor receives a message
   * that {@link #receive} reads as {@link ClientSocketListener#messageHandled}: it paces the
   * client; or, if the object could not take it, as {@link ClientSocketListener#messageFailed}. A
   * message lost on the way (its object's node died) is answered by neither: the connection must
   * not wait for an answer for ever.
   */
  void message(String text, byte[] data);

  /** Tells the object the client closed the socket with this code and reason. */
  void closed(int code, String reason);

  /** Tells the object the socket failed (it is told {@link #closed} after). */
  void failed(String error);

  /**
   * Reads a message the connection actor received from the object: if it is one, hands it to {@code
   * listener} and answers true; otherwise answers false (the message is the actor's own).
   */
  boolean receive(Object message, ClientSocketListener listener);
}

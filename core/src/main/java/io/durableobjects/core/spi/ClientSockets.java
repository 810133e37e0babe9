package io.durableobjects.core.spi;

import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.DurableObjects;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.core.internal.SocketLines;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The runtime's side of client WebSockets: what a gateway needs to hold a client's socket for an
 * object. The runtime implements it; a gateway gets it with {@link #of}.
 *
 * <p>A socket is held by a <i>connection</i>: an actor at the gateway node that accepted the
 * client, which the object watches (if it stops without a close, its node is gone and the object
 * closes the socket with 1006). The gateway
 *
 * <ol>
 *   <li>starts the connection actor, under a fresh socket ID;
 *   <li>{@linkplain #offer offers} the upgrade request to the object, whose {@code fetch} accepts
 *       it (101) or answers something else;
 *   <li>carries the traffic through the socket's {@link ClientSocketLink}: the client's messages to
 *       the object, and what the object sends, which reaches the connection actor as messages that
 *       {@link ClientSocketLink#receive} reads.
 * </ol>
 */
public interface ClientSockets {

  /** The runtime of this node (started if it is not yet). */
  static ClientSockets of(ActorSystem<?> system) {
    return new SocketLines(DurableObjects.get(system), system);
  }

  /**
   * Hands a WebSocket upgrade request to the object. Completes with the object's answer, 101 if it
   * accepted the socket, or exceptionally with a {@link DurableObjectException} (timeouts,
   * unreachable objects and the object's own failures) like a stub's fetch.
   *
   * @param socketId the ID the socket gets if it is accepted (unique in the cluster)
   * @param connection the connection actor that holds the socket at this node
   * @throws io.durableobjects.core.UnknownNamespaceException if the ID's namespace is not
   *     configured
   */
  CompletionStage<Response> offer(
      DurableObjectId id, Request request, String socketId, ActorRef<Object> connection);

  /** The line between the connection of socket {@code socketId} and its object. */
  ClientSocketLink link(DurableObjectId id, String socketId, ActorRef<Object> connection);
}

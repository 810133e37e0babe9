package io.durableobjects.core.internal.entity;

import io.durableobjects.core.Request;
import io.durableobjects.core.internal.serialization.DurableObjectsSerializable;
import io.durableobjects.core.spi.LogText;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * INTERNAL API: the messages of the object actor (the sharding entity) that come from outside it.
 *
 * <p><b>Across the network</b> (sent through sharding from any node, so serialized between nodes
 * with Jackson CBOR as {@link DurableObjectsSerializable}; their form is a wire format): {@link
 * Fetch}, {@link Invoke}, {@link Admin}, {@link Upgrade}, {@link SocketEvent} (the {@link Call}s a
 * caller waits on, answered with a {@link FetchReply}, which crosses back) and {@link
 * WakeForAlarms}.
 *
 * <p><b>Local only</b>: {@link Stop}, which sharding on the entity's own node sends to passivate
 * it.
 *
 * <p>Everything else the actor handles (journal confirmations, timers, completed stages, its own
 * alarm deliveries) is package-private in {@code InternalCommand} and never serialized.
 */
public interface ObjectCommand {

  /** A call from a caller that waits for a {@link FetchReply}: a fetch or an RPC. */
  sealed interface Call extends ObjectCommand, DurableObjectsSerializable
      permits Fetch, Invoke, Admin, Upgrade, SocketEvent, InternalCommand.DeliverAlarm {
    /** The name the ID was derived from, if the caller knows it; otherwise null. */
    String objectName();

    /**
     * The requests waiting on this call, outermost first, each as {@code <persistence id>#<token>}:
     * an object finding its own running request here lets the call in (re-entry) instead of
     * queueing it behind that request, which would deadlock.
     */
    default java.util.List<String> callChain() {
      return java.util.List.of(); // the runtime's own calls and the gateway's: no chain
    }

    ActorRef<FetchReply> replyTo();
  }

  /** An HTTP-style request for the object, sent through sharding from any node. */
  record Fetch(
      String objectName,
      Request request,
      java.util.List<String> callChain,
      ActorRef<FetchReply> replyTo)
      implements Call {
    public Fetch {
      callChain = callChain == null ? java.util.List.of() : java.util.List.copyOf(callChain);
    }

    @Override
    public String toString() {
      // Logged when the call fails; the name is client input, percent-decoded.
      return "Fetch[" + LogText.escape(objectName) + ", " + request + "]";
    }
  }

  /**
   * A method call through a stub's RPC proxy.
   *
   * @param interfaceName the interface the caller's proxy implements (the object must implement it)
   * @param method the method name
   * @param parameterTypes the method's parameter types, by class name, to find the overload
   * @param arguments the arguments as a JSON array
   * @param idempotencyKey applies the call at most once per key (like the HTTP header), or null
   */
  record Invoke(
      String objectName,
      String interfaceName,
      String method,
      java.util.List<String> parameterTypes,
      byte[] arguments,
      String idempotencyKey,
      java.util.List<String> callChain,
      ActorRef<FetchReply> replyTo)
      implements Call {
    public Invoke {
      callChain = callChain == null ? java.util.List.of() : java.util.List.copyOf(callChain);
    }

    @Override
    public String toString() {
      return "Invoke[" + interfaceName + "." + method + "]";
    }
  }

  /** What an {@link Admin} call does. */
  enum AdminOperation {
    /** Answer metadata and one page of entries ({@link FetchReply.Inspected}). */
    INSPECT,
    /** Delete every key in one transaction ({@link FetchReply.Deleted}). */
    DELETE_ALL,
    /**
     * Replace the object's keys and alarms, in one transaction, with those of {@code source}'s
     * state at {@code asOf} ({@link FetchReply.Restored}): a restore (the object's own history) or
     * a fork (another object's).
     */
    RESTORE
  }

  /**
   * An operator's call (the admin API): it takes its turn with requests like any call, but runs the
   * runtime's code, not the object's.
   *
   * @param afterKey for {@code INSPECT}: list entries after this key, or null from the first
   * @param limit for {@code INSPECT}: the most entries to answer
   * @param source for {@code RESTORE}: the persistence ID whose history to read
   * @param asOf for {@code RESTORE}: the point of that history (a sequence number or an instant)
   */
  record Admin(
      AdminOperation operation,
      String afterKey,
      int limit,
      String source,
      String asOf,
      ActorRef<FetchReply> replyTo)
      implements Call {
    /** An inspection or a delete. */
    public Admin(
        AdminOperation operation, String afterKey, int limit, ActorRef<FetchReply> replyTo) {
      this(operation, afterKey, limit, null, null, replyTo);
    }

    @Override
    public String objectName() {
      return null;
    }
  }

  /**
   * A WebSocket upgrade request, from the gateway node that holds the client's connection: the
   * object's {@code fetch} sees {@code request} and may accept it ({@code
   * state.acceptWebSocket(request)}); it is then answered 101 and {@code socket} is told {@link
   * io.durableobjects.core.internal.socket.SocketCommand.Accepted}.
   *
   * @param socketId the ID the socket gets if accepted
   * @param socket the connection's actor at its gateway node
   */
  record Upgrade(
      String objectName,
      Request request,
      String socketId,
      ActorRef<io.durableobjects.core.internal.socket.SocketCommand> socket,
      ActorRef<FetchReply> replyTo)
      implements Call {
    @Override
    public String toString() {
      return "Upgrade[" + request + ", socket " + socketId + "]";
    }
  }

  /** What happened on a socket. */
  enum SocketEventKind {
    MESSAGE,
    CLOSE,
    ERROR
  }

  /**
   * Something happened on one of the object's sockets, at the gateway node that holds it (or the
   * object lost it, code 1006): it runs the object's callback as a call through the input gate. The
   * reply (once the callback's writes are durable) paces the connection's next messages.
   *
   * @param text a text message, or the close reason or error
   * @param data a binary message, or null
   * @param code the close code
   */
  record SocketEvent(
      String objectName,
      String socketId,
      SocketEventKind kind,
      String text,
      byte[] data,
      int code,
      ActorRef<FetchReply> replyTo)
      implements Call {
    @Override
    public String toString() {
      return "SocketEvent[" + kind + " on " + socketId + "]";
    }
  }

  /**
   * From the alarm poller, through sharding from any node: the alarm index has a row of this object
   * due at {@code dueMillis}. The object starts if it is not running, then delivers its due alarms
   * and puts the index in order.
   *
   * @param objectName the name the ID was derived from, as the index row has it, or null
   */
  record WakeForAlarms(String objectName, long dueMillis)
      implements ObjectCommand, DurableObjectsSerializable {
    @Override
    public String toString() {
      return "WakeForAlarms[" + LogText.escape(objectName) + ", due " + dueMillis + "]";
    }
  }

  /**
   * A change feed subscribes to the object (from any node, through sharding): it is answered {@link
   * io.durableobjects.core.internal.feed.FeedMessage.Subscribed} with the durable sequence number,
   * then sent every transaction after it as it becomes durable, until either side stops. It is not
   * a call: it neither waits for the input gate nor starts the object's instance.
   *
   * @param objectName the name the ID was derived from, if the subscriber knows it; otherwise null
   */
  record SubscribeChanges(
      String objectName, ActorRef<io.durableobjects.core.internal.feed.FeedMessage> subscriber)
      implements ObjectCommand, DurableObjectsSerializable {}

  /**
   * Sent by sharding to passivate the object: it finishes its activation, the call it runs, the
   * calls waiting behind it and the writes in flight, then stops. Only ever sent locally.
   */
  enum Stop implements ObjectCommand, NoSerializationVerificationNeeded {
    INSTANCE
  }
}

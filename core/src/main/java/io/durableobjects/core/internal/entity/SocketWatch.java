package io.durableobjects.core.internal.entity;

import io.durableobjects.core.internal.socket.OutgoingFrame;
import io.durableobjects.core.internal.socket.SocketCommand;
import io.durableobjects.core.internal.storage.SocketRecord;
import io.durableobjects.core.internal.storage.SocketRegistry;
import io.durableobjects.core.internal.storage.TransactionalStorage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * INTERNAL API: the connections of the object's WebSockets, at the gateway nodes that hold them:
 * each resolved once, and watched, so that the death of a connection's actor (its gateway node or
 * connection is gone) reaches the object as {@link InternalCommand.SocketGone}.
 */
final class SocketWatch {
  private final ActorContext<ObjectCommand> actor;
  private final ActorRefResolver resolver;
  private final Map<String, ActorRef<SocketCommand>> gateways = new HashMap<>();
  private final Set<String> watched = new HashSet<>();

  SocketWatch(ActorContext<ObjectCommand> actor) {
    this.actor = actor;
    this.resolver = ActorRefResolver.get(actor.getSystem());
  }

  /** Watches the connections of the sockets the object holds and does not watch yet. */
  void watch(SocketRegistry sockets) {
    for (SocketRecord record : sockets.all()) {
      if (watched.add(record.id())) {
        actor.watchWith(
            gateway(record.id(), record.gateway()), new InternalCommand.SocketGone(record.id()));
      }
    }
  }

  /** The connection of this socket is gone: forget it. */
  void forget(String socketId) {
    watched.remove(socketId);
    gateways.remove(socketId);
  }

  /** How a socket record refers to its connection's actor. */
  String serialized(ActorRef<SocketCommand> connection) {
    return resolver.toSerializationFormat(connection);
  }

  /** The socket commands a call made, as effects the output gate releases. */
  List<Runnable> effectsOf(TransactionalStorage tx) {
    List<OutgoingFrame> frames = tx.outbox();
    if (frames.isEmpty()) {
      return List.of();
    }
    List<Runnable> effects = new ArrayList<>(frames.size());
    for (OutgoingFrame frame : frames) {
      ActorRef<SocketCommand> target = gateway(frame.socketId(), frame.gateway());
      effects.add(() -> target.tell(frame.command()));
    }
    return effects;
  }

  private ActorRef<SocketCommand> gateway(String id, String serialized) {
    return gateways.computeIfAbsent(id, ignored -> resolver.resolveActorRef(serialized));
  }
}

package io.durableobjects.core.internal.entity;

import io.durableobjects.core.Response;
import io.durableobjects.core.WebSocket;
import io.durableobjects.core.WebSocketMessage;
import io.durableobjects.core.internal.storage.TransactionalStorage;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;

/**
 * INTERNAL API: what happens on the object's WebSockets ({@link ObjectCommand.SocketEvent}): a
 * message, a close or an error runs the object's callback. A socket whose connection is gone
 * without a close (its gateway node died) is closed with code 1006 ({@link #lost}).
 */
final class SocketEventHandler implements CallHandler {
  private static final FetchReply DONE = new FetchReply.Ok(Response.status(204));

  private final Logger log;
  private final String hex;

  SocketEventHandler(Logger log, String hex) {
    this.log = log;
    this.hex = hex;
  }

  /** The close event the object gets for a socket whose connection is gone. */
  static ObjectCommand.SocketEvent lost(String socketId, ActorRef<FetchReply> nobody) {
    return new ObjectCommand.SocketEvent(
        null,
        socketId,
        ObjectCommand.SocketEventKind.CLOSE,
        "the connection was lost",
        null,
        1006,
        nobody);
  }

  @Override
  public CompletableFuture<FetchReply> run(ObjectCommand.Call call, Turn turn) throws Exception {
    ObjectCommand.SocketEvent event = (ObjectCommand.SocketEvent) call;
    ObjectSockets sockets = turn.instance().sockets();
    Optional<WebSocket> socket = sockets.handle(turn.tx(), event.socketId());
    if (socket.isEmpty()) {
      return CompletableFuture.completedFuture(DONE); // the object closed it already
    }
    var object = turn.instance().object();
    switch (event.kind()) {
      case MESSAGE ->
          object.webSocketMessage(
              socket.get(),
              event.data() != null
                  ? WebSocketMessage.binary(event.data())
                  : WebSocketMessage.text(event.text()));
      case CLOSE -> {
        // The handle still reads its attachment in the callback; the list no longer has it.
        sockets.closing(event.socketId());
        object.webSocketClose(
            socket.get(),
            event.code(),
            event.text() == null ? "" : event.text(),
            event.code() != 1006);
        turn.tx().removeSocket(event.socketId());
      }
      case ERROR -> object.webSocketError(socket.get(), event.text() == null ? "" : event.text());
    }
    return CompletableFuture.completedFuture(DONE);
  }

  /** A socket's close callback failed: its writes are dropped, but the socket is forgotten. */
  @Override
  public Outcome finish(ObjectCommand.Call call, Turn turn, Outcome outcome) {
    ObjectCommand.SocketEvent event = (ObjectCommand.SocketEvent) call;
    if (outcome.failure() != null && event.kind() == ObjectCommand.SocketEventKind.CLOSE) {
      log.warn(
          "Object {}: webSocketClose of socket {} failed",
          hex,
          event.socketId(),
          outcome.failure());
      TransactionalStorage tx = turn.working().detached();
      if (tx.removeSocket(event.socketId())) {
        turn.working().commit(tx, tx.toEvent(), List.of(), null);
      }
    }
    return outcome;
  }
}

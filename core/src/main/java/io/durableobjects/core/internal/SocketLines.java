package io.durableobjects.core.internal;

import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.DurableObjects;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.core.internal.entity.FetchReply;
import io.durableobjects.core.internal.entity.ObjectCommand;
import io.durableobjects.core.internal.socket.SocketCommand;
import io.durableobjects.core.spi.ClientSocketLink;
import io.durableobjects.core.spi.ClientSocketListener;
import io.durableobjects.core.spi.ClientSockets;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * INTERNAL API: the runtime's implementation of {@link ClientSockets}. An upgrade is an {@link
 * ObjectCommand.Upgrade} sent by the {@link ObjectCaller}, like any call; a socket's traffic is
 * {@link ObjectCommand.SocketEvent}s to the object and {@link SocketCommand}s back.
 */
public final class SocketLines implements ClientSockets {
  private final DurableObjects objects;
  private final ActorRef<FetchReply> ignore;

  public SocketLines(DurableObjects objects, ActorSystem<?> system) {
    this.objects = objects;
    this.ignore = system.ignoreRef();
  }

  @Override
  public CompletionStage<Response> offer(
      DurableObjectId id, Request request, String socketId, ActorRef<Object> connection) {
    String objectName = id.name().orElse(null);
    return caller(id)
        .call(
            id,
            CallOrigin.NONE,
            replyTo ->
                new ObjectCommand.Upgrade(
                    objectName, request, socketId, connection.narrow(), replyTo),
            false)
        .thenApply(
            reply -> {
              if (reply instanceof FetchReply.Ok ok) {
                return ok.response();
              }
              throw new IllegalStateException("unexpected answer to an upgrade: " + reply);
            });
  }

  @Override
  public ClientSocketLink link(DurableObjectId id, String socketId, ActorRef<Object> connection) {
    return new Link(caller(id).entity(id), id.name().orElse(null), socketId, connection.narrow());
  }

  private ObjectCaller caller(DurableObjectId id) {
    return ((ShardedNamespace) objects.namespace(id.namespace())).caller();
  }

  private final class Link implements ClientSocketLink {
    private final EntityRef<ObjectCommand> object;
    private final String objectName;
    private final String socketId;
    // The object's answers to client messages go to the connection itself, which reads them back
    // through receive().
    private final ActorRef<FetchReply> answers;

    Link(
        EntityRef<ObjectCommand> object,
        String objectName,
        String socketId,
        ActorRef<FetchReply> answers) {
      this.object = object;
      this.objectName = objectName;
      this.socketId = socketId;
      this.answers = answers;
    }

    @Override
    public void message(String text, byte[] data) {
      tell(ObjectCommand.SocketEventKind.MESSAGE, text, data, 0, answers);
    }

    @Override
    public void closed(int code, String reason) {
      tell(ObjectCommand.SocketEventKind.CLOSE, reason, null, code, ignore);
    }

    @Override
    public void failed(String error) {
      tell(ObjectCommand.SocketEventKind.ERROR, error, null, 0, ignore);
    }

    private void tell(
        ObjectCommand.SocketEventKind kind,
        String text,
        byte[] data,
        int code,
        ActorRef<FetchReply> replyTo) {
      object.tell(
          new ObjectCommand.SocketEvent(objectName, socketId, kind, text, data, code, replyTo));
    }

    @Override
    public boolean receive(Object message, ClientSocketListener listener) {
      if (message instanceof SocketCommand.Accepted accepted) {
        listener.accepted(accepted.autoRequest(), accepted.autoResponse());
      } else if (message instanceof SocketCommand.AutoResponse auto) {
        listener.autoResponseChanged(auto.request(), auto.response());
      } else if (message instanceof SocketCommand.Send send) {
        if (send.text() != null) {
          listener.send(send.text());
        } else {
          listener.send(send.data());
        }
      } else if (message instanceof SocketCommand.Close close) {
        listener.close(close.code(), close.reason());
      } else if (message instanceof FetchReply.Failed failed && failed.status() >= 503) {
        // Refused (overloaded, unavailable) or not answered in time: not handled.
        listener.messageFailed(failed.code(), failed.message());
      } else if (message instanceof FetchReply) {
        listener.messageHandled();
      } else {
        return false;
      }
      return true;
    }
  }
}

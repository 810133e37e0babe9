package io.durableobjects.gateway.internal;

import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.core.spi.ClientSocketLink;
import io.durableobjects.core.spi.ClientSocketListener;
import io.durableobjects.core.spi.ClientSockets;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The object's side of a {@link SocketConnection} under test: records what the connection tells the
 * object, and lets the test speak as the object ({@link Says}).
 */
final class RecordingSockets implements ClientSockets {
  /** Something the object tells the connection (read by the recording link). */
  record Says(Consumer<ClientSocketListener> what) {}

  final List<String> toObject = new CopyOnWriteArrayList<>();

  @Override
  public CompletionStage<Response> offer(
      DurableObjectId id, Request request, String socketId, ActorRef<Object> connection) {
    throw new UnsupportedOperationException("the test connects the socket itself");
  }

  @Override
  public ClientSocketLink link(DurableObjectId id, String socketId, ActorRef<Object> conn) {
    return new ClientSocketLink() {
      @Override
      public void message(String text, byte[] data) {
        toObject.add("message " + text);
      }

      @Override
      public void closed(int code, String reason) {
        toObject.add("closed " + code + " " + reason);
      }

      @Override
      public void failed(String error) {
        toObject.add("failed");
      }

      @Override
      public boolean receive(Object message, ClientSocketListener listener) {
        if (message instanceof Says says) {
          says.what().accept(listener);
          return true;
        }
        return false;
      }
    };
  }
}

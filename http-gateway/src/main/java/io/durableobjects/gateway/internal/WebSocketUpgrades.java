package io.durableobjects.gateway.internal;

import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.core.spi.ClientSockets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.ws.BinaryMessage;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.PeerClosedConnectionException;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.StreamLimitReachedException;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.apache.pekko.stream.typed.javadsl.ActorSink;
import org.apache.pekko.util.ByteString;

/**
 * INTERNAL API: WebSocket upgrades on object paths. The gateway starts a {@link SocketConnection}
 * for the would-be socket, hands the upgrade request to the object, and connects the client's
 * stream to the connection if the object accepted it.
 */
public final class WebSocketUpgrades {

  /** The object's answer to an upgrade, and the connection that waits for it. */
  public record Offered(Response response, ActorRef<Object> connection) {
    public boolean accepted() {
      return response.status() == 101;
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private final ActorSystem<?> system;
  private final Materializer materializer;
  private final int maxMessageBytes;
  private final SocketLimits limits;
  private final SocketTimeouts timeouts;
  private final ClientSockets sockets;
  private final WebSocketMetrics metrics;

  public WebSocketUpgrades(
      ActorSystem<?> system,
      ClientSockets sockets,
      int maxMessageBytes,
      SocketLimits limits,
      SocketTimeouts timeouts,
      WebSocketMetrics metrics) {
    this.timeouts = timeouts;
    this.metrics = metrics;
    this.system = system;
    this.sockets = sockets;
    this.materializer = Materializer.matFromSystem(system);
    this.maxMessageBytes = maxMessageBytes;
    this.limits = limits;
  }

  /**
   * Hands the upgrade to the object; completes with its answer (101 if it accepted), or
   * exceptionally with a {@link DurableObjectException} like a stub's fetch.
   */
  public CompletionStage<Offered> offer(DurableObjectId id, Request request) {
    byte[] random = new byte[16];
    RANDOM.nextBytes(random);
    String socketId = HexFormat.of().formatHex(random);
    ActorRef<Object> connection =
        system.systemActorOf(
            SocketConnection.create(sockets, id, socketId, limits, timeouts, metrics),
            "websocket-" + socketId,
            Props.empty());
    CompletionStage<Response> answer;
    try {
      answer = sockets.offer(id, request, socketId, connection);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete(
        (response, failure) -> {
          if (failure != null || response.status() != 101) {
            connection.tell(SocketConnection.Refused.INSTANCE); // nothing will connect
          }
        });
    return answer.thenApply(response -> new Offered(response, connection));
  }

  /** Completes the upgrade the object accepted: the client's stream meets its connection. */
  public HttpResponse connect(WebSocketUpgrade upgrade, ActorRef<Object> connection) {
    OutboundBytes bytes = new OutboundBytes(limits.sendBufferBytes());
    Pair<SourceQueueWithComplete<Message>, Source<Message, NotUsed>> outgoing =
        Source.<Message>queue(limits.sendBuffer(), OverflowStrategy.dropNew())
            .map(bytes::taken)
            .preMaterialize(materializer);
    connection.tell(new SocketConnection.Connected(outgoing.first(), bytes));
    Sink<Message, NotUsed> incoming =
        Flow.<Message>create()
            .mapAsync(1, this::whole)
            .to(
                ActorSink
                    .<SocketConnection.Inbound, Object, SocketConnection.Ack>
                        actorRefWithBackpressure(
                            connection,
                            (ackTo, message) ->
                                new SocketConnection.Inbound(message.text(), message.data(), ackTo),
                            SocketConnection.StreamInit::new,
                            SocketConnection.Ack.INSTANCE,
                            new SocketConnection.ClientClosed(1000, "", null),
                            WebSocketUpgrades::closedBy));
    // A browser that offered subprotocols fails the handshake unless one is selected; the
    // gateway's own is the one a client offers beside its token (WebSocketTokens).
    for (String offered : upgrade.getRequestedProtocols()) {
      if (offered.equals(WebSocketTokens.PROTOCOL)) {
        return upgrade.handleMessagesWith(incoming, outgoing.second(), WebSocketTokens.PROTOCOL);
      }
    }
    return upgrade.handleMessagesWith(incoming, outgoing.second());
  }

  private static Object closedBy(Throwable failure) {
    if (failure instanceof PeerClosedConnectionException peer) {
      return new SocketConnection.ClientClosed(peer.closeCode(), peer.closeReason(), null);
    }
    if (failure instanceof StreamLimitReachedException || failure instanceof MessageTooLarge) {
      return new SocketConnection.ClientClosed(1009, "message too big", failure.getMessage());
    }
    return new SocketConnection.ClientClosed(
        1006, "connection failed", String.valueOf(failure.getMessage()));
  }

  /** A client message, whole; a message above the limit fails the client's stream. */
  private CompletionStage<SocketConnection.Inbound> whole(Message message) {
    if (message.isText()) {
      return message
          .asTextMessage()
          .getStreamedText()
          .limitWeighted(maxMessageBytes, text -> (long) text.length())
          .runFold(new StringBuilder(), StringBuilder::append, materializer)
          .thenApply(
              text -> {
                if (text.length() > maxMessageBytes / 3
                    && text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                        > maxMessageBytes) {
                  throw new MessageTooLarge(maxMessageBytes);
                }
                return new SocketConnection.Inbound(text.toString(), null, null);
              });
    }
    BinaryMessage binary = message.asBinaryMessage();
    return binary
        .getStreamedData()
        .limitWeighted(maxMessageBytes, bytes -> (long) bytes.size())
        .runFold(ByteString.emptyByteString(), ByteString::concat, materializer)
        .thenApply(bytes -> new SocketConnection.Inbound(null, bytes.toArray(), null));
  }

  private static final class MessageTooLarge extends RuntimeException {
    MessageTooLarge(int limit) {
      super("a message is limited to " + limit + " bytes");
    }
  }
}

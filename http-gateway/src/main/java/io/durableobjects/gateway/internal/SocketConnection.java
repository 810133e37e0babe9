package io.durableobjects.gateway.internal;

import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.spi.ClientSocketLink;
import io.durableobjects.core.spi.ClientSocketListener;
import io.durableobjects.core.spi.ClientSockets;
import io.durableobjects.core.spi.LogText;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.http.javadsl.model.ws.BinaryMessage;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.apache.pekko.util.ByteString;

/**
 * INTERNAL API: one client WebSocket at this gateway node, between the client's stream and the
 * object (wherever it lives: messages go through sharding, so they follow it when it moves).
 *
 * <ul>
 *   <li>From the client: each message goes to the object in order; at most {@code
 *       max-unacknowledged} messages and {@code max-unacknowledged-size} bytes are unanswered at
 *       once, beyond which the client's stream is held back (backpressure, {@link InboundPacing}).
 *       A text equal to the object's auto-response request is answered here.
 *   <li>From the object: messages go into a buffer towards the client bounded in messages and bytes
 *       ({@link OutboundBytes}); a client too slow to drain it is disconnected and the object told
 *       ({@code webSocketError}, then {@code webSocketClose}), so that it cannot hold the object or
 *       other clients back.
 * </ul>
 *
 * <p>The object watches this actor: if it stops without a close (its node died), the object closes
 * the socket with 1006.
 */
public final class SocketConnection extends AbstractBehavior<Object> {

  /**
   * Messages of the connection (all local; the object's are read by its {@link ClientSocketLink}).
   */
  public interface Command {}

  /**
   * The client's stream is connected; messages go out through {@code queue}, within {@code bytes}.
   */
  public record Connected(SourceQueueWithComplete<Message> queue, OutboundBytes bytes)
      implements Command, NoSerializationVerificationNeeded {}

  /** The object refused the upgrade: nothing to connect. */
  public enum Refused implements Command, NoSerializationVerificationNeeded {
    INSTANCE
  }

  /** The client's stream started (the sink's init); acknowledge to get the first message. */
  public record StreamInit(ActorRef<Ack> ackTo)
      implements Command, NoSerializationVerificationNeeded {}

  /** A whole message from the client; acknowledge to get the next one. */
  public record Inbound(String text, byte[] data, ActorRef<Ack> ackTo)
      implements Command, NoSerializationVerificationNeeded {}

  /** The client closed (or its stream failed) with this code and reason. */
  public record ClientClosed(int code, String reason, String error)
      implements Command, NoSerializationVerificationNeeded {}

  /** The acknowledgement the client's stream waits for. */
  public enum Ack {
    INSTANCE
  }

  private record Offered(QueueOfferResult result, Throwable failure)
      implements Command, NoSerializationVerificationNeeded {}

  /** A client message has been unanswered for the delivery timeout. */
  private enum DeliveryOverdue implements Command, NoSerializationVerificationNeeded {
    INSTANCE
  }

  /** The client's stream has not started within {@link SocketTimeouts#streamStart} of the 101. */
  private enum StreamNeverStarted implements Command, NoSerializationVerificationNeeded {
    INSTANCE
  }

  private final String socketId;
  private final DurableObjectId id;
  private final ClientSocketLink object;
  private final ClientSocketListener fromObject = new FromObject();
  private final InboundPacing pacing;
  private final WebSocketMetrics metrics;
  private final TimerScheduler<Object> timers;
  private final SocketTimeouts timeouts;
  private boolean counted;
  private final List<Message> early = new ArrayList<>();
  private SourceQueueWithComplete<Message> queue;
  private OutboundBytes queuedBytes;
  private String autoRequest;
  private String autoResponse;
  private boolean closedByObject;
  private boolean closed;

  /**
   * The connection's behavior. It takes both its own {@link Command}s and the object's messages:
   * spawn it as {@code Behavior<Object>} and offer the upgrade with that reference, which the
   * object watches.
   */
  public static Behavior<Object> create(
      ClientSockets sockets,
      DurableObjectId id,
      String socketId,
      SocketLimits limits,
      SocketTimeouts timeouts,
      WebSocketMetrics metrics) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    new SocketConnection(
                        ctx, timers, sockets, id, socketId, limits, timeouts, metrics)));
  }

  private SocketConnection(
      ActorContext<Object> context,
      TimerScheduler<Object> timers,
      ClientSockets sockets,
      DurableObjectId id,
      String socketId,
      SocketLimits limits,
      SocketTimeouts timeouts,
      WebSocketMetrics metrics) {
    super(context);
    this.timers = timers;
    this.timeouts = timeouts;
    this.metrics = metrics;
    this.socketId = socketId;
    this.id = id;
    this.object = sockets.link(id, socketId, context.getSelf());
    this.pacing = new InboundPacing(limits.maxUnacknowledged(), limits.maxUnacknowledgedBytes());
  }

  @Override
  public Receive<Object> createReceive() {
    return newReceiveBuilder()
        .onMessage(Connected.class, this::onConnected)
        .onMessageEquals(Refused.INSTANCE, Behaviors::stopped)
        .onMessage(StreamInit.class, this::onStreamInit)
        .onMessageEquals(StreamNeverStarted.INSTANCE, this::onStreamNeverStarted)
        .onMessageEquals(
            DeliveryOverdue.INSTANCE,
            () ->
                undelivered(
                    "message_not_confirmed",
                    "the object did not confirm a message of this client within "
                        + timeouts.delivery().toMillis()
                        + " ms (it may or may not have handled it)"))
        .onMessage(Inbound.class, this::onInbound)
        .onMessage(ClientClosed.class, this::onClientClosed)
        .onMessage(Offered.class, this::onOffered)
        .onAnyMessage(this::onObject)
        .onSignal(org.apache.pekko.actor.typed.PostStop.class, signal -> onStopped())
        .build();
  }

  private Behavior<Object> onStopped() {
    if (counted) {
      metrics.closed();
    }
    return this;
  }

  private Behavior<Object> onObject(Object message) {
    if (!object.receive(message, fromObject)) {
      return Behaviors.unhandled();
    }
    return closed ? Behaviors.stopped() : this; // the object's news closed it (undelivered)
  }

  /** What the object tells this socket. */
  private final class FromObject implements ClientSocketListener {
    @Override
    public void accepted(String request, String response) {
      autoRequest = request;
      autoResponse = response;
    }

    @Override
    public void autoResponseChanged(String request, String response) {
      autoRequest = request;
      autoResponse = response;
    }

    @Override
    public void send(String text) {
      deliver(TextMessage.create(text));
    }

    @Override
    public void send(byte[] data) {
      deliver(BinaryMessage.create(ByteString.fromArray(data)));
    }

    @Override
    public void close(int code, String reason) {
      closedByObject = true;
      if (queue != null) {
        queue.complete(); // a normal close (1000): Pekko HTTP sends no other code
      }
    }

    @Override
    public void messageFailed(String code, String message) {
      undelivered(code, "a message of this client was not handled: " + message);
    }

    @Override
    public void messageHandled() {
      ActorRef<Ack> release = pacing.handled();
      if (pacing.outstanding() == 0) {
        timers.cancel(DeliveryOverdue.INSTANCE);
      } else {
        timers.startSingleTimer(
            DeliveryOverdue.INSTANCE, timeouts.delivery()); // the next one's turn
      }
      if (release != null) {
        release.tell(Ack.INSTANCE);
      }
    }
  }

  private Behavior<Object> onStreamInit(StreamInit init) {
    timers.cancel(StreamNeverStarted.INSTANCE);
    return ack(init.ackTo());
  }

  private Behavior<Object> onStreamNeverStarted() {
    if (!closed && !closedByObject) {
      getContext()
          .getLog()
          .info(
              "WebSocket {} of object {}: the client left before the upgrade completed",
              socketId,
              id); // the ID, not the name: a name may hold control characters
      object.closed(1006, "the client left before the upgrade completed");
    }
    closed = true;
    if (queue != null) {
      queue.complete();
    }
    return Behaviors.stopped();
  }

  private Behavior<Object> onConnected(Connected connected) {
    timers.startSingleTimer(StreamNeverStarted.INSTANCE, timeouts.streamStart());
    queue = connected.queue();
    queuedBytes = connected.bytes();
    counted = true;
    metrics.opened();
    early.forEach(this::deliver);
    early.clear();
    if (closedByObject) {
      queue.complete();
    }
    queue.watchCompletion().whenComplete((done, failure) -> {});
    return this;
  }

  private void deliver(Message message) {
    if (queue == null) {
      early.add(message); // sent by the object between its acceptance and the stream's start
      return;
    }
    metrics.sent();
    ActorRef<Object> self = getContext().getSelf();
    if (!queuedBytes.tryReserve(message)) {
      self.tell(new Offered(QueueOfferResult.dropped(), null)); // beyond the bytes: too slow
      return;
    }
    queue.offer(message).whenComplete((result, failure) -> self.tell(new Offered(result, failure)));
  }

  private Behavior<Object> onOffered(Offered offered) {
    if (offered.failure() == null && offered.result() == QueueOfferResult.enqueued()) {
      return this;
    }
    if (closed || closedByObject) {
      return this;
    }
    // The client does not read fast enough: drop it rather than buffer without end.
    metrics.droppedSlowClient();
    getContext()
        .getLog()
        .warn(
            "WebSocket {} of object {}: the client did not read its messages fast enough (send buffer"
                + " full); disconnected",
            socketId,
            LogText.escape(id.name().orElse(id.toString())));
    object.failed("the client did not read its messages fast enough and was disconnected");
    object.closed(1008, "client too slow");
    closed = true;
    queue.fail(new IllegalStateException("client too slow: its send buffer is full"));
    return Behaviors.stopped();
  }

  private Behavior<Object> onInbound(Inbound inbound) {
    if (closed) {
      return this;
    }
    metrics.received();
    if (autoRequest != null && autoRequest.equals(inbound.text())) {
      deliver(TextMessage.create(autoResponse)); // answered here: the object stays asleep
      return ack(inbound.ackTo());
    }
    if (pacing.outstanding() == 0) {
      timers.startSingleTimer(DeliveryOverdue.INSTANCE, timeouts.delivery());
    }
    object.message(inbound.text(), inbound.data());
    int size = inbound.text() != null ? inbound.text().length() : inbound.data().length;
    // Backpressure: beyond the bounds the next message waits for the object.
    return pacing.sent(size, inbound.ackTo()) ? ack(inbound.ackTo()) : this;
  }

  /**
   * A client message was not handled (refused, or lost on the way): the client gets an error
   * message {@code {"error": code, "message": ...}} and the socket closes, since the messages after
   * it would otherwise reach the object out of order (or not at all, once every unanswered message
   * has used up the client's allowance); the object is told as for any failed socket.
   */
  private Behavior<Object> undelivered(String code, String message) {
    if (closed || closedByObject) {
      return this;
    }
    getContext()
        .getLog()
        .info("WebSocket {} of object {}: {} ({}); closing it", socketId, id, message, code);
    metrics.undelivered();
    deliver(TextMessage.create(ErrorResponses.body(code, message)));
    closed = true;
    if (queue != null) {
      queue.complete(); // after the error message
    }
    object.failed(message);
    object.closed(1011, code);
    return Behaviors.stopped();
  }

  private Behavior<Object> onClientClosed(ClientClosed closedByClient) {
    if (!closed && !closedByObject) {
      if (closedByClient.error() != null) {
        object.failed(closedByClient.error());
      }
      object.closed(closedByClient.code(), closedByClient.reason());
    }
    closed = true;
    if (queue != null) {
      queue.complete();
    }
    return Behaviors.stopped();
  }

  private Behavior<Object> ack(ActorRef<Ack> ackTo) {
    ackTo.tell(Ack.INSTANCE);
    return this;
  }
}

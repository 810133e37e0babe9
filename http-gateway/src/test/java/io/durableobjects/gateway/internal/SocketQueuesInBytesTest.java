package io.durableobjects.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.core.internal.ObjectIdFactory;
import io.durableobjects.core.spi.ClientSocketListener;
import io.durableobjects.testsupport.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A client WebSocket's queues are bounded in bytes, not only in messages: a client of large
 * messages is held back (inbound) or disconnected (outbound) long before the message counts are
 * reached, so that a few clients cannot fill the heap with megabyte messages.
 */
class SocketQueuesInBytesTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final String FOUR_KIB = "x".repeat(4096);
  // Counts far above what the tests send: only the byte bounds (10 KiB) can act.
  private static final SocketLimits LIMITS = new SocketLimits(1000, 10 * 1024, 1000, 10 * 1024);

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static ActorRef<Object> connection(RecordingSockets object, String socketId) {
    return testKit.spawn(
        SocketConnection.create(
            object,
            ObjectIdFactory.create("room", "cd".repeat(32), null),
            socketId,
            LIMITS,
            new SocketTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(30)),
            new WebSocketMetrics(new SimpleMeterRegistry())));
  }

  /** Starts the client's stream; answers the probe its acknowledgements go to. */
  private static TestProbe<SocketConnection.Ack> start(
      ActorRef<Object> connection, SourceQueueWithComplete<Message> queue, OutboundBytes bytes) {
    connection.tell(new SocketConnection.Connected(queue, bytes));
    TestProbe<SocketConnection.Ack> acks = testKit.createTestProbe();
    connection.tell(new SocketConnection.StreamInit(acks.getRef()));
    acks.expectMessage(SocketConnection.Ack.INSTANCE);
    return acks;
  }

  @Test
  void aClientOfLargeMessagesWaitsForTheObjectOnceItsBytesAreAhead() {
    RecordingSockets object = new RecordingSockets();
    ActorRef<Object> connection = connection(object, "inbound");
    SourceQueueWithComplete<Message> queue =
        Source.<Message>queue(16, OverflowStrategy.dropNew())
            .to(Sink.ignore())
            .run(Materializer.matFromSystem(testKit.system()));
    TestProbe<SocketConnection.Ack> acks = start(connection, queue, new OutboundBytes(1 << 20));

    connection.tell(new SocketConnection.Inbound(FOUR_KIB, null, acks.getRef()));
    acks.expectMessage(SocketConnection.Ack.INSTANCE); // 4 KiB ahead
    connection.tell(new SocketConnection.Inbound(FOUR_KIB, null, acks.getRef()));
    acks.expectMessage(SocketConnection.Ack.INSTANCE); // 8 KiB ahead
    connection.tell(new SocketConnection.Inbound(FOUR_KIB, null, acks.getRef()));
    acks.expectNoMessage(Duration.ofMillis(300)); // 12 KiB ahead: held back

    connection.tell(new RecordingSockets.Says(ClientSocketListener::messageHandled));
    acks.expectMessage(SocketConnection.Ack.INSTANCE); // 8 KiB ahead again
    assertThat(object.toObject).hasSize(3).allMatch(event -> event.startsWith("message x"));
  }

  @Test
  void aClientThatDoesNotReadIsDisconnectedOnceItsQueuedBytesPassTheBound() throws Exception {
    RecordingSockets object = new RecordingSockets();
    ActorRef<Object> connection = connection(object, "outbound");
    OutboundBytes bytes = new OutboundBytes(LIMITS.sendBufferBytes());
    // The client takes one message and then reads no more.
    SourceQueueWithComplete<Message> queue =
        Source.<Message>queue(LIMITS.sendBuffer(), OverflowStrategy.dropNew())
            .map(bytes::taken)
            .mapAsync(1, message -> new CompletableFuture<Message>())
            .to(Sink.ignore())
            .run(Materializer.matFromSystem(testKit.system()));
    start(connection, queue, bytes);

    for (int i = 0; i < 4; i++) {
      connection.tell(new RecordingSockets.Says(listener -> listener.send(FOUR_KIB)));
    }

    Await.until(
        "the client disconnected as too slow",
        Duration.ofSeconds(10),
        () -> object.toObject.contains("closed 1008 client too slow"));
    testKit.createTestProbe().expectTerminated(connection, Duration.ofSeconds(5));
  }

  @Test
  void smallMessagesWithinTheBoundsFlowFreely() {
    RecordingSockets object = new RecordingSockets();
    ActorRef<Object> connection = connection(object, "small");
    SourceQueueWithComplete<Message> queue =
        Source.<Message>queue(16, OverflowStrategy.dropNew())
            .to(Sink.ignore())
            .run(Materializer.matFromSystem(testKit.system()));
    TestProbe<SocketConnection.Ack> acks = start(connection, queue, new OutboundBytes(1 << 20));
    for (int i = 0; i < 50; i++) {
      connection.tell(new SocketConnection.Inbound("hi", null, acks.getRef()));
      acks.expectMessage(SocketConnection.Ack.INSTANCE);
      connection.tell(new RecordingSockets.Says(ClientSocketListener::messageHandled));
      connection.tell(new RecordingSockets.Says(listener -> listener.send("ok")));
    }
    assertThat(object.toObject).hasSize(50).doesNotContain("closed 1008 client too slow");
  }
}

package io.durableobjects.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.internal.ObjectIdFactory;
import io.durableobjects.core.spi.ClientSocketListener;
import io.durableobjects.core.spi.ClientSockets;
import io.durableobjects.testsupport.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every client message is handled, or the client is told why not: a message the object refused, or
 * one nobody answered within the delivery timeout (lost with its object's node), gets the client an
 * error message and a closed socket, and the object a close (1011), instead of silence and, after a
 * few such losses, a socket the gateway no longer reads. The object's side is a recording {@link
 * ClientSockets}: the connection's own behaviour is under test.
 */
class SocketConnectionDeliveryTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Duration DELIVERY_TIMEOUT = Duration.ofMillis(400);
  private static final DurableObjectId ID = ObjectIdFactory.create("room", "ab".repeat(32), null);

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** A connected socket: the connection, what reaches the client, and the object's record. */
  private record Socket(
      ActorRef<Object> connection,
      CompletionStage<List<Message>> toClient,
      RecordingSockets object,
      TestProbe<SocketConnection.Ack> acks) {

    void clientSays(String text) {
      connection.tell(new SocketConnection.Inbound(text, null, acks.getRef()));
      acks.expectMessage(SocketConnection.Ack.INSTANCE);
    }

    void objectSays(Consumer<ClientSocketListener> what) {
      connection.tell(new RecordingSockets.Says(what));
    }

    /** Waits until the object was told exactly these, in order (told from the actor's thread). */
    void objectHeard(String... events) throws InterruptedException {
      Await.until(
          "the object told " + List.of(events),
          Duration.ofSeconds(10),
          () -> object.toObject.size() >= events.length);
      assertThat(object.toObject).containsExactly(events);
    }

    /** What the client got before its socket closed. */
    List<String> closedWith() throws Exception {
      return toClient.toCompletableFuture().get(10, TimeUnit.SECONDS).stream()
          .map(m -> m.asTextMessage().getStrictText())
          .toList();
    }
  }

  private static Socket connect(String socketId) {
    RecordingSockets object = new RecordingSockets();
    ActorRef<Object> connection =
        testKit.spawn(
            SocketConnection.create(
                object,
                ID,
                socketId,
                new SocketLimits(16, 1 << 20, 16, 1 << 20),
                new SocketTimeouts(DELIVERY_TIMEOUT, Duration.ofSeconds(10)),
                new WebSocketMetrics(new SimpleMeterRegistry())));
    Pair<SourceQueueWithComplete<Message>, CompletionStage<List<Message>>> client =
        Source.<Message>queue(16, OverflowStrategy.dropNew())
            .toMat(Sink.seq(), Keep.both())
            .run(Materializer.matFromSystem(testKit.system()));
    connection.tell(new SocketConnection.Connected(client.first(), new OutboundBytes(1 << 20)));
    TestProbe<SocketConnection.Ack> acks = testKit.createTestProbe();
    connection.tell(new SocketConnection.StreamInit(acks.getRef()));
    acks.expectMessage(SocketConnection.Ack.INSTANCE);
    return new Socket(connection, client.second(), object, acks);
  }

  @Test
  void aMessageTheObjectRefusedClosesTheSocketWithAnErrorMessage() throws Exception {
    Socket socket = connect("refused");
    socket.clientSays("hello");
    socket.objectSays(
        listener -> listener.messageFailed("unavailable", "the object has too many waiting calls"));

    assertThat(socket.closedWith())
        .containsExactly(
            "{\"error\":\"unavailable\",\"message\":\"a message of this client was not handled:"
                + " the object has too many waiting calls\"}");
    socket.objectHeard("message hello", "failed", "closed 1011 unavailable");
    testKit.createTestProbe().expectTerminated(socket.connection(), Duration.ofSeconds(5));
  }

  @Test
  void aMessageNobodyAnswersClosesTheSocketAfterTheDeliveryTimeout() throws Exception {
    Socket socket = connect("lost");
    socket.clientSays("into the void");

    assertThat(socket.closedWith())
        .singleElement()
        .asString()
        .startsWith("{\"error\":\"message_not_confirmed\"")
        .contains("did not confirm a message of this client within 400 ms");
    socket.objectHeard("message into the void", "failed", "closed 1011 message_not_confirmed");
  }

  @Test
  void answeredMessagesKeepTheSocketOpenAndEachLaterOneHasItsOwnDeadline() throws Exception {
    Socket socket = connect("answered");
    for (int i = 0; i < 3; i++) {
      socket.clientSays("m" + i);
      socket.objectSays(ClientSocketListener::messageHandled);
    }
    // Past the delivery timeout, with every message answered: nothing closed.
    Thread.sleep(DELIVERY_TIMEOUT.multipliedBy(2).toMillis());
    assertThat(socket.toClient().toCompletableFuture()).isNotDone();

    socket.clientSays("unanswered");
    assertThat(socket.closedWith())
        .singleElement()
        .asString()
        .startsWith("{\"error\":\"message_not_confirmed\"");
  }
}

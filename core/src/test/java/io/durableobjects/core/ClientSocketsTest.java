package io.durableobjects.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.durableobjects.core.internal.ObjectIdFactory;
import io.durableobjects.core.internal.entity.FetchReply;
import io.durableobjects.core.spi.ClientSocketLink;
import io.durableobjects.core.spi.ClientSocketListener;
import io.durableobjects.core.spi.ClientSockets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's SPI for client WebSockets ({@link ClientSockets}), with a test probe in place of a
 * gateway's connection actor: an upgrade offered and accepted, the object's messages read back
 * through the link, a client message handled and acknowledged, a close reaching the object, and
 * upgrades the object refuses or that cannot reach any object.
 */
class ClientSocketsTest {
  private static ActorTestKit testKit;
  private static DurableObjectNamespace rooms;
  private static ClientSockets sockets;

  @BeforeAll
  static void startNode() {
    testKit =
        TestNodes.start(
            "ClientSocketsTest",
            "durable-objects.namespaces.room.class = \"%s\""
                .formatted(WebSocketObjectTest.Room.class.getName()));
    rooms = DurableObjects.get(testKit.system()).namespace("room");
    sockets = ClientSockets.of(testKit.system());
  }

  @AfterAll
  static void stopNode() {
    testKit.shutdownTestKit();
  }

  /** What the object told the connection, in order, as text. */
  private static final class Heard implements ClientSocketListener {
    final List<String> events = new ArrayList<>();

    @Override
    public void accepted(String autoRequest, String autoResponse) {
      events.add("accepted");
    }

    @Override
    public void autoResponseChanged(String request, String response) {
      events.add("auto " + request + " " + response);
    }

    @Override
    public void send(String text) {
      events.add("send " + text);
    }

    @Override
    public void send(byte[] data) {
      events.add("send " + data.length + " bytes");
    }

    @Override
    public void close(int code, String reason) {
      events.add("close " + code);
    }

    @Override
    public void messageHandled() {
      events.add("handled");
    }

    @Override
    public void messageFailed(String code, String message) {
      events.add("failed " + code);
    }
  }

  /** Hands the probe's next message to the link; it must be the object's. */
  private static void receiveOne(TestProbe<Object> connection, ClientSocketLink link, Heard heard) {
    Object message = connection.receiveMessage(Duration.ofSeconds(10));
    assertThat(link.receive(message, heard)).as("a message of the object: " + message).isTrue();
  }

  @Test
  void anAcceptedSocketCarriesTheObjectsTrafficBothWays() throws Exception {
    DurableObjectId id = rooms.idFromName("spi-room");
    TestProbe<Object> connection = testKit.createTestProbe();
    ClientSocketLink link = sockets.link(id, "socket-1", connection.getRef());
    Heard heard = new Heard();

    Response answer =
        sockets
            .offer(
                id, Request.of("GET", "/ws").withQuery("name=ann"), "socket-1", connection.getRef())
            .toCompletableFuture()
            .get(TestTime.PROMPT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(answer.status()).isEqualTo(101);
    receiveOne(connection, link, heard);
    assertThat(heard.events).containsExactly("accepted");

    link.message("hello", null);
    receiveOne(connection, link, heard);
    receiveOne(connection, link, heard);
    assertThat(heard.events).containsExactlyInAnyOrder("accepted", "send 1 ann: hello", "handled");

    link.closed(1000, "bye");
    connection.awaitAssert(
        Duration.ofSeconds(10),
        () -> {
          assertThat(closedNote(id)).isEqualTo("ann 1000 true");
          return null;
        });
    assertThat(link.receive("not the object's", heard)).isFalse();
  }

  @Test
  void aMessageTheObjectCouldNotTakeIsReadAsFailedAndOneItFailedOnAsHandled() {
    ClientSocketLink link =
        sockets.link(
            rooms.idFromName("spi-failed"), "socket-f", testKit.createTestProbe().getRef());
    Heard heard = new Heard();
    // What an object answers to a message it refused (too many calls waiting), to one whose
    // answer timed out, and to one its handler threw on.
    assertThat(
            link.receive(
                new FetchReply.Failed(503, "unavailable", "too many waiting requests"), heard))
        .isTrue();
    assertThat(link.receive(new FetchReply.Failed(504, "object_timeout", "too slow"), heard))
        .isTrue();
    assertThat(link.receive(new FetchReply.Failed(500, "object_error", "boom"), heard)).isTrue();
    assertThat(heard.events)
        .containsExactly("failed unavailable", "failed object_timeout", "handled");
  }

  /** What the room remembers of the last close: "name code wasClean". */
  private static String closedNote(DurableObjectId id) {
    return rooms
        .get(id)
        .fetch(Request.of("GET", "/closed"))
        .toCompletableFuture()
        .orTimeout(TestTime.PROMPT.toMillis(), TimeUnit.MILLISECONDS)
        .join()
        .bodyText();
  }

  @Test
  void anUpgradeTheObjectRefusesAnswersItsResponse() throws Exception {
    DurableObjectId id = rooms.idFromName("spi-refusing");
    TestProbe<Object> connection = testKit.createTestProbe();
    Response answer =
        sockets
            .offer(id, Request.of("GET", "/count"), "socket-2", connection.getRef())
            .toCompletableFuture()
            .get(TestTime.PROMPT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(answer.status()).isEqualTo(200);
    connection.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void anUpgradeForAnUnknownNamespaceIsRefused() {
    DurableObjectId elsewhere = ObjectIdFactory.create("nope", "0".repeat(64), null);
    TestProbe<Object> connection = testKit.createTestProbe();
    assertThatThrownBy(
            () ->
                sockets.offer(elsewhere, Request.of("GET", "/ws"), "socket-3", connection.getRef()))
        .isInstanceOf(UnknownNamespaceException.class);
  }
}

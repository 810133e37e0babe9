package io.durableobjects.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.core.internal.ShardedNamespace;
import io.durableobjects.core.internal.entity.FetchReply;
import io.durableobjects.core.internal.entity.ObjectCommand;
import io.durableobjects.core.internal.socket.SocketCommand;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An object holding WebSockets, with test probes in place of the gateway's connections: accept,
 * broadcast in order after the write is durable, attachments and the socket list surviving
 * eviction, the close callback, and a connection that dies (1006).
 */
class WebSocketObjectTest {

  /**
   * A room: accepts every upgrade (name in the query), broadcasts "name: text", counts messages.
   */
  public static final class Room implements FetchHandler {
    private final DurableObjectState state;

    public Room(DurableObjectState state) {
      this.state = state;
    }

    @Override
    public Response fetch(Request request) {
      if (request.path().equals("/ws-tags")) {
        return state.acceptWebSocket(request, "a", "b", "c");
      }
      if (request.path().equals("/ws-big")) {
        return state.acceptWebSocket(request, ws -> ws.serializeAttachment("x".repeat(200)));
      }
      if (request.path().equals("/ws-loud")) {
        return state.acceptWebSocket(request, ws -> ws.send("x".repeat(2000)));
      }
      if (request.path().equals("/ws-refuse")) {
        return Response.status(101); // without accepting: an error
      }
      if (request.path().equals("/not-an-upgrade")) {
        return state.acceptWebSocket(request);
      }
      if (request.path().equals("/ws")) {
        String name = request.queryParam("name").orElse("anonymous");
        return state.acceptWebSocket(
            request, ws -> ws.serializeAttachment(name), "member", "name:" + name);
      }
      if (request.path().equals("/closed")) {
        return Response.text(state.storage().get("closed", String.class).orElse(""));
      }
      return Response.text(Integer.toString(state.getWebSockets("member").size()));
    }

    @Override
    public void webSocketMessage(WebSocket socket, WebSocketMessage message) {
      long seq = state.storage().get("seq", Long.class).orElse(0L) + 1;
      state.storage().put("seq", seq);
      String from = socket.deserializeAttachment(String.class).orElse("?");
      for (WebSocket member : state.getWebSockets("member")) {
        member.send(seq + " " + from + ": " + message.text());
      }
    }

    @Override
    public void webSocketClose(WebSocket socket, int code, String reason, boolean wasClean) {
      String from = socket.deserializeAttachment(String.class).orElse("?");
      state.storage().put("closed", from + " " + code + " " + wasClean);
    }
  }

  private static ActorTestKit testKit;
  private static DurableObjectNamespace rooms;

  @BeforeAll
  static void startNode() {
    testKit =
        TestNodes.start(
            "WebSocketObjectTest",
            """
            durable-objects.passivation.idle-timeout = 1s
            durable-objects.websockets {
              max-per-object = 3
              max-tags = 2
              max-attachment-size = 64
              max-message-size = 1 KiB
            }
            durable-objects.namespaces.room.class = "%s"
            """
                .formatted(Room.class.getName()));
    rooms = DurableObjects.get(testKit.system()).namespace("room");
  }

  @AfterAll
  static void stopNode() {
    testKit.shutdownTestKit();
  }

  private static EntityRef<ObjectCommand> entity(String room) {
    return ClusterSharding.get(testKit.system())
        .entityRefFor(ShardedNamespace.typeKey("room"), rooms.idFromName(room).toString());
  }

  private static TestProbe<SocketCommand> join(String room, String name, String socketId) {
    TestProbe<SocketCommand> connection = testKit.createTestProbe();
    TestProbe<FetchReply> reply = testKit.createTestProbe();
    entity(room)
        .tell(
            new ObjectCommand.Upgrade(
                room,
                Request.of("GET", "/ws").withQuery("name=" + name),
                socketId,
                connection.getRef(),
                reply.getRef()));
    assertThat(connection.receiveMessage()).isInstanceOf(SocketCommand.Accepted.class);
    FetchReply answer = reply.receiveMessage();
    assertThat(((FetchReply.Ok) answer).response().status()).isEqualTo(101);
    return connection;
  }

  private static void say(String room, String socketId, String text) {
    TestProbe<FetchReply> ack = testKit.createTestProbe();
    entity(room)
        .tell(
            new ObjectCommand.SocketEvent(
                room,
                socketId,
                ObjectCommand.SocketEventKind.MESSAGE,
                text,
                null,
                0,
                ack.getRef()));
    ack.receiveMessage();
  }

  private static String text(TestProbe<SocketCommand> connection) {
    return ((SocketCommand.Send) connection.receiveMessage()).text();
  }

  private static String call(String room, String path) throws Exception {
    return rooms
        .get(rooms.idFromName(room))
        .fetch(Request.of("GET", path))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS)
        .bodyText();
  }

  @Test
  void membersGetEveryMessageInTheSameOrderAcrossEviction() throws Exception {
    TestProbe<SocketCommand> alice = join("lobby", "alice", "s-alice");
    TestProbe<SocketCommand> bob = join("lobby", "bob", "s-bob");
    TestProbe<SocketCommand> carol = join("lobby", "carol", "s-carol");
    say("lobby", "s-alice", "hi");
    say("lobby", "s-bob", "hello");
    for (TestProbe<SocketCommand> member : List.of(alice, bob, carol)) {
      assertThat(text(member)).isEqualTo("1 alice: hi");
      assertThat(text(member)).isEqualTo("2 bob: hello");
    }
    // Idle, the object is evicted; the connections stay.
    TestNodes.awaitInactive(testKit, "room", rooms.idFromName("lobby").toString());
    say("lobby", "s-carol", "still here?");
    for (TestProbe<SocketCommand> member : List.of(alice, bob, carol)) {
      // The attachment (the member's name) and the socket list survived the eviction.
      assertThat(text(member)).isEqualTo("3 carol: still here?");
    }
    assertThat(call("lobby", "/")).isEqualTo("3");
  }

  private static FetchReply upgrade(String room, String path, String socketId) {
    TestProbe<SocketCommand> connection = testKit.createTestProbe();
    TestProbe<FetchReply> reply = testKit.createTestProbe();
    entity(room)
        .tell(
            new ObjectCommand.Upgrade(
                room, Request.of("GET", path), socketId, connection.getRef(), reply.getRef()));
    return reply.receiveMessage();
  }

  private static String refusal(FetchReply reply) {
    assertThat(reply).isInstanceOf(FetchReply.Failed.class);
    FetchReply.Failed failed = (FetchReply.Failed) reply;
    return failed.status() + " " + failed.message();
  }

  @Test
  void limitsAreEnforcedWithPreciseErrors() throws Exception {
    assertThat(refusal(upgrade("limits", "/ws-tags", "t1")))
        .isEqualTo(
            "413 a WebSocket may have at most 2 tags (durable-objects.websockets.max-tags), got 3");
    assertThat(refusal(upgrade("limits", "/ws-big", "t2")))
        .startsWith("413 the attachment of socket t2 is 203 bytes; the limit is 64");
    assertThat(refusal(upgrade("limits", "/ws-loud", "t3")))
        .startsWith("413 a WebSocket message is limited to 1024 bytes");
    assertThat(refusal(upgrade("limits", "/ws-refuse", "t4")))
        .contains("answered 101 without accepting the WebSocket");
    TestProbe<FetchReply> plain = testKit.createTestProbe();
    entity("limits")
        .tell(
            new ObjectCommand.Fetch(
                "limits", Request.of("GET", "/not-an-upgrade"), List.of(), plain.getRef()));
    assertThat(refusal(plain.receiveMessage()))
        .contains("acceptWebSocket needs the WebSocket upgrade request");
    // A refused upgrade accepted nothing; then the object takes at most 3 sockets.
    for (int i = 0; i < 3; i++) {
      join("limits", "m" + i, "m" + i);
    }
    assertThat(refusal(upgrade("limits", "/ws", "m3")))
        .isEqualTo(
            "413 the object already holds 3 WebSockets (durable-objects.websockets.max-per-object)");
  }

  @Test
  void aClientThatClosesIsForgottenAndTheObjectIsTold() throws Exception {
    join("closing", "dave", "s-dave");
    TestProbe<SocketCommand> erin = join("closing", "erin", "s-erin");
    TestProbe<FetchReply> ack = testKit.createTestProbe();
    entity("closing")
        .tell(
            new ObjectCommand.SocketEvent(
                "closing",
                "s-dave",
                ObjectCommand.SocketEventKind.CLOSE,
                "bye",
                null,
                1000,
                ack.getRef()));
    ack.receiveMessage();
    assertThat(call("closing", "/closed")).isEqualTo("dave 1000 true");
    assertThat(call("closing", "/")).isEqualTo("1");
    say("closing", "s-erin", "alone");
    assertThat(text(erin)).isEqualTo("1 erin: alone");
  }

  @Test
  void aConnectionThatDiesIsClosedWith1006() throws Exception {
    TestProbe<SocketCommand> frank = join("lost", "frank", "s-frank");
    frank.stop(); // its actor stops without a close, as when its gateway node dies
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(10),
            () -> {
              assertThat(call("lost", "/closed")).isEqualTo("frank 1006 false");
              return null;
            });
    assertThat(call("lost", "/")).isEqualTo("0");
  }
}

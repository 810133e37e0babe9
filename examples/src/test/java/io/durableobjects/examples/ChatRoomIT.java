package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.cassandra.embedded.EmbeddedCassandra;
import io.durableobjects.cassandra.testkit.CassandraExtension;
import io.durableobjects.gateway.DurableObjectsServer;
import io.durableobjects.testsupport.Await;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chat room over real WebSockets, on one node with a real Cassandra: one total order for all
 * members, hibernation (the room is evicted while members stay connected), attachments, the close
 * callback, history on join, and the gateway's auto-response.
 */
@ExtendWith(CassandraExtension.class)
class ChatRoomIT {
  private static DurableObjectsServer node;
  private static int port;

  @BeforeAll
  static void start(EmbeddedCassandra cassandra) {
    NodeFixture fixture = new NodeFixture(ChatRoomIT.class, cassandra);
    node =
        DurableObjectsServer.start(
            DurableObjectsServer.loadConfig(
                ConfigFactory.parseString(
                        """
                        durable-objects.passivation.idle-timeout = 2s
                        # Small buffers towards clients, so that a client that does not read is
                        # found out after little traffic.
                        durable-objects.http.websocket.send-buffer = 64
                        pekko.http.server.socket-options.so-send-buffer-size = 8k
                        """)
                    .withFallback(fixture.nodeConfig())));
    port = node.httpAddress().getPort();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static JsonNode json(String text) throws Exception {
    return JsonResponses.JSON.readTree(text);
  }

  private static List<String> take(ChatClient client, int count) throws Exception {
    List<String> messages = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      messages.add(client.next());
    }
    return messages;
  }

  @Test
  void threeMembersSeeTheSameMessagesInTheSameOrderAcrossEviction() throws Exception {
    try (ChatClient alice = ChatClient.join(port, "order", "alice");
        ChatClient bob = ChatClient.join(port, "order", "bob");
        ChatClient carol = ChatClient.join(port, "order", "carol")) {
      // All at once: the room puts them in one order, the same for everyone.
      for (int i = 0; i < 10; i++) {
        alice.send("a" + i);
        bob.send("b" + i);
        carol.send("c" + i);
      }
      List<String> seen = take(alice, 30);
      assertThat(take(bob, 30)).isEqualTo(seen);
      assertThat(take(carol, 30)).isEqualTo(seen);
      for (int i = 0; i < 30; i++) {
        assertThat(json(seen.get(i)).get("seq").asLong()).isEqualTo(i + 1);
      }
      assertThat(seen)
          .filteredOn(m -> m.contains("\"a3\""))
          .singleElement()
          .asString()
          .contains("\"from\":\"alice\"");

      double evictions = evictions();
      // Idle past the 2 s timeout: the room leaves memory, the sockets stay.
      Await.until("the idle room evicted", Duration.ofSeconds(10), () -> evictions() > evictions);
      bob.send("anyone still here?");
      for (ChatClient member : List.of(alice, bob, carol)) {
        JsonNode message = json(member.next());
        assertThat(message.get("seq").asLong()).isEqualTo(31);
        // The sender's name is the socket's attachment, which survived the eviction.
        assertThat(message.get("from").asText()).isEqualTo("bob");
      }
    }
  }

  private static double evictions() throws Exception {
    return NodeFixture.get(port, "/metrics")
        .body()
        .lines()
        .filter(line -> line.startsWith("durable_objects_evictions_total{namespace=\"chat-room\"}"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElse(0);
  }

  @Test
  void aClosingMemberIsForgottenAndANewOneGetsTheHistory() throws Exception {
    try (ChatClient dave = ChatClient.join(port, "history", "dave")) {
      ChatClient erin = ChatClient.join(port, "history", "erin");
      dave.send("first");
      dave.send("second");
      take(dave, 2);
      take(erin, 2);
      erin.close();
      assertThat(erin.closed.get(10, TimeUnit.SECONDS)).startsWith("1000");
      long deadline = System.currentTimeMillis() + 10_000;
      JsonNode room;
      do {
        room = json(NodeFixture.get(port, "/v1/chat-room/by-name/history/").body());
      } while (room.get("members").size() != 1 && System.currentTimeMillis() < deadline);
      assertThat(room.get("members").toString()).isEqualTo("[\"dave\"]");
      assertThat(room.get("messages").size()).isEqualTo(2);

      try (ChatClient frank = ChatClient.join(port, "history", "frank")) {
        assertThat(take(frank, 2))
            .extracting(m -> json(m).get("text").asText())
            .containsExactly("first", "second");
        frank.send("ping");
        assertThat(frank.next()).isEqualTo("pong"); // answered by the gateway
        frank.sendBinary("binary hello".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        JsonNode binary = json(frank.next());
        assertThat(binary.get("text").asText()).isEqualTo("binary hello");
        assertThat(json(dave.next()).get("seq").asLong()).isEqualTo(3);
        assertThat(
                json(NodeFixture.get(port, "/v1/chat-room/by-name/history/").body())
                    .get("messages")
                    .size())
            .isEqualTo(3);
      }
    }
  }

  @Test
  void aClientThatDoesNotReadIsDroppedWithoutHoldingBackTheOthers() throws Exception {
    try (ChatClient fast = ChatClient.join(port, "slow", "fast")) {
      ChatClient slow = ChatClient.joinWithoutReading(port, "slow", "slow");
      String text = "x".repeat(3000);
      int count = 600;
      for (int i = 0; i < count; i++) {
        fast.send(i + text);
      }
      for (int i = 0; i < count; i++) {
        assertThat(json(fast.next()).get("text").asText()).startsWith(Integer.toString(i));
      }
      long deadline = System.currentTimeMillis() + 10_000;
      JsonNode room;
      do {
        room = json(NodeFixture.get(port, "/v1/chat-room/by-name/slow/").body());
      } while (room.get("members").size() != 1 && System.currentTimeMillis() < deadline);
      assertThat(room.get("members").toString()).isEqualTo("[\"fast\"]");
      assertThat(metric("durable_objects_websockets_dropped_total{reason=\"slow_client\"}"))
          .isGreaterThanOrEqualTo(1);
      assertThat(metric("durable_objects_websockets_messages_received_total"))
          .isGreaterThanOrEqualTo(600);
      assertThat(metric("durable_objects_websockets_open")).isGreaterThanOrEqualTo(1);
    }
  }

  private static double metric(String name) throws Exception {
    return NodeFixture.get(port, "/metrics")
        .body()
        .lines()
        .filter(line -> line.startsWith(name + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElse(-1);
  }

  @Test
  void aRefusedUpgradeGetsTheRoomsAnswer() {
    assertThatThrownBy(() -> ChatClient.join(port, "refused", "x".repeat(65)))
        .cause()
        .isInstanceOf(java.net.http.WebSocketHandshakeException.class)
        .satisfies(
            e -> {
              HttpResponse<?> response =
                  ((java.net.http.WebSocketHandshakeException) e).getResponse();
              assertThat(response.statusCode()).isEqualTo(400);
            });
  }
}

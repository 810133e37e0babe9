package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.durableobjects.cassandra.testkit.CassandraExtension;
import io.durableobjects.gateway.DurableObjectsServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A room shared by clients connected to two different nodes of a three-node cluster on one
 * Cassandra (the run's shared cluster, {@link SharedInJvmCluster}): the node that hosts the room is
 * stopped, the room moves to another node, and the clients (whose sockets live on the surviving
 * gateways) keep talking. No message that a client saw acknowledged (broadcast back to it) is lost:
 * all are in the room's history afterwards.
 */
@ExtendWith({CassandraExtension.class, SharedInJvmCluster.class})
@Timeout(240)
class ChatRoomMultiNodeIT {

  @Test
  void theRoomMovesWhenItsNodeStopsAndItsMembersKeepTalking(InJvmCluster cluster) throws Exception {
    cluster.ensureNodes(3);
    List<DurableObjectsServer> nodes = cluster.nodes();
    // The room starts on whichever node sharding picks; find it.
    ChatClient first = ChatClient.join(port(nodes.get(0)), "moving", "probe");
    first.close();
    DurableObjectsServer host = cluster.hostOf(cluster.idFromName("chat-room", "moving"));
    List<DurableObjectsServer> others = new ArrayList<>(nodes);
    others.remove(host);

    ChatClient alice = ChatClient.join(port(others.get(0)), "moving", "alice");
    ChatClient bob = ChatClient.join(port(others.get(0)), "moving", "bob");
    ChatClient carol = ChatClient.join(port(others.get(1)), "moving", "carol");
    List<ChatClient> members = List.of(alice, bob, carol);
    List<String> acknowledged = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      alice.send("before-" + i);
    }
    for (ChatClient member : members) {
      for (int i = 0; i < 5; i++) {
        String text = JsonResponses.JSON.readTree(member.next()).get("text").asText();
        assertThat(text).isEqualTo("before-" + i);
        if (member == alice) {
          acknowledged.add(text);
        }
      }
    }

    cluster.stop(host); // graceful: the node leaves, sharding hands the room over
    cluster.awaitUp(2);

    for (int i = 0; i < 5; i++) {
      carol.send("after-" + i); // reaches the room on its new node, wherever that is
    }
    for (ChatClient member : members) {
      for (int i = 0; i < 5; i++) {
        JsonNode message = JsonResponses.JSON.readTree(member.next());
        assertThat(message.get("text").asText()).isEqualTo("after-" + i);
        assertThat(message.get("from").asText()).isEqualTo("carol");
        assertThat(message.get("seq").asLong()).isEqualTo(6 + i);
        if (member == carol) {
          acknowledged.add(message.get("text").asText());
        }
      }
    }
    JsonNode room =
        JsonResponses.JSON.readTree(
            NodeFixture.get(port(others.get(1)), "/v1/chat-room/by-name/moving/").body());
    List<String> history = new ArrayList<>();
    room.get("messages").forEach(m -> history.add(m.get("text").asText()));
    assertThat(history).containsExactlyElementsOf(acknowledged);
    assertThat(room.get("members").size()).isEqualTo(3);
    for (ChatClient member : members) {
      member.close();
    }
  }

  private static int port(DurableObjectsServer node) {
    return InJvmCluster.httpPort(node);
  }
}

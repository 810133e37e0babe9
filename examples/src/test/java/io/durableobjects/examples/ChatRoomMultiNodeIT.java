package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.cassandra.embedded.EmbeddedCassandra;
import io.durableobjects.cassandra.testkit.CassandraExtension;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.DurableObjects;
import io.durableobjects.core.internal.ShardedNamespace;
import io.durableobjects.gateway.DurableObjectsServer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A room shared by clients connected to two different nodes of a three-node cluster on one
 * Cassandra: the node that hosts the room is stopped, the room moves to another node, and the
 * clients (whose sockets live on the surviving gateways) keep talking. No message that a client saw
 * acknowledged (broadcast back to it) is lost: all are in the room's history afterwards.
 */
@ExtendWith(CassandraExtension.class)
@Timeout(240)
class ChatRoomMultiNodeIT {

  @Test
  void theRoomMovesWhenItsNodeStopsAndItsMembersKeepTalking(EmbeddedCassandra cassandra)
      throws Exception {
    NodeFixture fixture = new NodeFixture(ChatRoomMultiNodeIT.class, cassandra);
    int seedPort = NodeFixture.freePort();
    String seeds =
        "pekko.cluster.seed-nodes = [\"pekko://durable-objects@127.0.0.1:" + seedPort + "\"]\n"
            + "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on\n";
    List<DurableObjectsServer> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        String port = i == 0 ? "pekko.remote.artery.canonical.port = " + seedPort + "\n" : "pekko.remote.artery.canonical.port = 0\n";
        nodes.add(
            DurableObjectsServer.start(
                DurableObjectsServer.loadConfig(
                    ConfigFactory.parseString(port + seeds).withFallback(fixture.nodeConfig()))));
      }
      awaitUp(nodes.get(0), 3);

      // The room starts on whichever node sharding picks; find it.
      ChatClient first = ChatClient.join(port(nodes.get(0)), "moving", "probe");
      first.close();
      DurableObjectsServer host = hostOf(nodes, "moving");
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

      host.close(); // graceful: the node leaves, sharding hands the room over
      nodes.remove(host);
      awaitUp(others.get(0), 2);

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
    } finally {
      for (DurableObjectsServer node : nodes) {
        node.close();
      }
    }
  }

  private static int port(DurableObjectsServer node) {
    return node.httpAddress().getPort();
  }

  private static void awaitUp(DurableObjectsServer node, int members) throws InterruptedException {
    Cluster cluster = Cluster.get(node.system());
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      int up = 0;
      int all = 0;
      for (var member : cluster.state().getMembers()) {
        all++;
        if (member.status() == MemberStatus.up()) {
          up++;
        }
      }
      if (up == members && all == members) {
        return;
      }
      assertThat(System.nanoTime()).as("%d Up members", members).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static DurableObjectsServer hostOf(List<DurableObjectsServer> nodes, String room) {
    for (DurableObjectsServer node : nodes) {
      DurableObjectId id = DurableObjects.get(node.system()).namespace("chat-room").idFromName(room);
      TestProbe<ShardRegion.CurrentShardRegionState> probe = TestProbe.create(node.system());
      ClusterSharding.get(node.system())
          .shardState()
          .tell(new GetShardRegionState(ShardedNamespace.typeKey("chat-room"), probe.getRef()));
      Set<String> ids = new HashSet<>();
      probe.receiveMessage().getShards().forEach(shard -> ids.addAll(shard.getEntityIds()));
      if (ids.contains(id.toString())) {
        return node;
      }
    }
    throw new AssertionError("no node hosts room " + room);
  }
}

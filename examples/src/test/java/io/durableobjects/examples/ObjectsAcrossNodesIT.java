package io.durableobjects.examples;

import static io.durableobjects.examples.InJvmCluster.hostedIds;
import static io.durableobjects.examples.InJvmCluster.httpPort;
import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.cassandra.testkit.CassandraExtension;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.DurableObjectNamespace;
import io.durableobjects.core.DurableObjects;
import io.durableobjects.core.ObjectChange;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.gateway.DurableObjectsServer;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Counters on a three-node cluster (ActorSystems in this JVM, one Cassandra; the run's shared
 * cluster, {@link SharedInJvmCluster}): sharding spreads them over all nodes, each keeps exactly
 * what was written to it through any node's gateway or Java API, and a node that leaves gracefully
 * hands its counters to the others with their state.
 */
@ExtendWith({CassandraExtension.class, SharedInJvmCluster.class})
@Timeout(120)
class ObjectsAcrossNodesIT {
  private static final String COUNTER = "counter";

  @Test
  void objectsSpreadOverAllNodesAndKeepWhatWasWrittenThroughAnyOfThem(InJvmCluster cluster)
      throws Exception {
    cluster.ensureNodes(3);
    List<DurableObjectsServer> nodes = cluster.nodes();
    Map<String, Long> written = new LinkedHashMap<>();
    for (int i = 0; i < 60; i++) {
      String name = "spread-" + i;
      long increments = 1 + i % 4;
      for (int k = 0; k < increments; k++) {
        // Each object is written through more than one node, alternately HTTP and Java API.
        DurableObjectsServer through = nodes.get((i + k) % 3);
        assertThat(increment(through, name, i % 2 == 0)).isEqualTo(Long.toString(k + 1));
      }
      written.put(name, increments);
    }

    Set<String> ids = new HashSet<>();
    written.keySet().forEach(name -> ids.add(cluster.idFromName(COUNTER, name).toString()));
    Set<String> seen = new HashSet<>();
    for (DurableObjectsServer node : nodes) {
      Set<String> hosted = hostedIds(node, COUNTER);
      hosted.retainAll(ids);
      assertThat(hosted).as("counters on %s", InJvmCluster.address(node)).isNotEmpty();
      assertThat(seen).as("counters on more than one node").doesNotContainAnyElementsOf(hosted);
      seen.addAll(hosted);
    }
    assertThat(seen).isEqualTo(ids);

    for (Map.Entry<String, Long> object : written.entrySet()) {
      for (DurableObjectsServer node : nodes) {
        assertThat(read(node, object.getKey()))
            .as("%s read through %s", object.getKey(), InJvmCluster.address(node))
            .isEqualTo(object.getValue());
      }
    }
  }

  @Test
  void aNodeThatLeavesHandsItsObjectsOverWithTheirState(InJvmCluster cluster) throws Exception {
    cluster.ensureNodes(3);
    List<DurableObjectsServer> nodes = cluster.nodes();
    Map<String, Long> written = new LinkedHashMap<>();
    for (int i = 0; i < 30; i++) {
      String name = "leave-" + i;
      for (int k = 0; k <= i % 3; k++) {
        increment(nodes.get(i % 3), name, true);
      }
      written.put(name, 1L + i % 3);
    }
    // The oldest node: it also runs the shard coordinator, which moves with it.
    DurableObjectsServer leaving = nodes.get(0);
    Set<String> onLeaving = hostedIds(leaving, COUNTER);
    List<String> moving = new ArrayList<>();
    for (String name : written.keySet()) {
      if (onLeaving.contains(cluster.idFromName(COUNTER, name).toString())) {
        moving.add(name);
      }
    }
    assertThat(moving).as("counters on the node that leaves").isNotEmpty();

    cluster.stop(leaving);
    cluster.awaitUp(2);

    List<DurableObjectsServer> survivors = cluster.nodes();
    for (String name : written.keySet()) {
      for (DurableObjectsServer node : survivors) {
        assertThat(read(node, name))
            .as("%s read through %s", name, InJvmCluster.address(node))
            .isEqualTo(written.get(name));
      }
    }
    for (String name : moving) {
      DurableObjectId id = cluster.idFromName(COUNTER, name);
      assertThat(survivors).contains(cluster.hostOf(id));
      assertThat(increment(survivors.get(1), name, true))
          .isEqualTo(Long.toString(written.get(name) + 1));
      assertThat(increment(survivors.get(0), name, false))
          .isEqualTo(Long.toString(written.get(name) + 2));
    }
  }

  /** Adds one to the counter through the node's gateway or its Java API; the new count. */
  @Test
  void everyNodeFollowsTheChangeFeedOfAnObjectOnAnother(InJvmCluster cluster) throws Exception {
    cluster.ensureNodes(3);
    List<DurableObjectsServer> nodes = cluster.nodes();
    String name = "followed-" + System.nanoTime();
    List<CompletionStage<List<ObjectChange>>> feeds = new ArrayList<>();
    for (DurableObjectsServer node : nodes) {
      DurableObjectNamespace counters = DurableObjects.get(node.system()).namespace(COUNTER);
      Pair<CompletionStage<Long>, CompletionStage<List<ObjectChange>>> feed =
          counters
              .get(counters.idFromName(name))
              .changes(-1)
              .take(3)
              .toMat(Sink.seq(), Keep.both())
              .run(node.system());
      assertThat(feed.first().toCompletableFuture().get(20, TimeUnit.SECONDS)).isZero();
      feeds.add(feed.second());
    }
    for (int k = 0; k < 3; k++) {
      increment(nodes.get(k), name, true); // through each node; the object lives on one
    }
    for (CompletionStage<List<ObjectChange>> feed : feeds) {
      assertThat(feed.toCompletableFuture().get(20, TimeUnit.SECONDS))
          .extracting(change -> change.put().get(0).json().orElseThrow())
          .containsExactly("1", "2", "3");
    }
  }

  private static String increment(DurableObjectsServer node, String name, boolean http)
      throws Exception {
    if (http) {
      HttpResponse<String> response =
          NodeFixture.post(httpPort(node), "/v1/counter/by-name/" + name + "/increment");
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return response.body();
    }
    DurableObjectNamespace counters = DurableObjects.get(node.system()).namespace(COUNTER);
    Response response =
        counters
            .get(counters.idFromName(name))
            .fetch(Request.of("POST", "/increment"))
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    assertThat(response.status()).as(response.bodyText()).isEqualTo(200);
    return response.bodyText();
  }

  private static long read(DurableObjectsServer node, String name) throws Exception {
    HttpResponse<String> response =
        NodeFixture.get(httpPort(node), "/v1/counter/by-name/" + name + "/");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Long.parseLong(response.body());
  }
}

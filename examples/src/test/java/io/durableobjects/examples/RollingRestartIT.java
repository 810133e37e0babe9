package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.cassandra.embedded.EmbeddedCassandra;
import io.durableobjects.cassandra.testkit.CassandraExtension;
import io.durableobjects.examples.ClusterLoad.Outcome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A rolling restart of a three-node cluster (child JVMs on one Cassandra) under steady load fails
 * no request: each node in turn is stopped gracefully (SIGTERM: readiness off while the load
 * balancer stops routing to it, drain, leave, hand its objects over), started again and waited
 * for, while clients keep incrementing counters through the ready nodes. Requests for objects
 * being handed over wait for their new node instead of failing.
 */
@ExtendWith(CassandraExtension.class)
@Timeout(500)
class RollingRestartIT {
  private static final int OBJECTS = 60;
  private static final int CLIENTS = 8;

  @Test
  void restartingEveryNodeInTurnUnderLoadFailsNoRequest(
      EmbeddedCassandra cassandra) throws Exception {
    Path logs = ForkedCluster.logDirectory(RollingRestartIT.class);
    NodeFixture fixture = new NodeFixture(RollingRestartIT.class, cassandra);
    List<String> objects =
        IntStream.range(0, OBJECTS).mapToObj(i -> "rolling-" + i).collect(Collectors.toList());
    // Readiness answers 503 for 2 s before the gateway stops accepting connections: the load
    // balancer (polling every 100 ms) stops routing to the node first, as Kubernetes would.
    Map<String, String> environment = Map.of("DO_SHUTDOWN_UNREADY_DELAY", "2s");
    try (ForkedCluster cluster = new ForkedCluster(fixture, logs, 3, Map.of(), environment)) {
      cluster.start();
      int[] ports = IntStream.range(0, 3).map(cluster::httpPort).toArray();
      ClusterLoad.incrementEach(ports[0], objects);
      ClusterLoad load = new ClusterLoad(ports, objects).start(CLIENTS);
      Thread.sleep(5_000);

      List<long[]> restarts = new ArrayList<>();
      for (int node = 0; node < cluster.size(); node++) {
        long from = load.now();
        cluster.stop(node);
        cluster.restart(node);
        restarts.add(new long[] {from, load.now()});
        Thread.sleep(3_000);
      }
      List<Outcome> outcomes = load.stop();

      List<Outcome> before =
          outcomes.stream().filter(o -> o.endMillis() < restarts.get(0)[0]).toList();
      List<Outcome> during =
          outcomes.stream()
              .filter(o -> restarts.stream().anyMatch(r -> o.endMillis() >= r[0] && o.startMillis() <= r[1]))
              .toList();
      long seconds = Math.max(1, (outcomes.stream().mapToLong(Outcome::endMillis).max().orElse(0)) / 1000);
      System.out.printf(
          "RollingRestartIT: %d requests (%d/s) while restarting 3 nodes in turn (%s ms each), by status %s;"
              + " latency before the restarts p50 %d / p99 %d / max %d ms, during them p50 %d / p99 %d / max %d ms%n",
          outcomes.size(),
          outcomes.size() / seconds,
          restarts.stream().map(r -> Long.toString(r[1] - r[0])).collect(Collectors.joining(", ")),
          ClusterLoad.byStatus(outcomes),
          ClusterLoad.latencyPercentile(before, 50),
          ClusterLoad.latencyPercentile(before, 99),
          ClusterLoad.latencyPercentile(before, 100),
          ClusterLoad.latencyPercentile(during, 50),
          ClusterLoad.latencyPercentile(during, 99),
          ClusterLoad.latencyPercentile(during, 100));

      assertThat(outcomes).as("requests answered during the restarts").isNotEmpty();
      assertThat(outcomes.stream().filter(o -> !o.ok()).toList()).as("failed requests").isEmpty();
      ClusterLoad.assertNoAcknowledgedIncrementLost(ports[0], objects, 1, outcomes);
    }
  }
}

package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.cassandra.embedded.EmbeddedCassandra;
import io.durableobjects.cassandra.testkit.CassandraExtension;
import io.durableobjects.examples.ClusterLoad.Outcome;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code kill -9} of a node of a three-node cluster (child JVMs on one Cassandra) under steady
 * load: every acknowledged increment is still there afterwards, the objects that lived on the
 * killed node are served by the survivors again within a bounded time, and meanwhile the surviving
 * gateways answer promptly (503 with Retry-After, never a hang).
 */
@ExtendWith(CassandraExtension.class)
@Timeout(400)
class KillNodeFailoverIT {
  private static final int OBJECTS = 60;
  private static final int CLIENTS = 16;

  @Test
  void killNineUnderLoadLosesNoAcknowledgedWriteAndItsObjectsMoveToTheSurvivors(
      EmbeddedCassandra cassandra) throws Exception {
    Path logs = ForkedCluster.logDirectory(KillNodeFailoverIT.class);
    NodeFixture fixture = new NodeFixture(KillNodeFailoverIT.class, cassandra);
    List<String> objects =
        IntStream.range(0, OBJECTS).mapToObj(i -> "failover-" + i).collect(Collectors.toList());
    try (ForkedCluster cluster = new ForkedCluster(fixture, logs, 3, Map.of(), Map.of())) {
      cluster.start();
      int[] ports = IntStream.range(0, 3).map(cluster::httpPort).toArray();
      // Every object is active somewhere before the kill (its shard has a home).
      ClusterLoad.incrementEach(ports[1], objects);
      ClusterLoad load = new ClusterLoad(ports, objects).start(CLIENTS);
      Thread.sleep(5_000);

      // The first node is the oldest: it also runs the shard coordinator and the cluster
      // singletons, the hardest node to lose.
      int victim = 0;
      load.exclude(cluster.httpPort(victim));
      long killedAt = load.now();
      cluster.kill(victim);

      Map<String, Long> recoveredAfter = awaitEveryObjectServed(load, objects, killedAt);
      Thread.sleep(3_000);
      List<Outcome> outcomes = load.stop();

      List<Outcome> afterKillOnSurvivors =
          outcomes.stream()
              .filter(o -> o.port() != cluster.httpPort(victim) && o.startMillis() >= killedAt)
              .toList();
      // The objects of the killed node are those whose calls failed after the kill (a 503, or no
      // answer); the others were served by the survivors throughout.
      Set<String> victims =
          afterKillOnSurvivors.stream().filter(o -> !o.ok()).map(Outcome::object).collect(Collectors.toSet());
      List<Long> affected =
          victims.stream().map(recoveredAfter::get).filter(t -> t != null).sorted().toList();
      long worstLatency =
          afterKillOnSurvivors.stream().mapToLong(Outcome::latencyMillis).max().orElse(0);
      System.out.printf(
          "KillNodeFailoverIT: %d requests, by status %s; after the kill on the survivors: %s;"
              + " %d of %d objects were unavailable, back after %s ms (median %d, max %d);"
              + " slowest answer after the kill %d ms%n",
          outcomes.size(),
          ClusterLoad.byStatus(outcomes),
          ClusterLoad.byStatus(afterKillOnSurvivors),
          affected.size(),
          OBJECTS,
          affected,
          affected.isEmpty() ? 0 : affected.get(affected.size() / 2),
          affected.isEmpty() ? 0 : affected.get(affected.size() - 1),
          worstLatency);

      assertThat(recoveredAfter).as("objects served again after the kill").hasSize(OBJECTS);
      assertThat(affected).as("objects of the killed node").isNotEmpty();
      // Surviving gateways answer every request, and a failure is a retryable 503.
      assertThat(afterKillOnSurvivors)
          .allSatisfy(
              o -> {
                assertThat(o.status()).as("answer to %s", o).isIn(200, 503);
                if (o.status() == 503) {
                  assertThat(o.retryAfter()).as("Retry-After of %s", o).isNotNull();
                }
              });
      ClusterLoad.assertNoAcknowledgedIncrementLost(cluster.httpPort(1), objects, 1, outcomes);
    }
  }

  /**
   * Waits until every object has had a successful increment that started after {@code killedAt};
   * answers, per object, how long after the kill that success came.
   */
  private static Map<String, Long> awaitEveryObjectServed(
      ClusterLoad load, List<String> objects, long killedAt) throws InterruptedException {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(120).toNanos();
    Map<String, Long> first = load.firstSuccessesSince(killedAt);
    while (first.size() < objects.size() && System.nanoTime() < deadline) {
      Thread.sleep(250);
      first = load.firstSuccessesSince(killedAt);
    }
    Map<String, Long> after = new HashMap<>();
    first.forEach((object, at) -> after.put(object, at - killedAt));
    return after;
  }
}

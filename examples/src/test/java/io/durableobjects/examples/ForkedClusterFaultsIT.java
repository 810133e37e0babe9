package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.durableobjects.cassandra.embedded.EmbeddedCassandra;
import io.durableobjects.cassandra.testkit.CassandraExtension;
import io.durableobjects.examples.ClusterLoad.Outcome;
import io.durableobjects.testsupport.Await;
import io.durableobjects.testsupport.TimeFactor;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Faults of whole nodes, one after the other on one three-node cluster of demo nodes (child JVMs,
 * as {@code bin/cluster} starts them, on the module's one Cassandra): starting the cluster is the
 * expensive part, so the scenarios share it, each with objects of its own: the restart first (it
 * leaves three ready nodes behind), the kill last.
 *
 * <ol>
 *   <li>A graceful restart of the oldest node under steady load fails no request: it is stopped
 *       (SIGTERM: readiness off while the load balancer stops routing to it, drain, leave, hand its
 *       objects, the shard coordinators and the alarm poller over), started again and waited for.
 *       Requests for objects being handed over wait for their new node instead of failing. The
 *       oldest node is the hardest to restart (everything a younger node hands over, and the
 *       coordinators too); {@code bin/chaos}'s rolling restart restarts every node in turn.
 *   <li>{@code kill -9} of the oldest node (shard coordinator, alarm poller singleton) under load:
 *       every acknowledged increment is still there, the objects of the killed node are served by
 *       the survivors again, and meanwhile the survivors answer promptly (503 with Retry-After,
 *       never a hang); every object's journal is still one chain written by one instance at a time
 *       (the chaos suite's journal check). Also: an increment acknowledged by the killed node right
 *       before the kill is read back by the survivors, which go on from it; alarms set before the
 *       kill and due after it fire from the survivors, woken by the durable index, without the test
 *       touching the objects first.
 * </ol>
 *
 * <p>Whole-cluster stop and start with overdue alarms: {@link AlarmDurabilityIT}. The long versions
 * with more faults: {@code bin/chaos}.
 */
@ExtendWith(CassandraExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(400)
class ForkedClusterFaultsIT {
  private static final int OBJECTS = 60;
  private static final int ALARM_OBJECTS = 20;

  private NodeFixture fixture;
  private ForkedCluster cluster;

  @BeforeAll
  void startCluster(EmbeddedCassandra cassandra) throws Exception {
    fixture = new NodeFixture(ForkedClusterFaultsIT.class, cassandra);
    // Readiness answers 503 for 2 s before the gateway stops accepting connections: the load
    // balancer (polling every 100 ms) stops routing to a stopping node first, as Kubernetes would.
    // The split-brain resolver decides after 4 s of stable membership instead of the nodes' 7 s:
    // a killed node's objects are back about 2 x stable-after plus failure detection after the
    // kill, and the test waits that out. What the test checks does not depend on the value;
    // bin/chaos
    // runs with the production default.
    Map<String, String> environment =
        Map.of("DO_SHUTDOWN_UNREADY_DELAY", "2s", "DO_SBR_STABLE_AFTER", "4s");
    cluster =
        new ForkedCluster(
            fixture,
            ForkedCluster.logDirectory(ForkedClusterFaultsIT.class),
            3,
            AlarmProbes.nodeProperties(),
            environment);
    cluster.start();
  }

  @AfterAll
  void stopCluster() throws InterruptedException {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void restartingTheOldestNodeUnderLoadFailsNoRequest() throws Exception {
    List<String> objects = names("rolling-", OBJECTS);
    int[] ports = ports();
    ClusterLoad.incrementEach(ports[0], objects);
    ClusterLoad load = new ClusterLoad(ports, objects).start(8);
    load.awaitAcknowledged(200);

    int oldest = cluster.oldest();
    long from = load.now();
    cluster.stop(oldest);
    cluster.restart(oldest);
    long back = load.now();
    // The restarted node serves again.
    load.awaitAcknowledgedBy(cluster.httpPort(oldest), back, 20);
    List<Outcome> outcomes = load.stop();

    List<Outcome> before = outcomes.stream().filter(o -> o.endMillis() < from).toList();
    List<Outcome> during =
        outcomes.stream().filter(o -> o.endMillis() >= from && o.startMillis() <= back).toList();
    System.out.printf(
        "ForkedClusterFaultsIT restart of the oldest node: %d requests while restarting node %d"
            + " (%d ms), by status %s; latency before the restart p50 %d / p99 %d / max %d ms,"
            + " during it p50 %d / p99 %d / max %d ms%n",
        outcomes.size(),
        oldest + 1,
        back - from,
        ClusterLoad.byStatus(outcomes),
        ClusterLoad.latencyPercentile(before, 50),
        ClusterLoad.latencyPercentile(before, 99),
        ClusterLoad.latencyPercentile(before, 100),
        ClusterLoad.latencyPercentile(during, 50),
        ClusterLoad.latencyPercentile(during, 99),
        ClusterLoad.latencyPercentile(during, 100));

    assertThat(during).as("requests answered during the restart").isNotEmpty();
    assertThat(outcomes.stream().filter(o -> !o.ok()).toList()).as("failed requests").isEmpty();
    ClusterLoad.assertNoAcknowledgedIncrementLost(ports[0], objects, 1, outcomes);
  }

  @Test
  @Order(2)
  void
      killNineOfTheOldestNodeUnderLoadLosesNoAcknowledgedWriteAndItsObjectsAndAlarmsMoveToTheSurvivors()
          throws Exception {
    // The oldest node runs the shard coordinators and the cluster singletons (the alarm poller):
    // the hardest node to lose.
    int victim = cluster.oldest();
    int[] ports = ports();
    int[] survivors =
        IntStream.range(0, cluster.size())
            .filter(node -> node != victim)
            .map(cluster::httpPort)
            .toArray();
    int survivor = survivors[0];
    List<String> objects = names("failover-", OBJECTS);

    // Every object is active somewhere before the kill (its shard has a home).
    ClusterLoad.incrementEach(survivor, objects);
    ClusterLoad load = new ClusterLoad(ports, objects).start(16);
    load.awaitAcknowledged(200);

    // Alarms due after the kill (sooner than its objects are back, about 15 s), on objects spread
    // over all nodes (about a third on the victim, whose alarm poller is the cluster's).
    long firedBeforeSet = AlarmProbes.fired(ports);
    long alarmsDue = System.currentTimeMillis() + TimeFactor.seconds(10).toMillis();
    AlarmProbes.set(survivor, "killed-", ALARM_OBJECTS, alarmsDue);

    // An increment acknowledged by the victim's gateway right before the kill.
    String k9 = "/v1/counter/by-name/k9/";
    for (int i = 1; i <= 20; i++) {
      HttpResponse<String> response = NodeFixture.post(cluster.httpPort(victim), k9 + "increment");
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.body()).isEqualTo(Integer.toString(i));
    }
    load.exclude(cluster.httpPort(victim));
    long firedOnSurvivors = AlarmProbes.fired(survivors);
    long dueAfterKill = ALARM_OBJECTS - (AlarmProbes.fired(ports) - firedBeforeSet);
    long killedAt = load.now();
    assertThat(cluster.kill(victim)).as("exit status of kill -9").isEqualTo(137);
    assertThat(dueAfterKill).as("alarms not yet fired at the kill").isPositive();

    Map<String, Long> recoveredAfter = awaitEveryObjectServed(load, objects, killedAt);
    load.awaitAcknowledged(200); // some load on the survivors alone
    List<Outcome> outcomes = load.stop();

    List<Outcome> afterKillOnSurvivors =
        outcomes.stream()
            .filter(o -> o.port() != cluster.httpPort(victim) && o.startMillis() >= killedAt)
            .toList();
    // The objects of the killed node are those whose calls failed after the kill (a 503, or no
    // answer); the others were served by the survivors throughout.
    Set<String> victims =
        afterKillOnSurvivors.stream()
            .filter(o -> !o.ok())
            .map(Outcome::object)
            .collect(Collectors.toSet());
    List<Long> affected =
        victims.stream().map(recoveredAfter::get).filter(t -> t != null).sorted().toList();
    System.out.printf(
        "ForkedClusterFaultsIT kill -9: %d requests, by status %s; after the kill on the survivors: %s;"
            + " %d of %d objects were unavailable, back after %s ms; slowest answer after the kill %d ms%n",
        outcomes.size(),
        ClusterLoad.byStatus(outcomes),
        ClusterLoad.byStatus(afterKillOnSurvivors),
        affected.size(),
        OBJECTS,
        affected,
        afterKillOnSurvivors.stream().mapToLong(Outcome::latencyMillis).max().orElse(0));

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
    ClusterLoad.assertNoAcknowledgedIncrementLost(survivor, objects, 1, outcomes);
    assertThat(NodeFixture.get(survivor, k9).body()).as("k9 read by a survivor").isEqualTo("20");
    try (CqlSession session = fixture.cassandra.openSession()) {
      assertThat(JournalChains.breaks(session, fixture.journalKeyspace))
          .as("objects whose journal is not one chain written by one instance at a time")
          .isEmpty();
    }

    // The alarms fire from the survivors; nobody sent their objects anything since they were set.
    AlarmProbes.awaitFired(survivors, firedOnSurvivors + dueAfterKill);
    AlarmProbes.assertFiredBeforeBeingAsked(survivor, "killed-", ALARM_OBJECTS, alarmsDue);

    // The survivors go on from the increment the killed node acknowledged. (The killed node's
    // restart into the cluster is bin/chaos's kill-node fault.)
    assertThat(NodeFixture.post(survivor, k9 + "increment").body()).isEqualTo("21");
  }

  private int[] ports() {
    return IntStream.range(0, cluster.size()).map(cluster::httpPort).toArray();
  }

  private static List<String> names(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> prefix + i).collect(Collectors.toList());
  }

  /**
   * Waits until every object has had a successful increment that started after {@code killedAt};
   * answers, per object, how long after the kill that success came.
   */
  private static Map<String, Long> awaitEveryObjectServed(
      ClusterLoad load, List<String> objects, long killedAt) throws InterruptedException {
    Map<String, Long> first =
        Await.value(
            "every object served again after the kill",
            Duration.ofSeconds(120),
            () -> {
              Map<String, Long> served = load.firstSuccessesSince(killedAt);
              return served.size() == objects.size()
                  ? java.util.Optional.of(served)
                  : java.util.Optional.empty();
            });
    Map<String, Long> after = new HashMap<>();
    first.forEach((object, at) -> after.put(object, at - killedAt));
    return after;
  }
}

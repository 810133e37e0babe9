package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durableobjects.cassandra.embedded.EmbeddedCassandra;
import io.durableobjects.cassandra.testkit.CassandraExtension;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Alarms survive what kills nodes, on real Cassandra with the demo node as its own JVM: alarms set
 * on a node that is then killed with {@code kill -9} fire from the next node; alarms whose time
 * passed while the whole cluster was stopped fire when it starts again. In both cases the objects
 * are never touched by the test before they fire: the durable alarm index wakes them.
 */
@ExtendWith(CassandraExtension.class)
class AlarmDurabilityIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int OBJECTS = 20;
  private Process node;

  @AfterEach
  void killLeftovers() throws InterruptedException {
    DemoProcess.killLeftover(node);
  }

  @Test
  void alarmsFireAfterKillNineAndAfterAFullStopAndStart(EmbeddedCassandra cassandra)
      throws Exception {
    NodeFixture fixture = new NodeFixture(AlarmDurabilityIT.class, cassandra);
    Path logs = Files.createDirectories(Path.of("target", "alarm-durability"));

    // 1. Set alarms 8 s ahead, then kill -9 the node before they are due.
    int port = NodeFixture.freePort();
    node = DemoProcess.start(fixture, port, logs.resolve("node-1.log"), probeNamespace());
    DemoProcess.awaitAlive(port, node, logs);
    long dueKilled = System.currentTimeMillis() + 8_000;
    setAlarms(port, "killed-", dueKilled);
    node.destroyForcibly();
    assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(node.exitValue()).isEqualTo(137);

    // A new node delivers them, woken by the index: nobody sends the objects anything.
    port = NodeFixture.freePort();
    node = DemoProcess.start(fixture, port, logs.resolve("node-2.log"), probeNamespace());
    DemoProcess.awaitAlive(port, node, logs);
    awaitUntil(dueKilled + 6_000);
    assertFiredBeforeBeingAsked(port, "killed-", dueKilled);

    // 2. Set alarms 6 s ahead, stop the node (the whole cluster) gracefully, start it again after
    // their time has passed.
    long dueStopped = System.currentTimeMillis() + 6_000;
    setAlarms(port, "stopped-", dueStopped);
    node.destroy(); // SIGTERM: the node's graceful shutdown
    assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
    awaitUntil(dueStopped + 1_000);
    port = NodeFixture.freePort();
    long restartedAt = System.currentTimeMillis();
    node = DemoProcess.start(fixture, port, logs.resolve("node-3.log"), probeNamespace());
    DemoProcess.awaitAlive(port, node, logs);
    awaitUntil(System.currentTimeMillis() + 5_000);
    List<JsonNode> fired = assertFiredBeforeBeingAsked(port, "stopped-", dueStopped);
    for (JsonNode view : fired) {
      assertThat(view.path("firedAt").asLong()).isGreaterThan(restartedAt);
    }
  }

  private static Map<String, String> probeNamespace() {
    return Map.of(
        "durable-objects.namespaces.alarm-probe.class", AlarmProbe.class.getName(),
        "durable-objects.alarms.poll-interval", "500ms");
  }

  private static void setAlarms(int port, String prefix, long dueMillis) throws Exception {
    for (int i = 0; i < OBJECTS; i++) {
      HttpResponse<String> set =
          NodeFixture.post(port, "/v1/alarm-probe/by-name/" + prefix + i + "/set?at=" + dueMillis);
      assertThat(set.statusCode()).as(set.body()).isEqualTo(204);
    }
  }

  /** Every object's alarm fired exactly once, at or after its time, before this read. */
  private static List<JsonNode> assertFiredBeforeBeingAsked(int port, String prefix, long dueMillis)
      throws Exception {
    List<JsonNode> views = new ArrayList<>();
    for (int i = 0; i < OBJECTS; i++) {
      long askedAt = System.currentTimeMillis();
      HttpResponse<String> read = NodeFixture.get(port, "/v1/alarm-probe/by-name/" + prefix + i + "/");
      assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
      JsonNode view = JSON.readTree(read.body());
      assertThat(view.path("deliveries").asLong()).as(prefix + i + ": " + read.body()).isEqualTo(1);
      assertThat(view.path("pending").isNull()).as(read.body()).isTrue();
      assertThat(view.path("scheduled").asLong()).isEqualTo(dueMillis);
      assertThat(view.path("firedAt").asLong())
          .as("fired at or after its time, before the test asked")
          .isBetween(dueMillis, askedAt);
      views.add(view);
    }
    return views;
  }

  private static void awaitUntil(long epochMillis) throws InterruptedException {
    long wait = epochMillis - System.currentTimeMillis();
    if (wait > 0) {
      Thread.sleep(wait);
    }
  }
}

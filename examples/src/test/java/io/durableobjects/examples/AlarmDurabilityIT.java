package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.durableobjects.cassandra.embedded.EmbeddedCassandra;
import io.durableobjects.cassandra.testkit.CassandraExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Alarms whose time passed while the whole cluster was stopped fire when it starts again, on real
 * Cassandra with the demo node as its own JVM; the objects are never touched by the test before
 * they fire: the durable alarm index wakes them. (Alarms of a node killed with {@code kill -9} fire
 * from the survivors: {@link ForkedClusterFaultsIT}.)
 */
@ExtendWith(CassandraExtension.class)
class AlarmDurabilityIT {
  private static final int OBJECTS = 20;
  private Process node;

  @AfterEach
  void killLeftovers() throws InterruptedException {
    DemoProcess.killLeftover(node);
  }

  @Test
  void alarmsDueWhileTheClusterWasStoppedFireWhenItStartsAgain(EmbeddedCassandra cassandra)
      throws Exception {
    NodeFixture fixture = new NodeFixture(AlarmDurabilityIT.class, cassandra);
    Path logs = Files.createDirectories(Path.of("target", "alarm-durability"));

    int port = NodeFixture.freePort();
    node =
        DemoProcess.start(fixture, port, logs.resolve("node-1.log"), AlarmProbes.nodeProperties());
    DemoProcess.awaitAlive(port, node, logs);

    // Alarms 6 s ahead; the node (the whole cluster) stops gracefully before they are due.
    long due = System.currentTimeMillis() + 6_000;
    AlarmProbes.set(port, "stopped-", OBJECTS, due);
    node.destroy(); // SIGTERM: the node's graceful shutdown
    assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
    // The scenario needs the due time to pass while nothing runs: a wait for the clock, not for a
    // condition the test could observe.
    Thread.sleep(Math.max(0, due + 500 - System.currentTimeMillis()));

    port = NodeFixture.freePort();
    long restartedAt = System.currentTimeMillis();
    node =
        DemoProcess.start(fixture, port, logs.resolve("node-2.log"), AlarmProbes.nodeProperties());
    DemoProcess.awaitAlive(port, node, logs);
    AlarmProbes.awaitFired(new int[] {port}, OBJECTS);
    List<JsonNode> fired = AlarmProbes.assertFiredBeforeBeingAsked(port, "stopped-", OBJECTS, due);
    for (JsonNode view : fired) {
      assertThat(view.path("firedAt").asLong()).isGreaterThan(restartedAt);
    }
  }
}

package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.cassandra.embedded.EmbeddedCassandra;
import io.durableobjects.cassandra.testkit.CassandraExtension;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An acknowledged write survives {@code kill -9} of the node: the demo node runs as its own JVM
 * (the same {@link DemoMain} as {@code bin/demo}, on the test's Cassandra) and is killed with
 * SIGKILL right after an increment is acknowledged; a new node reads it back.
 */
@ExtendWith(CassandraExtension.class)
class DemoKillNineIT {
  private Process node;

  @AfterEach
  void killLeftovers() throws InterruptedException {
    DemoProcess.killLeftover(node);
  }

  @Test
  void anAcknowledgedIncrementSurvivesKillNineOfTheNode(EmbeddedCassandra cassandra)
      throws Exception {
    NodeFixture fixture = new NodeFixture(DemoKillNineIT.class, cassandra);
    Path logs = Files.createDirectories(Path.of("target", "kill-nine"));

    int port = NodeFixture.freePort();
    node = DemoProcess.start(fixture, port, logs.resolve("node-1.log"), Map.of());
    DemoProcess.awaitAlive(port, node, logs);
    String last = null;
    for (int i = 1; i <= 20; i++) {
      HttpResponse<String> response = NodeFixture.post(port, "/v1/counter/by-name/k9/increment");
      assertThat(response.statusCode()).isEqualTo(200);
      last = response.body();
    }
    assertThat(last).isEqualTo("20");
    node.destroyForcibly(); // SIGKILL, right after the acknowledgement
    assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(node.exitValue()).isEqualTo(137);

    port = NodeFixture.freePort();
    node = DemoProcess.start(fixture, port, logs.resolve("node-2.log"), Map.of());
    DemoProcess.awaitAlive(port, node, logs);
    HttpResponse<String> read = NodeFixture.get(port, "/v1/counter/by-name/k9/");
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.body()).isEqualTo("20");
    assertThat(NodeFixture.post(port, "/v1/counter/by-name/k9/increment").body()).isEqualTo("21");
  }
}

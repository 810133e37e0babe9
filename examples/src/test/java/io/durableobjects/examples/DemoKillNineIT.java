package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.cassandra.embedded.EmbeddedCassandra;
import io.durableobjects.cassandra.testkit.CassandraExtension;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    if (node != null && node.isAlive()) {
      node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void anAcknowledgedIncrementSurvivesKillNineOfTheNode(EmbeddedCassandra cassandra)
      throws Exception {
    NodeFixture fixture = new NodeFixture(DemoKillNineIT.class, cassandra);
    Path logs = Files.createDirectories(Path.of("target", "kill-nine"));

    int port = NodeFixture.freePort();
    node = startNode(fixture, port, logs.resolve("node-1.log"));
    awaitAlive(port, node);
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
    node = startNode(fixture, port, logs.resolve("node-2.log"));
    awaitAlive(port, node);
    HttpResponse<String> read = NodeFixture.get(port, "/v1/counter/by-name/k9/");
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.body()).isEqualTo("20");
    assertThat(NodeFixture.post(port, "/v1/counter/by-name/k9/increment").body()).isEqualTo("21");
  }

  private static Process startNode(NodeFixture fixture, int httpPort, Path log) throws Exception {
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-Djava.util.concurrent.ForkJoinPool.common.parallelism=4");
    fixture.nodeProperties().forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add("-cp");
    command.add(classpath);
    command.add(DemoMain.class.getName());
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put(
        "DO_CASSANDRA_CONTACT_POINTS",
        fixture.cassandra.host() + ":" + fixture.cassandra.cqlPort());
    builder.environment().put("DO_HTTP_PORT", Integer.toString(httpPort));
    builder.environment().remove("DO_DATA_DIR");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    return builder.start();
  }

  private static void awaitAlive(int port, Process process) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(process.isAlive()).as("the node process exited early; see target/kill-nine").isTrue();
      try {
        if (NodeFixture.get(port, "/health/alive").statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the node did not answer on port " + port + " within 120 s");
  }

}

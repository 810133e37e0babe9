package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.testsupport.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The demo node ({@link DemoMain}, as {@code bin/demo} runs it) as a child JVM. */
final class DemoProcess {
  private DemoProcess() {}

  static Process start(NodeFixture fixture, int httpPort, Path log, Map<String, String> extra)
      throws Exception {
    return start(fixture, httpPort, log, extra, Map.of());
  }

  /**
   * Starts the demo node with the fixture's keyspaces, {@code extra} as system properties and
   * {@code environment} added to its environment (DO_* variables).
   */
  static Process start(
      NodeFixture fixture,
      int httpPort,
      Path log,
      Map<String, String> extra,
      Map<String, String> environment)
      throws Exception {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    // A test node lives a minute or two on a shared 2-core machine: C1 only (no C2 compiles
    // competing with the other nodes, Cassandra and the load for the cores) and the serial
    // collector (no GC threads) bring its start, most of a restart's time, forward.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-Djava.util.concurrent.ForkJoinPool.common.parallelism=4");
    fixture.nodeProperties().forEach((k, v) -> command.add("-D" + k + "=" + v));
    extra.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add("-cp");
    command.add(classpath);
    command.add(DemoMain.class.getName());
    ProcessBuilder builder = new ProcessBuilder(command);
    builder
        .environment()
        .put(
            "DO_CASSANDRA_CONTACT_POINTS",
            fixture.cassandra.host() + ":" + fixture.cassandra.cqlPort());
    builder.environment().put("DO_HTTP_PORT", Integer.toString(httpPort));
    builder.environment().remove("DO_DATA_DIR");
    builder.environment().putAll(environment);
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    return builder.start();
  }

  /** Waits until the node on {@code port} is ready; fails at once if its process exits. */
  static void awaitAlive(int port, Process process, Path logs) throws Exception {
    Await.until(
        "the node on port " + port + " ready (log in " + logs + ")",
        Duration.ofSeconds(120),
        // A process that exited ends the wait too, to fail at once below.
        () -> !process.isAlive() || NodeFixture.get(port, "/health/ready").statusCode() == 200);
    assertThat(process.isAlive()).as("the node process exited early; see " + logs).isTrue();
  }

  /** Kills {@code node} if it still runs (a test's leftover), waiting until it is gone. */
  static void killLeftover(Process node) throws InterruptedException {
    if (node != null && node.isAlive()) {
      node.destroyForcibly().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}

package io.durableobjects.loadtest.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * One demo node as {@code bin/demo} runs it: {@code DemoMain} with its own embedded Cassandra (a
 * child JVM of the node) in a data directory that stays the same across {@link #kill9Both} and
 * {@link #start}, on the same HTTP port.
 */
final class SingleNodeStack implements AutoCloseable {
  private final String classpath;
  private final Path dataDir;
  private final Path logs;
  private final List<String> jvmOptions;
  private final Http http;
  private final int httpPort;
  private Process node;
  private int starts;

  SingleNodeStack(String classpath, Path dataDir, Path logs, List<String> jvmOptions, Http http)
      throws IOException {
    this.classpath = classpath;
    this.dataDir = dataDir;
    this.logs = logs;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.http = http;
    this.httpPort = Processes.freePort();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** Starts the node (and so its Cassandra) and waits until it is ready. */
  void start(Duration within) throws IOException {
    starts++;
    Path log = logs.resolve("single-node-run-" + starts + ".log");
    List<String> command = new ArrayList<>();
    command.add(Processes.JAVA);
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", classpath, "io.durableobjects.examples.DemoMain"));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("DO_DATA_DIR", dataDir.toString());
    builder.environment().put("DO_HTTP_PORT", Integer.toString(httpPort));
    builder.environment().put("DO_HTTP_HOST", "127.0.0.1");
    builder.environment().remove("DO_CASSANDRA_CONTACT_POINTS");
    builder.environment().remove("DO_SEED_NODES");
    node = builder.start();
    long deadline = System.nanoTime() + within.toNanos();
    while (!http.probe(baseUrl() + "/health/ready", Duration.ofSeconds(3)).ok()) {
      if (!node.isAlive()) {
        throw new IOException("the demo node exited while starting; see " + log);
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("the demo node was not ready within " + within + "; see " + log);
      }
      Processes.sleep(500);
    }
  }

  /** The embedded Cassandra's JVM (the node's only java child). */
  Optional<ProcessHandle> cassandra() {
    return node.children()
        .filter(p -> p.info().commandLine().map(c -> c.contains("java")).orElse(false))
        .findFirst();
  }

  /**
   * {@code kill -9} of the node and its Cassandra in one {@code kill} command, so that neither sees
   * the other go; answers their PIDs.
   */
  long[] kill9Both() {
    ProcessHandle cassandra =
        cassandra().orElseThrow(() -> new IllegalStateException("no Cassandra child of the node"));
    long[] pids = {node.pid(), cassandra.pid()};
    Processes.signal("KILL", pids);
    Processes.killTree(node.toHandle());
    Processes.killTree(cassandra);
    return pids;
  }

  /** The embedded Cassandra's CQL port, as it remembers it in its data directory. */
  int cqlPort() throws IOException {
    Properties ports = new Properties();
    try (InputStream in =
        Files.newInputStream(dataDir.resolve("cassandra").resolve("ports.properties"))) {
      ports.load(in);
    }
    return Integer.parseInt(ports.getProperty("cql-port"));
  }

  @Override
  public void close() {
    if (node != null) {
      Processes.stop(node, 90);
    }
  }
}

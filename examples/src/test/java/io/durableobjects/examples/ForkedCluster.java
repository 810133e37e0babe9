package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.testsupport.TimeFactor;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * A cluster of demo nodes, each a child JVM as {@code bin/cluster} starts them, on one Cassandra:
 * node i has its own HTTP and remoting ports; the first node forms the cluster and the others join
 * it, and a restarted node joins the others (see {@link #seedNodes}).
 */
final class ForkedCluster implements AutoCloseable {
  private final NodeFixture fixture;
  private final Path logs;
  private final Map<String, String> properties;
  private final Map<String, String> environment;
  private final int[] httpPorts;
  private final int[] remotePorts;
  private final int[] managementPorts;
  private final Process[] processes;
  private final int[] runs;

  ForkedCluster(
      NodeFixture fixture,
      Path logs,
      int size,
      Map<String, String> properties,
      Map<String, String> environment)
      throws Exception {
    this.fixture = fixture;
    this.logs = logs;
    Map<String, String> props = new LinkedHashMap<>(properties);
    // The nodes log as the demo does (INFO: membership, hand-overs), not as the tests do.
    props.putIfAbsent("logback.configurationFile", "logback.xml");
    this.properties = props;
    this.environment = environment;
    this.httpPorts = new int[size];
    this.remotePorts = new int[size];
    this.managementPorts = new int[size];
    this.processes = new Process[size];
    this.runs = new int[size];
    for (int i = 0; i < size; i++) {
      httpPorts[i] = NodeFixture.freePort();
      remotePorts[i] = NodeFixture.freePort();
      managementPorts[i] = NodeFixture.freePort();
    }
  }

  /**
   * A fresh directory for the nodes' logs of {@code test}, under {@code target/cluster-logs}: kept
   * after the run, for reading when a test fails.
   */
  static Path logDirectory(Class<?> test) throws java.io.IOException {
    Path dir = Path.of("target", "cluster-logs", test.getSimpleName());
    if (java.nio.file.Files.exists(dir)) {
      try (var files = java.nio.file.Files.list(dir)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          java.nio.file.Files.delete(file);
        }
      }
    }
    return java.nio.file.Files.createDirectories(dir);
  }

  /**
   * Starts every node at once and waits until all are ready. The first node forms the cluster: it
   * is first in every node's seed list, so only it may join itself, and the others keep asking
   * until it has.
   */
  void start() throws Exception {
    for (int i = 0; i < processes.length; i++) {
      launch(i);
    }
    for (int i = 0; i < processes.length; i++) {
      DemoProcess.awaitAlive(httpPorts[i], processes[i], logs);
    }
  }

  int size() {
    return processes.length;
  }

  int httpPort(int node) {
    return httpPorts[node];
  }

  /**
   * The node that is the cluster's oldest member (it runs the shard coordinators and the cluster
   * singletons), as Pekko Management's {@code /cluster/members} on a running node reports it.
   */
  int oldest() throws Exception {
    for (int i = 0; i < processes.length; i++) {
      if (isAlive(i)) {
        HttpResponse<String> members = NodeFixture.get(managementPorts[i], "/cluster/members");
        assertThat(members.statusCode()).as(members.body()).isEqualTo(200);
        String oldest = JsonResponses.JSON.readTree(members.body()).path("oldest").asText();
        for (int node = 0; node < remotePorts.length; node++) {
          if (oldest.endsWith(":" + remotePorts[node])) {
            return node;
          }
        }
        throw new AssertionError("the oldest member " + oldest + " is none of this cluster's");
      }
    }
    throw new AssertionError("no node is running");
  }

  /** {@code kill -9} of node {@code node}: no leave, no hand-over, no flush; its exit status. */
  int kill(int node) throws InterruptedException {
    processes[node].destroyForcibly();
    if (!processes[node].waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("node " + (node + 1) + " did not die of SIGKILL within 30 s");
    }
    return processes[node].exitValue();
  }

  /**
   * Stops node {@code node} gracefully (SIGTERM: readiness off, drain, leave the cluster, hand its
   * objects over) and waits until its JVM has exited.
   */
  void stop(int node) throws InterruptedException {
    processes[node].destroy();
    long max = TimeFactor.seconds(90).toSeconds();
    if (!processes[node].waitFor(max, TimeUnit.SECONDS)) {
      throw new AssertionError(
          "node " + (node + 1) + " did not stop within " + max + " s; see " + logs);
    }
  }

  /** Starts node {@code node} again on its ports and waits until it is ready. */
  void restart(int node) throws Exception {
    launch(node);
    DemoProcess.awaitAlive(httpPorts[node], processes[node], logs);
  }

  boolean isAlive(int node) {
    return processes[node] != null && processes[node].isAlive();
  }

  private void launch(int node) throws Exception {
    Map<String, String> env = new LinkedHashMap<>(environment);
    env.put("DO_REMOTE_PORT", Integer.toString(remotePorts[node]));
    env.put("DO_MANAGEMENT_ENABLED", "on");
    env.put("DO_MANAGEMENT_PORT", Integer.toString(managementPorts[node]));
    runs[node]++;
    env.put("DO_SEED_NODES", seedNodes(runs[node] == 1 ? -1 : node));
    processes[node] =
        DemoProcess.start(
            fixture,
            httpPorts[node],
            logs.resolve("node-" + (node + 1) + "-run-" + runs[node] + ".log"),
            properties,
            env);
  }

  /**
   * All nodes' remoting addresses, the first node first (it forms the cluster), except {@code
   * restarted}: a node restarted into the running cluster must not be first in its own list, or it
   * forms a second cluster when the others do not answer within seed-node-timeout (seen under load:
   * both clusters then ran the same objects).
   */
  private String seedNodes(int restarted) {
    StringJoiner seeds = new StringJoiner(",");
    for (int i = 0; i < remotePorts.length; i++) {
      if (i != restarted) {
        seeds.add("127.0.0.1:" + remotePorts[i]);
      }
    }
    return seeds.toString();
  }

  /** Kills every node that still runs. */
  @Override
  public void close() throws InterruptedException {
    List<Process> running = new ArrayList<>();
    for (Process process : processes) {
      if (process != null && process.isAlive()) {
        process.destroyForcibly();
        running.add(process);
      }
    }
    for (Process process : running) {
      DemoProcess.killLeftover(process);
    }
  }
}

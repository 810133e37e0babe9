package io.durableobjects.loadtest.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * N demo nodes ({@code DemoMain}), each a child JVM as {@code bin/cluster} starts them, on one
 * Cassandra: node i has its own HTTP, remoting and management ports on its {@link Network} address.
 * The first node forms the cluster and creates the schema; the others join it. A restarted node
 * lists the other nodes as seeds and never itself (it would form a second cluster when the others
 * do not answer at once; see ForkedCluster in the examples' tests).
 */
final class LocalCluster implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a node logs once it has created the schema ({@code CassandraSchema}). */
  private static final String SCHEMA_READY = "Schema ready in keyspaces";

  private final String classpath;
  private final Network network;
  private final CassandraServer cassandra;
  private final List<String> jvmOptions;
  private final Path logs;
  private final Http http;
  private final int[] httpPorts;
  private final int[] remotePorts;
  private final int[] managementPorts;
  private final Process[] processes;
  private final int[] runs;

  LocalCluster(
      int size,
      String classpath,
      Network network,
      CassandraServer cassandra,
      List<String> jvmOptions,
      Path logs,
      Http http)
      throws IOException {
    this.classpath = classpath;
    this.network = network;
    this.cassandra = cassandra;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.logs = logs;
    this.http = http;
    this.httpPorts = new int[size];
    this.remotePorts = new int[size];
    this.managementPorts = new int[size];
    this.processes = new Process[size];
    this.runs = new int[size];
    for (int i = 0; i < size; i++) {
      httpPorts[i] = Processes.freePort();
      remotePorts[i] = Processes.freePort();
      managementPorts[i] = Processes.freePort();
    }
  }

  int size() {
    return processes.length;
  }

  /** {@code http://host:port} of node {@code node}'s gateway. */
  String baseUrl(int node) {
    return "http://" + network.host(node) + ":" + httpPorts[node];
  }

  List<String> baseUrls() {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < size(); i++) {
      urls.add(baseUrl(i));
    }
    return urls;
  }

  long pid(int node) {
    return processes[node].pid();
  }

  boolean isAlive(int node) {
    return processes[node] != null && processes[node].isAlive();
  }

  /**
   * Starts every node and waits until the cluster is healthy. The first node creates the schema;
   * the others start as soon as it exists (they do not need the first node ready: they keep asking
   * it to let them join until it has formed the cluster).
   */
  void start(Duration within) throws IOException {
    launch(0, true);
    await(0, within, "had created the schema", () -> logContains(0, SCHEMA_READY));
    for (int i = 1; i < size(); i++) {
      launch(i, false);
    }
    awaitHealthy(within);
  }

  /** {@code kill -9} of node {@code node}. */
  void kill9(int node) {
    Processes.signal("KILL", processes[node].pid());
    Processes.killTree(processes[node].toHandle());
  }

  /** SIGSTOP: the JVM freezes, its sockets stay open. */
  void pause(int node) {
    Processes.signal("STOP", processes[node].pid());
  }

  /** SIGCONT. */
  void resume(int node) {
    Processes.signal("CONT", processes[node].pid());
  }

  /** SIGTERM (a graceful leave: drain, hand-over), waiting up to 90 s for the JVM to exit. */
  void stop(int node) {
    Processes.stop(processes[node], 90);
  }

  /** Starts a node that is not running again, as a restarted node joining the others. */
  void restart(int node) throws IOException {
    if (isAlive(node)) {
      throw new IllegalStateException("node " + (node + 1) + " still runs");
    }
    launch(node, false);
  }

  /**
   * Waits until every node is ready ({@code /health/ready}) and every node sees all nodes as Up
   * members with none unreachable ({@code /cluster/members}). A node whose process exited is
   * started again. A node that still runs but is not an Up member in the view of most nodes (one
   * the others downed while it was frozen or cut off, and which has not stopped by itself) or is
   * not ready, after half of {@code within}, is killed and started again.
   */
  void awaitHealthy(Duration within) throws IOException {
    long start = System.nanoTime();
    long deadline = start + within.toNanos();
    boolean replacedStragglers = false;
    while (true) {
      for (int i = 0; i < size(); i++) {
        if (!isAlive(i)) {
          System.out.printf("chaos:   node %d is not running: starting it again%n", i + 1);
          launch(i, false);
        }
      }
      List<String> problems = new ArrayList<>();
      boolean[] member = new boolean[size()];
      int[] seenBy = new int[size()];
      for (int i = 0; i < size(); i++) {
        String problem = view(i, seenBy);
        if (problem != null) {
          problems.add(problem);
        }
      }
      if (problems.isEmpty()) {
        return;
      }
      for (int i = 0; i < size(); i++) {
        member[i] = seenBy[i] > size() / 2 && ready(i);
      }
      long now = System.nanoTime();
      if (!replacedStragglers && now - start > within.toNanos() / 2) {
        replacedStragglers = true;
        for (int i = 0; i < size(); i++) {
          if (!member[i]) {
            System.out.printf(
                "chaos:   node %d is not a ready member after %d s (%s): kill -9 and start again%n",
                i + 1, Duration.ofNanos(now - start).toSeconds(), problems);
            kill9(i);
          }
        }
      }
      if (now > deadline) {
        throw new IOException(
            "the cluster was not healthy within " + within + ": " + problems + "; see " + logs);
      }
      Processes.sleep(250);
    }
  }

  /**
   * Checks node {@code node}: ready, and seeing every node Up and none unreachable; counts in
   * {@code seenBy} the nodes it sees Up. Answers what is wrong, or null.
   */
  private String view(int node, int[] seenBy) {
    if (!ready(node)) {
      return "node " + (node + 1) + " not ready";
    }
    Http.Result members =
        http.probe(
            "http://" + network.host(node) + ":" + managementPorts[node] + "/cluster/members",
            Duration.ofSeconds(3));
    if (!members.ok()) {
      return "node " + (node + 1) + "'s /cluster/members: " + members;
    }
    try {
      JsonNode view = JSON.readTree(members.body());
      int up = 0;
      for (JsonNode member : view.path("members")) {
        if (member.path("status").asText().equals("Up")) {
          up++;
          String address = member.path("node").asText();
          for (int j = 0; j < size(); j++) {
            if (address.endsWith("@" + network.host(j) + ":" + remotePorts[j])) {
              seenBy[j]++;
            }
          }
        }
      }
      int unreachable = view.path("unreachable").size();
      if (up != size() || unreachable > 0) {
        return "node "
            + (node + 1)
            + " sees "
            + up
            + " Up members and "
            + unreachable
            + " unreachable";
      }
      return null;
    } catch (IOException e) {
      return "node " + (node + 1) + "'s /cluster/members is not JSON: " + e;
    }
  }

  private boolean ready(int node) {
    return isAlive(node) && http.probe(baseUrl(node) + "/health/ready", Duration.ofSeconds(3)).ok();
  }

  /** Waits until {@code condition} holds; fails when node {@code node} exits first. */
  private void await(int node, Duration within, String what, Condition condition)
      throws IOException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.holds()) {
      if (!isAlive(node)) {
        throw new IOException("node " + (node + 1) + " exited; see " + log(node));
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("node " + (node + 1) + " " + what + " not within " + within);
      }
      Processes.sleep(100);
    }
  }

  private interface Condition {
    boolean holds() throws IOException;
  }

  private boolean logContains(int node, String text) throws IOException {
    Path log = log(node);
    // Bytes as Latin-1: a line still being written may end inside a UTF-8 sequence.
    return Files.exists(log)
        && new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1).contains(text);
  }

  private Path log(int node) {
    return logs.resolve("node-" + (node + 1) + "-run-" + runs[node] + ".log");
  }

  private void launch(int node, boolean first) throws IOException {
    runs[node]++;
    List<String> command = new ArrayList<>(network.commandPrefix(node));
    command.add(Processes.JAVA);
    command.addAll(jvmOptions);
    network.nodeProperties().forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add("-Dchaos.node=" + (node + 1));
    command.add("-cp");
    command.add(classpath);
    command.add("io.durableobjects.examples.DemoMain");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log(node).toFile());
    var env = builder.environment();
    env.remove("DO_DATA_DIR");
    env.put("DO_HTTP_HOST", network.host(node));
    env.put("DO_HTTP_PORT", Integer.toString(httpPorts[node]));
    env.put("DO_REMOTE_HOST", network.host(node));
    env.put("DO_REMOTE_PORT", Integer.toString(remotePorts[node]));
    env.put("DO_SEED_NODES", seedNodes(first ? -1 : node));
    env.put("DO_MANAGEMENT_ENABLED", "true");
    env.put("DO_MANAGEMENT_HOST", network.host(node));
    env.put("DO_MANAGEMENT_PORT", Integer.toString(managementPorts[node]));
    env.put(
        "DO_CASSANDRA_CONTACT_POINTS", network.cassandraContactPoint(node, cassandra.cqlPort()));
    // Only the first node's first start creates the schema: concurrent schema changes break it.
    env.put("DO_CASSANDRA_CREATE_SCHEMA", Boolean.toString(first));
    processes[node] = builder.start();
  }

  /**
   * The first node alone on the first start (it forms the cluster); for a restarted node, every
   * other node (never itself).
   */
  private String seedNodes(int restarted) {
    StringJoiner seeds = new StringJoiner(",");
    for (int i = 0; i < size(); i++) {
      if (restarted < 0 ? i == 0 : i != restarted) {
        seeds.add(network.host(i) + ":" + remotePorts[i]);
      }
    }
    return seeds.toString();
  }

  /** Kills every node that still runs (SIGCONT first, for one that is frozen). */
  @Override
  public void close() {
    for (int i = 0; i < size(); i++) {
      Process process = processes[i];
      if (process != null && process.isAlive()) {
        try {
          resume(i);
        } catch (RuntimeException e) {
          // gone meanwhile
        }
        process.destroyForcibly();
      }
    }
    for (Process process : processes) {
      if (process != null) {
        try {
          process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}

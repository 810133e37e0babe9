package io.durableobjects.loadtest.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One stack under test: a demo node on its own embedded Cassandra, the load generator pointed at
 * it, and what its scenarios need to remember for the checks at the end (the write scenarios'
 * acknowledged increments). Single mode has one; pairs mode two, A and B.
 */
final class BenchStack implements AutoCloseable {
  static final int READ_OBJECTS = 1_000;
  static final Duration BOARD_IDLE_TIMEOUT = Duration.ofSeconds(2);

  /**
   * Eviction for the cold and million scenarios' objects: most of the million are not in memory.
   */
  static final Duration SHORT_IDLE_TIMEOUT = Duration.ofSeconds(30);

  /** Eviction for the memory scenario's objects: far beyond the time it takes to activate them. */
  static final Duration MEMORY_IDLE_TIMEOUT = Duration.ofMinutes(30);

  /** Room for the memory scenario's objects besides the others (the node's default is 100 000). */
  static final int ACTIVE_OBJECT_LIMIT = 400_000;

  private static final String COUNTER = "io.durableobjects.examples.Counter";

  final String name;
  final PrintStream out;
  final DemoNode node;
  final HttpLoad load;
  final BenchReport report;
  final String runId = Long.toString(System.nanoTime() & 0xffffffffL, 36);
  final List<String> failures = new ArrayList<>();
  final WriteScenarios writes;
  final ObjectScenarios objects;
  final FeedScenario feeds;
  private final String hostPort;
  private final List<String> notes = new ArrayList<>();

  private BenchStack(String name, PrintStream out, DemoNode node) {
    this.name = name;
    this.out = out;
    this.node = node;
    this.hostPort = "127.0.0.1:" + node.port();
    this.load = new HttpLoad(new InetSocketAddress("127.0.0.1", node.port()));
    this.report = new BenchReport(out, node);
    this.writes = new WriteScenarios(this);
    this.objects = new ObjectScenarios(this);
    this.feeds = new FeedScenario(this, hostPort);
  }

  /**
   * The node's JVM options: {@code nodeOptions} and the benchmark's namespaces. The cold, million
   * and memory scenarios use counters of namespaces of their own (the examples' Counter class), so
   * that their eviction settings leave the hot, spread and read counters ({@code counter}, the
   * node's default eviction) alone, and so that the node's per-namespace metrics tell them apart.
   */
  static List<String> jvmOptions(String nodeOptions) {
    List<String> jvm = new ArrayList<>(List.of(nodeOptions.strip().split("\\s+")));
    jvm.add(namespace("leaderboard") + "idle-timeout=" + BOARD_IDLE_TIMEOUT.toSeconds() + "s");
    for (String ns : List.of("counter-cold", "counter-million", "counter-memory")) {
      Duration idle = ns.equals("counter-memory") ? MEMORY_IDLE_TIMEOUT : SHORT_IDLE_TIMEOUT;
      jvm.add(namespace(ns) + "class=" + COUNTER);
      jvm.add(namespace(ns) + "idle-timeout=" + idle.toSeconds() + "s");
    }
    jvm.add("-Ddurable-objects.passivation.active-object-limit=" + ACTIVE_OBJECT_LIMIT);
    return jvm;
  }

  private static String namespace(String ns) {
    return "-Ddurable-objects.namespaces." + ns + ".";
  }

  /** Starts a node from {@code examplesTarget} with {@code nodeOptions}, logging to {@code log}. */
  static BenchStack start(
      String name, Path examplesTarget, String nodeOptions, Path log, PrintStream out)
      throws IOException, InterruptedException {
    long startedAt = System.nanoTime();
    DemoNode node =
        DemoNode.start(examplesTarget, jvmOptions(nodeOptions), log, Duration.ofSeconds(240));
    out.printf(
        Locale.ROOT,
        "%snode and Cassandra ready in %.1f s (%s; log: %s)%n",
        name.isEmpty() ? "" : name + ": ",
        (System.nanoTime() - startedAt) / 1e9,
        examplesTarget,
        log);
    return new BenchStack(name, out, node);
  }

  /** A line's scenario name: {@code label}, followed by the stack and run in pairs mode. */
  String label(String label, int run) {
    return name.isEmpty() ? label : label + " " + name + run;
  }

  /**
   * Activates the read scenario's counters, then loads the write path for {@code warmup} so that
   * the node's JIT compiler has compiled it before anything is measured.
   */
  void warmUp(Duration warmup) throws Exception {
    load.run(
        LoadRequests.eachOnce(READ_OBJECTS, i -> post(readPath(i) + "increment")),
        64,
        Duration.ofMinutes(2));
    if (!warmup.isZero()) {
      writes.warmUp(warmup);
    }
  }

  /** Runs one scenario for {@code seconds} and prints its line; {@code run} numbers repetitions. */
  BenchReport.Measured run(Scenario scenario, Duration seconds, int run) throws Exception {
    BenchReport.Measured m =
        switch (scenario) {
          case COLD_10K -> objects.cold10k();
          case ALIVE ->
              report.measure(
                  () -> load.run((c, r) -> get("/health/alive"), scenario.clients, seconds), null);
          case READ ->
              report.measure(
                  () ->
                      load.run(
                          LoadRequests.randomOf(READ_OBJECTS, i -> get(readPath(i))),
                          scenario.clients,
                          seconds),
                  null);
          case HOT -> writes.hot(seconds);
          case SPREAD -> writes.spread(seconds);
          case COLD -> objects.cold(seconds);
          case MILLION -> writes.million(seconds);
          case FEED -> feeds.run(seconds);
          case ACTIVATION -> objects.activation();
          case MEMORY -> objects.memory();
        };
    if (m != null) {
      int clients = scenario == Scenario.FEED ? FeedScenario.CLIENTS : scenario.clients;
      report.line(label(scenario.label, run), clients, m);
    }
    notes.forEach(out::println);
    notes.clear();
    return m;
  }

  /** A line to print below the current scenario's. */
  void note(String line) {
    notes.add(line);
  }

  /** The end-of-run checks; what fails goes to {@link #failures}. */
  void check() throws Exception {
    writes.check();
  }

  /** Waits until no object of the namespace is in memory. */
  void awaitAllEvicted(String namespace, Duration idleTimeout) throws Exception {
    Duration within = idleTimeout.plusSeconds(60);
    long deadline = System.nanoTime() + within.toNanos();
    while (report.snapshot(namespace).active() > 0) {
      if (System.nanoTime() > deadline) {
        throw new IOException(
            namespace
                + " objects were not all evicted within "
                + within.toSeconds()
                + " s (idle-timeout "
                + idleTimeout.toSeconds()
                + " s)");
      }
      Thread.sleep(250);
    }
  }

  private static String readPath(int i) {
    return "/v1/counter/by-name/read-" + i + "/";
  }

  byte[] get(String path) {
    return request("GET", path, null);
  }

  byte[] post(String path) {
    return request("POST", path, null);
  }

  byte[] request(String method, String path, String json) {
    return LoadRequests.request(method, hostPort, path, null, json);
  }

  @Override
  public void close() throws IOException {
    node.close();
  }
}

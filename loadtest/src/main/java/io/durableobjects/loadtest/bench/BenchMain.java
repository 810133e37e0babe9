package io.durableobjects.loadtest.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.HdrHistogram.Histogram;

/**
 * The benchmark runner behind {@code bin/bench}: starts a fresh demo node on a fresh embedded
 * Cassandra, runs each scenario for a fixed time with {@link HttpLoad}, and prints one line per
 * scenario (requests/s, p50, p99, p99.9, max, errors, and the CPU and RSS of the node, of Cassandra
 * and of the load generator). At the end it checks that nothing was lost: the hot counter equals
 * its successful increments, and the spread counters add up to theirs. Exit status 1 when a check
 * fails.
 *
 * <p>Scenarios, in this order: {@code cold 10k} (the first request to each of 10 000 new counters,
 * before the warm-up), {@code alive} (a route that touches no object, the baseline for reads),
 * {@code read} (GETs of 1 000 warm counters), {@code hot} (durable increments of one counter),
 * {@code spread} (durable increments of counters picked at random among 10 000, all of them
 * active), and {@code activation} (the first request to an evicted leaderboard holding 1 000 keys,
 * one at a time). A warm-up runs first, since the node's JIT compiler needs load to reach full
 * speed.
 *
 * <p>System properties: {@code bench.seconds} (each scenario, default 20), {@code
 * bench.warmupSeconds} (default 60), {@code bench.examplesTarget} (default {@code
 * examples/target}), {@code bench.nodeOptions} (the node's JVM options), {@code bench.out} (where
 * the node's log goes, default {@code loadtest/target/bench}).
 */
public final class BenchMain {
  private static final int HOT_CLIENTS = 64;
  private static final int SPREAD_CLIENTS = 256;
  private static final int SPREAD_OBJECTS = 10_000;
  private static final int READ_CLIENTS = 64;
  private static final int READ_OBJECTS = 1_000;
  private static final int BOARDS = 100;
  private static final int PLAYERS_PER_BOARD = 500; // two keys each: 1 000 keys per board
  private static final int ACTIVATION_ROUNDS = 3;
  private static final int ACTIVATION_CLIENTS = 1;
  private static final Duration BOARD_IDLE_TIMEOUT = Duration.ofSeconds(2);

  /** The node's JVM options unless bench.nodeOptions says otherwise: those of bin/demo. */
  public static final String DEFAULT_NODE_OPTIONS =
      "-Xms512m -Xmx512m -XX:+UseG1GC -Djava.util.concurrent.ForkJoinPool.common.parallelism=4";

  private final PrintStream out;
  private final DemoNode node;
  private final HttpLoad load;
  private final String hostPort;
  private final BenchReport report;
  private final String runId = Long.toString(System.currentTimeMillis(), 36);
  private final List<String> failures = new ArrayList<>();
  private long spreadOk;

  private BenchMain(PrintStream out, DemoNode node) {
    this.out = out;
    this.node = node;
    this.hostPort = "127.0.0.1:" + node.port();
    this.load = new HttpLoad(new InetSocketAddress("127.0.0.1", node.port()));
    this.report = new BenchReport(out, node);
  }

  public static void main(String[] args) throws Exception {
    Duration seconds = Duration.ofSeconds(Long.getLong("bench.seconds", 20));
    Duration warmup = Duration.ofSeconds(Long.getLong("bench.warmupSeconds", 60));
    Path examples = Path.of(System.getProperty("bench.examplesTarget", "examples/target"));
    Path outDir = Path.of(System.getProperty("bench.out", "loadtest/target/bench"));
    String nodeOptions = System.getProperty("bench.nodeOptions", DEFAULT_NODE_OPTIONS).strip();
    if (seconds.isZero() || seconds.isNegative() || warmup.isNegative()) {
      throw new IllegalArgumentException(
          "bench.seconds must be positive and bench.warmupSeconds at least 0");
    }
    List<String> jvm = new ArrayList<>(List.of(nodeOptions.split("\\s+")));
    jvm.add(
        "-Ddurable-objects.namespaces.leaderboard.idle-timeout="
            + BOARD_IDLE_TIMEOUT.toSeconds()
            + "s");

    PrintStream out = System.out;
    int cores = Runtime.getRuntime().availableProcessors();
    out.printf(
        Locale.ROOT,
        "bin/bench %s: %d cores, load average %.1f before the start%n",
        Instant.now(),
        cores,
        ProcessUsage.loadAverage());
    out.println(
        "node JVM: " + nodeOptions + "; Cassandra JVM: -Xms512m -Xmx512m (embedded default)");
    long startedAt = System.nanoTime();
    Path log = outDir.resolve("node.log");
    try (DemoNode node = DemoNode.start(examples, jvm, log, Duration.ofSeconds(180))) {
      out.printf(
          Locale.ROOT,
          "node and Cassandra ready in %.1f s (log: %s)%n",
          (System.nanoTime() - startedAt) / 1e9,
          log);
      BenchMain bench = new BenchMain(out, node);
      bench.runAll(seconds, warmup);
      out.printf(Locale.ROOT, "load average %.1f at the end%n", ProcessUsage.loadAverage());
      if (!bench.failures.isEmpty()) {
        bench.failures.forEach(f -> out.println("FAILED: " + f));
        System.exit(1);
      }
      out.println("checks passed: no acknowledged increment lost, none counted twice");
    }
  }

  private void runAll(Duration seconds, Duration warmup) throws Exception {
    // Warm-up: activate every object the scenarios use, then load the write path so the node's
    // JIT has compiled it before anything is measured.
    report.header();
    load.run(
        HttpLoad.eachOnce(READ_OBJECTS, i -> post("/v1/counter/by-name/read-" + i + "/increment")),
        64,
        Duration.ofMinutes(2));
    // The first request to each of 10 000 new objects, on a cold node: activation at scale.
    report.line(
        "cold 10k",
        SPREAD_CLIENTS,
        report.measure(
            () ->
                load.run(
                    HttpLoad.eachOnce(SPREAD_OBJECTS, i -> get(spreadPath(i))),
                    SPREAD_CLIENTS,
                    Duration.ofMinutes(2)),
            null));
    if (!warmup.isZero()) {
      byte[] warm = post("/v1/counter/by-name/warm-up-" + runId + "/increment");
      Duration half = warmup.dividedBy(2);
      report.line(
          "warm-up hot",
          HOT_CLIENTS,
          report.measure(() -> load.run((c, r) -> warm, HOT_CLIENTS, half), "counter"));
      BenchReport.Measured spreadWarm =
          report.measure(() -> load.run(spreadIncrements(), SPREAD_CLIENTS, half), "counter");
      spreadOk += spreadWarm.result().ok();
      report.line("warm-up spread", SPREAD_CLIENTS, spreadWarm);
    }

    if (selected("alive")) {
      report.line(
          "alive",
          READ_CLIENTS,
          report.measure(
              () -> load.run((c, r) -> get("/health/alive"), READ_CLIENTS, seconds), null));
    }
    if (selected("read")) {
      report.line(
          "read",
          READ_CLIENTS,
          report.measure(
              () ->
                  load.run(
                      HttpLoad.randomOf(
                          READ_OBJECTS, i -> get("/v1/counter/by-name/read-" + i + "/")),
                      READ_CLIENTS,
                      seconds),
              null));
    }

    String hotPath = "/v1/counter/by-name/hot-" + runId + "/";
    byte[] hot = post(hotPath + "increment");
    BenchReport.Measured hotRun =
        report.measure(() -> load.run((c, r) -> hot, HOT_CLIENTS, seconds), "counter");
    report.line("hot", HOT_CLIENTS, hotRun);

    BenchReport.Measured spreadRun =
        report.measure(() -> load.run(spreadIncrements(), SPREAD_CLIENTS, seconds), "counter");
    spreadOk += spreadRun.result().ok();
    report.line("spread", SPREAD_CLIENTS, spreadRun);

    if (selected("activation")) {
      activation();
    }

    checkHot(hotPath, hotRun.result());
    checkSpread();
  }

  /**
   * Whether system property {@code bench.scenarios} (a comma-separated list; all when unset)
   * selects the optional scenario {@code name}: alive, read or activation. Cold 10k, hot and spread
   * always run, as the checks need them.
   */
  private static boolean selected(String name) {
    String scenarios = System.getProperty("bench.scenarios", "").strip();
    return scenarios.isEmpty() || List.of(scenarios.split("\\s*,\\s*")).contains(name);
  }

  // ---- scenarios ------------------------------------------------------------------------------

  private void activation() throws Exception {
    // 100 leaderboards of 500 players (1 000 keys each), written once; then, round after round,
    // wait until every board has been evicted and ask each for its top 10, which activates it.
    List<byte[]> scores = new ArrayList<>();
    for (int b = 0; b < BOARDS; b++) {
      for (int p = 0; p < PLAYERS_PER_BOARD; p++) {
        scores.add(
            request(
                "POST",
                boardPath(b) + "scores",
                "{\"player\":\"player-" + p + "\",\"score\":" + (p * 7 % 1000) + "}"));
      }
    }
    HttpLoad.Result filled =
        load.run(HttpLoad.eachOnce(scores.size(), scores::get), HOT_CLIENTS, Duration.ofMinutes(3));
    if (filled.ok() != scores.size()) {
      failures.add(
          "activation: filling the boards got "
              + filled.statuses()
              + " and "
              + filled.ioErrors()
              + " I/O errors");
      return;
    }
    Histogram all = new Histogram(1, HttpLoad.RESPONSE_TIMEOUT.toNanos() / 1000 * 2, 3);
    long requests = 0;
    long ok = 0;
    long ioErrors = 0;
    double seconds = 0;
    BenchReport.Snapshot before = null;
    for (int round = 0; round < ACTIVATION_ROUNDS; round++) {
      awaitAllEvicted("leaderboard");
      if (before == null) {
        before = report.snapshot("leaderboard");
      }
      HttpLoad.Result r =
          load.run(
              HttpLoad.eachOnce(BOARDS, b -> get(boardPath(b) + "top?n=10")),
              ACTIVATION_CLIENTS,
              Duration.ofMinutes(1));
      all.add(r.latencyMicros());
      requests += r.requests();
      ok += r.ok();
      ioErrors += r.ioErrors();
      seconds += r.seconds();
    }
    BenchReport.Snapshot after = report.snapshot("leaderboard");
    long activations = (long) (after.activations() - before.activations());
    double meanMs =
        activations == 0
            ? 0
            : (after.activationSeconds() - before.activationSeconds()) * 1000 / activations;
    BenchReport.Measured measured =
        new BenchReport.Measured(
            new HttpLoad.Result(requests, ok, java.util.Map.of(), ioErrors, all, seconds),
            null,
            null,
            null,
            0);
    report.line("activation", ACTIVATION_CLIENTS, measured);
    out.printf(
        Locale.ROOT,
        "  activation: %d first requests to evicted boards of 1 000 keys (%d rounds of %d), "
            + "%d activations on the node, mean %.1f ms inside the node%n",
        requests,
        ACTIVATION_ROUNDS,
        BOARDS,
        activations,
        meanMs);
    if (activations < requests) {
      failures.add(
          "activation: only "
              + activations
              + " activations for "
              + requests
              + " requests: boards were not all evicted");
    }
  }

  /** Waits until no object of the namespace is in memory. */
  private void awaitAllEvicted(String namespace) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (report.snapshot(namespace).active() > 0) {
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "the boards were not evicted within 60 s (idle-timeout " + BOARD_IDLE_TIMEOUT + ")");
      }
      Thread.sleep(250);
    }
  }

  private HttpLoad.Requests spreadIncrements() {
    return HttpLoad.randomOf(SPREAD_OBJECTS, i -> post(spreadPath(i) + "increment"));
  }

  private String spreadPath(int i) {
    return "/v1/counter/by-name/spread-" + runId + "-" + i + "/";
  }

  private static String boardPath(int b) {
    return "/v1/leaderboard/by-name/board-" + b + "/";
  }

  // ---- checks ---------------------------------------------------------------------------------

  private void checkHot(String path, HttpLoad.Result run) throws Exception {
    long count = Long.parseLong(report.getBody(path).strip());
    if (run.ioErrors() == 0 && count != run.ok()) {
      failures.add(
          "hot: the counter is " + count + " after " + run.ok() + " successful increments");
    } else if (count < run.ok() || count > run.ok() + run.ioErrors()) {
      failures.add(
          "hot: the counter is "
              + count
              + ", outside ["
              + run.ok()
              + ", "
              + (run.ok() + run.ioErrors())
              + "]");
    }
    out.printf(
        Locale.ROOT, "check hot: counter = %d, successful increments = %d%n", count, run.ok());
  }

  private void checkSpread() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Long>> counts = new ArrayList<>();
      for (int i = 0; i < SPREAD_OBJECTS; i++) {
        String path = spreadPath(i);
        counts.add(pool.submit(() -> Long.parseLong(report.getBody(path).strip())));
      }
      long sum = 0;
      for (Future<Long> count : counts) {
        sum += count.get();
      }
      out.printf(
          Locale.ROOT,
          "check spread: the %d counters add up to %d, successful increments = %d%n",
          SPREAD_OBJECTS,
          sum,
          spreadOk);
      if (sum != spreadOk) {
        failures.add(
            "spread: the counters add up to "
                + sum
                + " after "
                + spreadOk
                + " successful increments");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- HTTP -----------------------------------------------------------------------------------

  private byte[] get(String path) {
    return request("GET", path, null);
  }

  private byte[] post(String path) {
    return request("POST", path, null);
  }

  private byte[] request(String method, String path, String json) {
    return HttpLoad.request(method, hostPort, path, null, json);
  }
}

package io.durableobjects.loadtest.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark runner behind {@code bin/bench}: starts a fresh demo node on a fresh embedded
 * Cassandra ({@link BenchStack}), runs each scenario for a fixed time with {@link HttpLoad}, and
 * prints one line per scenario (requests/s, p50, p99, p99.9, max, errors, and the CPU and RSS of
 * the node, of Cassandra and of the load generator). At the end it checks that nothing was lost:
 * the hot counter equals its successful increments, the spread counters add up to theirs, and each
 * of the million scenario's sampled counters equals its acknowledged increments. Exit status 1 when
 * a check fails.
 *
 * <p>Scenarios ({@link Scenario}), in this order: {@code cold10k} (only when named: the first
 * request to each of 10 000 new counters, before the warm-up), a warm-up (the node's JIT compiler
 * needs load to reach full speed), {@code alive} (a route that touches no object, the baseline for
 * reads), {@code read} (GETs of 1 000 warm counters), {@code hot} (durable increments of one
 * counter), {@code spread} (durable increments of counters picked at random among 10 000, all of
 * them active), {@code cold} (GETs, each the first request to a counter without state, on the warm
 * node), {@code million} (durable increments of counters picked at random among 1 000 000, evicted
 * after 30 s idle, so nearly every request activates one; its throughput is also printed as a ratio
 * to spread's), {@code activation} (the first request to an evicted leaderboard holding 1 000 keys,
 * one at a time) and {@code memory} (activates 100 000 fresh counters and reports the node's RSS
 * and heap, after a full GC, per active object).
 *
 * <p>System properties: {@code bench.seconds} (each scenario, default 20), {@code
 * bench.warmupSeconds} (default 60), {@code bench.examplesTarget} (default {@code
 * examples/target}), {@code bench.nodeOptions} (the node's JVM options), {@code bench.scenarios}
 * (see {@link Scenario#selected}), {@code bench.memoryObjects} (100 000), {@code bench.out} (where
 * the node's log goes, default {@code loadtest/target/bench}). Pairs mode ({@link PairsMode}):
 * {@code bench.pairs} (runs per stack; 0, the default, runs one stack), {@code
 * bench.a.examplesTarget}, {@code bench.a.nodeOptions}, {@code bench.b.examplesTarget}, {@code
 * bench.b.nodeOptions} (defaults: those of the single stack).
 */
public final class BenchMain {
  /** The node's JVM options unless bench.nodeOptions says otherwise: those of bin/demo. */
  public static final String DEFAULT_NODE_OPTIONS =
      "-Xms512m -Xmx512m -XX:+UseG1GC -Djava.util.concurrent.ForkJoinPool.common.parallelism=4";

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    Duration seconds = Duration.ofSeconds(Long.getLong("bench.seconds", 20));
    Duration warmup = Duration.ofSeconds(Long.getLong("bench.warmupSeconds", 60));
    Path examples = Path.of(System.getProperty("bench.examplesTarget", "examples/target"));
    Path outDir = Path.of(System.getProperty("bench.out", "loadtest/target/bench"));
    String nodeOptions = option("bench.nodeOptions", DEFAULT_NODE_OPTIONS);
    int pairs = Integer.getInteger("bench.pairs", 0);
    List<Scenario> scenarios = Scenario.selected(System.getProperty("bench.scenarios", ""));
    if (seconds.isZero() || seconds.isNegative() || warmup.isNegative() || pairs < 0) {
      throw new IllegalArgumentException(
          "bench.seconds must be positive, bench.warmupSeconds and bench.pairs at least 0");
    }

    PrintStream out = System.out;
    out.printf(
        Locale.ROOT,
        "bin/bench %s: %d cores, load average %.1f before the start; scenarios %s%n",
        Instant.now(),
        Runtime.getRuntime().availableProcessors(),
        ProcessUsage.loadAverage(),
        scenarios.stream().map(s -> s.id).toList());
    out.println("Cassandra JVM: -Xms512m -Xmx512m (embedded default)");
    List<String> failures;
    if (pairs > 0) {
      PairsMode.Side a =
          new PairsMode.Side(
              "A",
              Path.of(System.getProperty("bench.a.examplesTarget", examples.toString())),
              option("bench.a.nodeOptions", nodeOptions));
      PairsMode.Side b =
          new PairsMode.Side(
              "B",
              Path.of(System.getProperty("bench.b.examplesTarget", examples.toString())),
              option("bench.b.nodeOptions", nodeOptions));
      failures = new PairsMode(out, pairs, seconds, warmup, scenarios).run(a, b, outDir);
    } else {
      out.println("node JVM: " + nodeOptions);
      failures = single(out, examples, nodeOptions, outDir, seconds, warmup, scenarios);
    }
    out.printf(Locale.ROOT, "load average %.1f at the end%n", ProcessUsage.loadAverage());
    if (!failures.isEmpty()) {
      failures.forEach(f -> out.println("FAILED: " + f));
      System.exit(1);
    }
    out.println("checks passed: no acknowledged increment lost, none counted twice");
  }

  private static String option(String property, String fallback) {
    String value = System.getProperty(property, "").strip();
    return value.isEmpty() ? fallback : value;
  }

  /** One stack, each scenario once; answers the failed checks. */
  private static List<String> single(
      PrintStream out,
      Path examples,
      String nodeOptions,
      Path outDir,
      Duration seconds,
      Duration warmup,
      List<Scenario> scenarios)
      throws Exception {
    try (BenchStack stack =
        BenchStack.start("", examples, nodeOptions, outDir.resolve("node.log"), out)) {
      stack.report.header();
      if (scenarios.contains(Scenario.COLD_10K)) {
        stack.run(Scenario.COLD_10K, seconds, 1);
      }
      stack.warmUp(warmup);
      Map<Scenario, BenchReport.Measured> results = new EnumMap<>(Scenario.class);
      for (Scenario scenario : scenarios) {
        if (scenario != Scenario.COLD_10K) {
          BenchReport.Measured m = stack.run(scenario, seconds, 1);
          if (m != null) {
            results.put(scenario, m);
          }
        }
        if (scenario == Scenario.MILLION && results.containsKey(Scenario.MILLION)) {
          double million = results.get(Scenario.MILLION).result().perSecond();
          double spread = results.get(Scenario.SPREAD).result().perSecond();
          out.printf(
              Locale.ROOT,
              "  million/spread: %.0f / %.0f requests/s = %.2f%n",
              million,
              spread,
              million / spread);
        }
      }
      stack.check();
      return stack.failures;
    }
  }
}

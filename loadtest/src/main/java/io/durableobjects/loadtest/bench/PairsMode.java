package io.durableobjects.loadtest.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Repeated pairs: an A/B comparison that survives a noisy machine. Starts two stacks (each a demo
 * node with its own embedded Cassandra; A and B may be two builds and two sets of node options),
 * warms both up, then runs each selected scenario on A, then B, A, B... {@code pairs} times, so
 * that both see the same drift of the machine's load. Prints every run's line, then per scenario
 * the median (min..max) of A and of B for requests/s and p99, and B/A of the medians; both stacks'
 * checks apply. The memory scenario runs once per stack (its objects stay in memory), cold 10k not
 * at all (it precedes the warm-up).
 */
final class PairsMode {
  /** Where a stack's node comes from: its examples build and its JVM options. */
  record Side(String name, Path examplesTarget, String nodeOptions) {}

  private final PrintStream out;
  private final int pairs;
  private final Duration seconds;
  private final Duration warmup;
  private final List<Scenario> scenarios;

  PairsMode(
      PrintStream out, int pairs, Duration seconds, Duration warmup, List<Scenario> scenarios) {
    this.out = out;
    this.pairs = pairs;
    this.seconds = seconds;
    this.warmup = warmup;
    this.scenarios = scenarios;
  }

  /** Runs everything; answers the failed checks of both stacks, each prefixed with its name. */
  List<String> run(Side a, Side b, Path outDir) throws Exception {
    out.println("A: " + a.examplesTarget() + " with " + a.nodeOptions());
    out.println("B: " + b.examplesTarget() + " with " + b.nodeOptions());
    try (BenchStack stackA = start(a, outDir);
        BenchStack stackB = start(b, outDir)) {
      List<BenchStack> both = List.of(stackA, stackB);
      stackA.report.header();
      for (BenchStack stack : both) {
        stack.warmUp(warmup);
      }
      Map<Scenario, List<List<BenchReport.Measured>>> results = new EnumMap<>(Scenario.class);
      for (Scenario scenario : scenarios) {
        if (scenario == Scenario.COLD_10K) {
          out.println("  (cold 10k does not run in pairs mode: it precedes the warm-up)");
          continue;
        }
        int runs = scenario == Scenario.MEMORY ? 1 : pairs;
        List<List<BenchReport.Measured>> perStack = List.of(new ArrayList<>(), new ArrayList<>());
        for (int run = 1; run <= runs; run++) {
          for (int s = 0; s < 2; s++) {
            BenchReport.Measured m = both.get(s).run(scenario, seconds, run);
            if (m != null) {
              perStack.get(s).add(m);
            }
          }
        }
        results.put(scenario, perStack);
      }
      summary(results, stackA, stackB);
      List<String> failures = new ArrayList<>();
      for (BenchStack stack : both) {
        stack.check();
        stack.failures.forEach(f -> failures.add(stack.name + ": " + f));
      }
      return failures;
    }
  }

  private static BenchStack start(Side side, Path outDir) throws Exception {
    String log = "node-" + side.name().toLowerCase(Locale.ROOT) + ".log";
    return BenchStack.start(
        side.name(), side.examplesTarget(), side.nodeOptions(), outDir.resolve(log), System.out);
  }

  private void summary(
      Map<Scenario, List<List<BenchReport.Measured>>> results, BenchStack a, BenchStack b) {
    out.println();
    out.printf(
        Locale.ROOT,
        "pairs: median (min..max) of %d runs per stack; B/A is the ratio of the medians%n",
        pairs);
    out.printf(
        Locale.ROOT,
        "%-11s %-22s %-22s %6s   %-26s %-26s %6s%n",
        "scenario",
        "A req/s",
        "B req/s",
        "B/A",
        "A p99 ms",
        "B p99 ms",
        "B/A");
    Map<Scenario, Spread[]> throughput = new EnumMap<>(Scenario.class);
    results.forEach(
        (scenario, perStack) -> {
          if (perStack.get(0).isEmpty() || perStack.get(1).isEmpty()) {
            out.println(scenario.id + ": no complete runs");
            return;
          }
          Spread[] rps = spreads(perStack, m -> m.result().perSecond());
          Spread[] p99 =
              spreads(perStack, m -> m.result().latencyMicros().getValueAtPercentile(99) / 1000.0);
          throughput.put(scenario, rps);
          out.printf(
              Locale.ROOT,
              "%-11s %-22s %-22s %6.2f   %-26s %-26s %6.2f%n",
              scenario.id,
              format(rps[0], "%.0f"),
              format(rps[1], "%.0f"),
              Spread.ratio(rps[0], rps[1]),
              format(p99[0], "%.1f"),
              format(p99[1], "%.1f"),
              Spread.ratio(p99[0], p99[1]));
        });
    Spread[] million = throughput.get(Scenario.MILLION);
    Spread[] spread = throughput.get(Scenario.SPREAD);
    if (million != null && spread != null) {
      out.printf(
          Locale.ROOT,
          "million/spread (medians): A %.2f, B %.2f%n",
          Spread.ratio(spread[0], million[0]),
          Spread.ratio(spread[1], million[1]));
    }
    NodeMemory.Figures memA = a.objects.memoryFigures();
    NodeMemory.Figures memB = b.objects.memoryFigures();
    if (memA != null && memB != null) {
      out.printf(
          Locale.ROOT,
          "memory, bytes per active object: heap A %.0f, B %.0f (B/A %.2f); RSS A %.0f, B %.0f%n",
          memA.heapBytesPerObject(),
          memB.heapBytesPerObject(),
          memB.heapBytesPerObject() / memA.heapBytesPerObject(),
          memA.rssBytesPerObject(),
          memB.rssBytesPerObject());
    }
  }

  private static Spread[] spreads(
      List<List<BenchReport.Measured>> perStack, ToDoubleFunction<BenchReport.Measured> figure) {
    Spread[] spreads = new Spread[2];
    for (int s = 0; s < 2; s++) {
      spreads[s] = Spread.of(perStack.get(s).stream().map(m -> figure.applyAsDouble(m)).toList());
    }
    return spreads;
  }

  private static String format(Spread s, String number) {
    return String.format(
        Locale.ROOT, number + " (" + number + ".." + number + ")", s.median(), s.min(), s.max());
  }
}

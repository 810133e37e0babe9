package io.durableobjects.loadtest.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The durable-write scenarios of one stack, hot (one counter), spread (10 000 counters) and million
 * (1 000 000 counters, mostly not in memory), and their checks: every acknowledged increment
 * counted, none counted twice. Repeated runs (pairs mode) add up on the same counters.
 */
final class WriteScenarios {
  static final int SPREAD_OBJECTS = 10_000;
  static final int MILLION_OBJECTS = 1_000_000;

  /**
   * How many of the million scenario's counters are read back at the end: the first that were
   * incremented (acknowledged increments are counted for all of them, 16 MB per stack, so that the
   * sample is of counters that did get increments rather than a fixed range that 1 000 requests in
   * a million hardly touch).
   */
  static final int MILLION_SAMPLE = 1_000;

  private final BenchStack stack;
  private final String hotPath;
  private final SampleTracker millionSample =
      new SampleTracker(MILLION_OBJECTS, Scenario.MILLION.clients);
  private long hotOk;
  private long hotUnknown;
  private long spreadOk;
  private long spreadUnknown;
  private boolean millionRan;

  WriteScenarios(BenchStack stack) {
    this.stack = stack;
    this.hotPath = "/v1/counter/by-name/hot-" + stack.runId + "/";
  }

  void warmUp(Duration warmup) throws Exception {
    byte[] warm = stack.post("/v1/counter/by-name/warm-up-" + stack.runId + "/increment");
    Duration half = warmup.dividedBy(2);
    stack.report.line(
        stack.label("warm-up hot", 1),
        Scenario.HOT.clients,
        stack.report.measure(
            () -> stack.load.run((c, r) -> warm, Scenario.HOT.clients, half), "counter"));
    stack.report.line(stack.label("warm-up spread", 1), Scenario.SPREAD.clients, spread(half));
  }

  BenchReport.Measured hot(Duration seconds) throws Exception {
    byte[] hot = stack.post(hotPath + "increment");
    BenchReport.Measured m =
        stack.report.measure(
            () -> stack.load.run((c, r) -> hot, Scenario.HOT.clients, seconds), "counter");
    hotOk += m.result().ok();
    hotUnknown += m.result().errors();
    return m;
  }

  BenchReport.Measured spread(Duration seconds) throws Exception {
    HttpLoad.Requests increments =
        LoadRequests.randomOf(SPREAD_OBJECTS, i -> stack.post(spreadPath(i) + "increment"));
    BenchReport.Measured m =
        stack.report.measure(
            () -> stack.load.run(increments, Scenario.SPREAD.clients, seconds), "counter");
    spreadOk += m.result().ok();
    spreadUnknown += m.result().errors();
    return m;
  }

  /**
   * Increments of counters picked uniformly at random among a million, with eviction after 30 s
   * idle: nearly every request activates an object, which a write then follows. The requests are
   * built as they are sent (a million prebuilt would take ~150 MB per stack).
   */
  BenchReport.Measured million(Duration seconds) throws Exception {
    millionRan = true;
    HttpLoad.Requests increments =
        (client, random) -> {
          int i = random.nextInt(MILLION_OBJECTS);
          millionSample.sending(client, i);
          return stack.post(millionPath(i) + "increment");
        };
    return stack.report.measure(
        () ->
            stack.load.run(increments, Scenario.MILLION.clients, seconds, millionSample::completed),
        "counter-million");
  }

  void check() throws Exception {
    long hot = Long.parseLong(stack.report.getBody(hotPath).strip());
    stack.out.printf(
        Locale.ROOT,
        "check hot%s: counter = %d, successful increments = %d, failed = %d%n",
        suffix(),
        hot,
        hotOk,
        hotUnknown);
    if (hot < hotOk || hot > hotOk + hotUnknown) {
      stack.failures.add(
          "hot: the counter is "
              + hot
              + " after "
              + hotOk
              + " successful increments"
              + (hotUnknown == 0 ? "" : " and " + hotUnknown + " failed ones"));
    }
    long sum = sum(readAll(SPREAD_OBJECTS, this::spreadPath));
    stack.out.printf(
        Locale.ROOT,
        "check spread%s: the %d counters add up to %d, successful increments = %d, failed = %d%n",
        suffix(),
        SPREAD_OBJECTS,
        sum,
        spreadOk,
        spreadUnknown);
    if (sum < spreadOk || sum > spreadOk + spreadUnknown) {
      stack.failures.add(
          "spread: the counters add up to "
              + sum
              + " after "
              + spreadOk
              + " successful increments"
              + (spreadUnknown == 0 ? "" : " and " + spreadUnknown + " failed ones"));
    }
    if (millionRan) {
      checkMillion();
    }
  }

  /** Each sampled counter (reading it activates it again) against its acknowledged increments. */
  private void checkMillion() throws Exception {
    List<Integer> sample = millionSample.touched(MILLION_SAMPLE);
    List<Long> counts = readAll(sample.size(), i -> millionPath(sample.get(i)));
    long acked = 0;
    long total = 0;
    int mismatches = 0;
    for (int i = 0; i < sample.size(); i++) {
      acked += millionSample.acked(sample.get(i));
      total += counts.get(i);
      String mismatch = millionSample.check(sample.get(i), counts.get(i));
      if (mismatch != null && mismatches++ < 10) {
        stack.failures.add("million: " + mismatch);
      }
    }
    stack.out.printf(
        Locale.ROOT,
        "check million%s: %d incremented counters add up to %d, acknowledged increments = %d,"
            + " %d differ%n",
        suffix(),
        sample.size(),
        total,
        acked,
        mismatches);
  }

  private String suffix() {
    return stack.name.isEmpty() ? "" : " " + stack.name;
  }

  private List<Long> readAll(int count, java.util.function.IntFunction<String> path)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Long>> counts = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String p = path.apply(i);
        counts.add(pool.submit(() -> Long.parseLong(stack.report.getBody(p).strip())));
      }
      List<Long> all = new ArrayList<>();
      for (Future<Long> count1 : counts) {
        all.add(count1.get());
      }
      return all;
    } finally {
      pool.shutdownNow();
    }
  }

  private static long sum(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).sum();
  }

  String spreadPath(int i) {
    return "/v1/counter/by-name/spread-" + stack.runId + "-" + i + "/";
  }

  private String millionPath(int i) {
    return "/v1/counter-million/by-name/m-" + stack.runId + "-" + i + "/";
  }
}

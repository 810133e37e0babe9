package io.durableobjects.loadtest.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The scenarios of one stack about objects' life cycle: cold 10k and cold (first requests to new
 * objects, before and after the warm-up), activation (an evicted leaderboard of 1 000 keys) and
 * memory (what an active object costs the node).
 */
final class ObjectScenarios {
  private static final int BOARDS = 100;
  private static final int PLAYERS_PER_BOARD = 500; // two keys each: 1 000 keys per board
  private static final int ACTIVATION_ROUNDS = 3;
  private static final int MEMORY_STEP = 10_000;

  /** The share of the node's maximum heap at which the memory scenario stops activating. */
  private static final double HEAP_CEILING = 0.7;

  private final BenchStack stack;
  private final AtomicLong nextCold = new AtomicLong();
  private boolean boardsFilled;
  private NodeMemory.Figures memory;

  ObjectScenarios(BenchStack stack) {
    this.stack = stack;
  }

  /** The last memory scenario's figures, or null. */
  NodeMemory.Figures memoryFigures() {
    return memory;
  }

  /**
   * The first request to each of 10 000 new counters on a node not yet warmed up (these are the
   * spread scenario's counters, so they are active when it starts).
   */
  BenchReport.Measured cold10k() throws Exception {
    HttpLoad.Requests firsts =
        LoadRequests.eachOnce(
            WriteScenarios.SPREAD_OBJECTS, i -> stack.get(stack.writes.spreadPath(i)));
    return stack.report.measure(
        () -> stack.load.run(firsts, Scenario.COLD_10K.clients, Duration.ofMinutes(2)), null);
  }

  /** GETs, each of a counter never used before (no state: activation finds an empty journal). */
  BenchReport.Measured cold(Duration seconds) throws Exception {
    HttpLoad.Requests firsts =
        (client, random) ->
            stack.get(
                "/v1/counter-cold/by-name/c-"
                    + stack.runId
                    + "-"
                    + nextCold.getAndIncrement()
                    + "/");
    return stack.report.measure(
        () -> stack.load.run(firsts, Scenario.COLD.clients, seconds), "counter-cold");
  }

  /**
   * 100 leaderboards of 500 players (1 000 keys each), written once per stack; then, round after
   * round, waits until every board has been evicted and asks each for its top 10, which activates
   * it. Null when the boards could not be filled (a failure).
   */
  BenchReport.Measured activation() throws Exception {
    if (!boardsFilled && !fillBoards()) {
      return null;
    }
    List<HttpLoad.Result> rounds = new ArrayList<>();
    BenchReport.Snapshot before = null;
    for (int round = 0; round < ACTIVATION_ROUNDS; round++) {
      stack.awaitAllEvicted("leaderboard", BenchStack.BOARD_IDLE_TIMEOUT);
      if (before == null) {
        before = stack.report.snapshot("leaderboard");
      }
      rounds.add(
          stack.load.run(
              LoadRequests.eachOnce(BOARDS, b -> stack.get(boardPath(b) + "top?n=10")),
              Scenario.ACTIVATION.clients,
              Duration.ofMinutes(1)));
    }
    HttpLoad.Result all = merge(rounds);
    long requests = all.requests();
    BenchReport.Snapshot after = stack.report.snapshot("leaderboard");
    long activations = (long) (after.activations() - before.activations());
    double meanMs =
        activations == 0
            ? 0
            : (after.activationSeconds() - before.activationSeconds()) * 1000 / activations;
    stack.note(
        String.format(
            Locale.ROOT,
            "  activation%s: %d first requests to evicted boards of 1 000 keys (%d rounds of %d), "
                + "%d activations on the node, mean %.1f ms inside the node",
            stack.name.isEmpty() ? "" : " " + stack.name,
            requests,
            ACTIVATION_ROUNDS,
            BOARDS,
            activations,
            meanMs));
    if (activations < requests) {
      stack.failures.add(
          "activation: only "
              + activations
              + " activations for "
              + requests
              + " requests: boards were not all evicted");
    }
    return new BenchReport.Measured(all, null, null, null, 0);
  }

  private boolean fillBoards() throws Exception {
    List<byte[]> scores = new ArrayList<>();
    for (int b = 0; b < BOARDS; b++) {
      for (int p = 0; p < PLAYERS_PER_BOARD; p++) {
        scores.add(
            stack.request(
                "POST",
                boardPath(b) + "scores",
                "{\"player\":\"player-" + p + "\",\"score\":" + (p * 7 % 1000) + "}"));
      }
    }
    HttpLoad.Result filled =
        stack.load.run(
            LoadRequests.eachOnce(scores.size(), scores::get),
            Scenario.HOT.clients,
            Duration.ofMinutes(3));
    if (filled.ok() != scores.size()) {
      stack.failures.add(
          "activation: filling the boards got "
              + filled.statuses()
              + " and "
              + filled.ioErrors()
              + " I/O errors");
      return false;
    }
    boardsFilled = true;
    return true;
  }

  /**
   * Activates fresh counters (one increment each) in steps of 10 000, up to {@code
   * bench.memoryObjects} (100 000), and reports the node's memory before and after. It stops early
   * once the heap in use after a full GC passes {@link #HEAP_CEILING} of the node's maximum: the
   * figure per object is then still right, and the node does not run out of memory. First waits
   * until the cold and million scenarios' objects (30 s eviction) are gone, so that their eviction
   * does not shrink the heap during the measurement.
   */
  BenchReport.Measured memory() throws Exception {
    stack.awaitAllEvicted("counter-cold", BenchStack.SHORT_IDLE_TIMEOUT);
    stack.awaitAllEvicted("counter-million", BenchStack.SHORT_IDLE_TIMEOUT);
    int objects = Integer.getInteger("bench.memoryObjects", 100_000);
    NodeMemory node = new NodeMemory(stack.node.process(), stack.report);
    NodeMemory.Sample before = node.sample("counter-memory");
    String prefix = "/v1/counter-memory/by-name/mem-" + stack.runId + "-" + System.nanoTime();
    List<HttpLoad.Result> steps = new ArrayList<>();
    String[] stopped = {null};
    BenchReport.Measured m =
        stack.report.measure(
            () -> {
              for (int from = 0; from < objects && stopped[0] == null; from += MEMORY_STEP) {
                int first = from;
                HttpLoad.Requests firsts =
                    LoadRequests.eachOnce(
                        Math.min(MEMORY_STEP, objects - from),
                        i -> stack.post(prefix + "-" + (first + i) + "/increment"));
                steps.add(stack.load.run(firsts, Scenario.MEMORY.clients, Duration.ofMinutes(10)));
                NodeMemory.Sample now = node.sample("counter-memory");
                if (now.heapBytes() > HEAP_CEILING * now.maxHeapBytes()) {
                  stopped[0] =
                      String.format(
                          Locale.ROOT,
                          " (stopped at %.0f: the heap after a full GC passed %.0f%% of the"
                              + " node's %.0f MiB)",
                          now.active(),
                          HEAP_CEILING * 100,
                          now.maxHeapBytes() / (1024 * 1024));
                }
              }
              return merge(steps);
            },
            "counter-memory");
    memory = NodeMemory.Figures.between(before, node.sample("counter-memory"));
    stack.note(
        "  memory"
            + (stack.name.isEmpty() ? "" : " " + stack.name)
            + ": "
            + memory
            + (stopped[0] == null ? "" : stopped[0]));
    if (m.result().ok() < m.result().requests()) {
      stack.failures.add(
          "memory: only " + m.result().ok() + " of " + m.result().requests() + " increments ok");
    }
    return m;
  }

  /** The results of consecutive runs as one. */
  private static HttpLoad.Result merge(List<HttpLoad.Result> runs) {
    Histogram all = new Histogram(1, HttpLoad.RESPONSE_TIMEOUT.toNanos() / 1000 * 2, 3);
    Map<Integer, Long> statuses = new TreeMap<>();
    long requests = 0;
    long ok = 0;
    long ioErrors = 0;
    double seconds = 0;
    for (HttpLoad.Result r : runs) {
      all.add(r.latencyMicros());
      r.statuses().forEach((status, n) -> statuses.merge(status, n, Long::sum));
      requests += r.requests();
      ok += r.ok();
      ioErrors += r.ioErrors();
      seconds += r.seconds();
    }
    return new HttpLoad.Result(requests, ok, statuses, ioErrors, all, seconds);
  }

  private static String boardPath(int b) {
    return "/v1/leaderboard/by-name/board-" + b + "/";
  }
}

package io.durableobjects.loadtest.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The suite's knobs, from system properties ({@code bin/chaos} sets them from {@code CHAOS_*}
 * environment variables; the names in brackets).
 *
 * @param faults which faults, in this order ({@code chaos.faults}, CHAOS_FAULTS: comma-separated
 *     fault ids; default all: kill-node, kill-cassandra, pause-node, partition, rolling-restart,
 *     kill-node-and-cassandra)
 * @param runs runs per fault ({@code chaos.runs}, CHAOS_RUNS, default: kill-node 3, rolling-restart
 *     1, the others 2; per fault {@code chaos.runs.<fault id>}, e.g. CHAOS_RUNS_PAUSE_NODE=3)
 * @param warmup load before each fault ({@code chaos.warmupSeconds}, CHAOS_WARMUP_SECONDS, 10)
 * @param pause how long a node stays frozen ({@code chaos.pauseSeconds}, CHAOS_PAUSE_SECONDS, 30)
 * @param partition how long a node stays cut off ({@code chaos.partitionSeconds},
 *     CHAOS_PARTITION_SECONDS, 30)
 * @param cassandraDown how long Cassandra stays dead ({@code chaos.cassandraDownSeconds},
 *     CHAOS_CASSANDRA_DOWN_SECONDS, 10)
 * @param after load after every object answers again ({@code chaos.afterSeconds}, 5)
 * @param drain how long clients may go on retrying keyed writes once the load stops ({@code
 *     chaos.drainSeconds}, 30)
 * @param alarmMargin how late after its due time a reminder may be delivered ({@code
 *     chaos.alarmMarginSeconds}, CHAOS_ALARM_MARGIN_SECONDS, 60)
 * @param recoverWithin how long the cluster may take to be healthy again, and every object to
 *     answer ({@code chaos.recoverWithinSeconds}, 180)
 * @param clients counter clients, half with keys, half without ({@code chaos.clients},
 *     CHAOS_CLIENTS, 16); plus 2 reminder clients and 2 readers
 * @param counters counters per run, half of them incremented with keys ({@code chaos.counters}, 24)
 * @param reminderObjects reminder objects per run ({@code chaos.reminderObjects}, 8)
 * @param network {@code auto} (network namespaces when a partition is to run and they can be made:
 *     root and iproute2), {@code netns} or {@code loopback} ({@code chaos.network}, CHAOS_NETWORK)
 * @param nodeOptions JVM options of every node ({@code chaos.nodeOptions}, CHAOS_NODE_OPTS)
 * @param examplesTarget the examples' build ({@code chaos.examplesTarget})
 * @param out where the summary and the logs go ({@code chaos.out}, default target/chaos)
 */
record ChaosSettings(
    List<Fault> faults,
    Map<Fault, Integer> runs,
    Duration warmup,
    Duration pause,
    Duration partition,
    Duration cassandraDown,
    Duration after,
    Duration drain,
    Duration alarmMargin,
    Duration recoverWithin,
    int clients,
    int counters,
    int reminderObjects,
    String network,
    List<String> nodeOptions,
    Path examplesTarget,
    Path out) {

  /** The nodes' JVM options unless chaos.nodeOptions says otherwise. */
  static final String DEFAULT_NODE_OPTIONS =
      "-Xms128m -Xmx384m -XX:+UseG1GC -Djava.util.concurrent.ForkJoinPool.common.parallelism=4"
          + " -Ddurable-objects.journal.delete-events-on-snapshot=off";

  static ChaosSettings fromSystemProperties() {
    List<Fault> faults = new ArrayList<>();
    String names = System.getProperty("chaos.faults", "").strip();
    if (names.isEmpty()) {
      faults.addAll(
          List.of(
              Fault.KILL_NODE,
              Fault.KILL_CASSANDRA,
              Fault.PAUSE_NODE,
              Fault.PARTITION,
              Fault.ROLLING_RESTART,
              Fault.KILL_NODE_AND_CASSANDRA));
    } else {
      Arrays.stream(names.split(",")).filter(s -> !s.isBlank()).map(Fault::of).forEach(faults::add);
    }
    Map<Fault, Integer> runs = new LinkedHashMap<>();
    Integer all = Integer.getInteger("chaos.runs");
    for (Fault fault : faults) {
      int fallback =
          all != null ? all : fault == Fault.KILL_NODE ? 3 : fault == Fault.ROLLING_RESTART ? 1 : 2;
      runs.put(fault, Integer.getInteger("chaos.runs." + fault.id, fallback));
    }
    String options = System.getProperty("chaos.nodeOptions", "").strip();
    return new ChaosSettings(
        List.copyOf(faults),
        runs,
        seconds("chaos.warmupSeconds", 10),
        seconds("chaos.pauseSeconds", 30),
        seconds("chaos.partitionSeconds", 30),
        seconds("chaos.cassandraDownSeconds", 10),
        seconds("chaos.afterSeconds", 5),
        seconds("chaos.drainSeconds", 30),
        seconds("chaos.alarmMarginSeconds", 60),
        seconds("chaos.recoverWithinSeconds", 180),
        Integer.getInteger("chaos.clients", 16),
        Integer.getInteger("chaos.counters", 24),
        Integer.getInteger("chaos.reminderObjects", 8),
        System.getProperty("chaos.network", "auto"),
        List.of((options.isEmpty() ? DEFAULT_NODE_OPTIONS : options).split("\\s+")),
        Path.of(System.getProperty("chaos.examplesTarget", "examples/target")),
        Path.of(System.getProperty("chaos.out", "target/chaos")));
  }

  private static Duration seconds(String property, long fallback) {
    return Duration.ofSeconds(Long.getLong(property, fallback));
  }
}

package io.durableobjects.loadtest.chaos;

import java.util.Arrays;
import java.util.Locale;

/** The faults of the suite, with the names used on the command line and in the summary. */
enum Fault {
  KILL_NODE("kill-node", "kill -9 of a node (each run another one, the seed included)"),
  KILL_CASSANDRA("kill-cassandra", "kill -9 of Cassandra, restarted on the same data and port"),
  KILL_NODE_AND_CASSANDRA(
      "kill-node-and-cassandra",
      "kill -9 of a single demo node and its embedded Cassandra at the same instant"),
  PAUSE_NODE("pause-node", "SIGSTOP of a node, SIGCONT after the pause"),
  PARTITION("partition", "one node cut off from the others (not from clients or Cassandra)"),
  ROLLING_RESTART("rolling-restart", "SIGTERM of each node in turn, restarted, ready again"),
  /** Not a fault: the counters of every earlier cluster run read again at the end of the suite. */
  RECHECK(
      "recheck", "the counters of every cluster run, read again at the end (after later faults)");

  final String id;
  final String description;

  Fault(String id, String description) {
    this.id = id;
    this.description = description;
  }

  /** The fault named {@code id} (as in {@code CHAOS_FAULTS}). */
  static Fault of(String id) {
    String wanted = id.strip().toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(f -> f != RECHECK && f.id.equals(wanted))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown fault '"
                        + id
                        + "'; known: "
                        + Arrays.stream(values())
                            .filter(f -> f != RECHECK)
                            .map(f -> f.id)
                            .toList()));
  }

  /** Whether the fault runs on the three-node cluster (the others on a single node stack). */
  boolean onCluster() {
    return this != KILL_NODE_AND_CASSANDRA && this != RECHECK;
  }
}

package io.durableobjects.loadtest.chaos;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One run of one fault: fresh objects, load on them, the fault, the wait until the cluster is
 * healthy and every object answers again, then the checks (the objects' final state, the reminders,
 * the journal). How each fault is injected:
 *
 * <ul>
 *   <li>{@code kill-node}: {@code kill -9} of node (run % N) + 1; once every object answers again
 *       the node is started again into the cluster;
 *   <li>{@code kill-cassandra}: {@code kill -9} of the Cassandra JVM and its launcher; after the
 *       down time Cassandra starts again on the same data directory and port;
 *   <li>{@code pause-node}: SIGSTOP of node ((run + 1) % N) + 1 while requests to its objects are
 *       in flight, SIGCONT after the pause; a node the others downed meanwhile stops itself and is
 *       started again (or is killed and started again if it does not);
 *   <li>{@code partition}: node ((run + 2) % N) + 1 cut off from the other nodes ({@link
 *       Network#isolate}), healed after the partition time, restarted as above;
 *   <li>{@code rolling-restart}: SIGTERM of each node in turn, started again, cluster healthy
 *       before the next;
 *   <li>{@code kill-node-and-cassandra}: a single demo node with its embedded Cassandra ({@link
 *       SingleNodeStack}), both killed with one {@code kill -9}, then started again.
 * </ul>
 */
final class FaultRuns {
  private final ChaosSettings settings;
  private final Http http;
  private final String suiteId;
  private final Set<String> journalDuplicatesSeen = new HashSet<>();

  /**
   * The ledgers of the runs on the cluster and what their own checks found, for {@link #recheck}.
   */
  private final java.util.Map<Ledger, Verifier.Verdict> clusterRuns =
      new java.util.LinkedHashMap<>();

  FaultRuns(ChaosSettings settings, Http http, String suiteId) {
    this.settings = settings;
    this.http = http;
    this.suiteId = suiteId;
  }

  /** What a run is run against: the gateways, and how to inject its fault. */
  interface Target {
    List<String> gateways();

    /**
     * Injects the fault; answers the instants (nanoTime) the objects' recovery is measured from.
     */
    List<Long> inject(Ledger ledger, List<String> objects) throws IOException;

    /** Waits until the system is whole again (all nodes ready and members). */
    void awaitHealthy() throws IOException;

    InetSocketAddress cassandra() throws IOException;
  }

  Summary.RunResult run(Fault fault, int run, Target target) {
    String prefix = "c" + suiteId + "-" + fault.id + "-" + (run + 1) + "-";
    List<String> unkeyed = names(prefix + "u", Math.max(1, settings.counters() / 2));
    List<String> keyed =
        names(prefix + "k", Math.max(1, settings.counters() - settings.counters() / 2));
    List<String> reminderObjects = names(prefix + "r", settings.reminderObjects());
    List<String> counters = new ArrayList<>(unkeyed);
    counters.addAll(keyed);
    Ledger ledger = new Ledger(unkeyed, keyed);
    long requestsBefore = http.requests();
    Workload workload =
        new Workload(http, target.gateways(), ledger, unkeyed, keyed, reminderObjects);
    Duration recovery = null;
    String error = null;
    workload.start(settings.clients() / 2, settings.clients() - settings.clients() / 2, 2, 2);
    try {
      Processes.sleep(settings.warmup().toMillis());
      List<Long> instants = target.inject(ledger, counters);
      target.awaitHealthy();
      for (long instant : instants) {
        Duration r = recoveredAfter(ledger, counters, instant);
        recovery = recovery == null || r.compareTo(recovery) > 0 ? r : recovery;
      }
      Processes.sleep(settings.after().toMillis());
    } catch (IOException | RuntimeException e) {
      error = e.getMessage();
    } finally {
      workload.stop(settings.drain());
    }
    List<String> problems = new ArrayList<>();
    workload.clientErrors().forEach(e -> problems.add("client error: " + e));
    Verifier.Verdict verdict = new Verifier.Verdict(0, 0, 0, 0, 0, 0, List.of(), List.of());
    try {
      verdict = new Verifier(http, target.gateways()).check(ledger, settings.alarmMargin());
      if (fault.onCluster()) {
        clusterRuns.put(ledger, verdict);
      }
      problems.addAll(verdict.problems());
      if (!verdict.unreadable().isEmpty()) {
        error = (error == null ? "" : error + "; ") + unreadable(verdict.unreadable());
      }
    } catch (RuntimeException e) {
      error = (error == null ? "" : error + "; ") + "checks failed: " + e.getMessage();
    }
    long journal = 0;
    try {
      journal = newJournalDuplicates(target.cassandra(), problems);
    } catch (IOException | RuntimeException e) {
      error = (error == null ? "" : error + "; ") + "journal check failed: " + e.getMessage();
    }
    if (!workload.clientErrors().isEmpty() && error == null) {
      error = "a client failed: " + workload.clientErrors().get(0);
    }
    return new Summary.RunResult(
        fault,
        http.requests() - requestsBefore,
        ledger.acknowledgedWrites(),
        ledger.ambiguousWrites(),
        verdict.lost(),
        verdict.duplicated(),
        journal,
        verdict.alarms(),
        verdict.alarmsMissing(),
        recovery,
        error,
        problems);
  }

  /**
   * Reads the counters of every earlier run on the cluster again (their objects have been through
   * the later faults, and may have been evicted and activated again from the journal) and checks
   * them against their ledgers; reports only what the run's own check had not found. Also the
   * journal, once more.
   */
  Summary.RunResult recheck(Target target) {
    long requestsBefore = http.requests();
    long acknowledged = 0;
    long lost = 0;
    long duplicated = 0;
    long journal = 0;
    String error = null;
    List<String> problems = new ArrayList<>();
    try {
      for (var run : clusterRuns.entrySet()) {
        Ledger ledger = run.getKey();
        Verifier.Verdict before = run.getValue();
        Verifier.Verdict now = new Verifier(http, target.gateways()).checkCounters(ledger);
        acknowledged += ledger.acknowledgedWrites() - ledger.reminders.size();
        lost += Math.max(0, now.countersLost() - before.countersLost());
        duplicated += Math.max(0, now.countersDuplicated() - before.countersDuplicated());
        now.problems().stream().filter(p -> !before.problems().contains(p)).forEach(problems::add);
        if (!now.unreadable().isEmpty()) {
          error = (error == null ? "" : error + "; ") + unreadable(now.unreadable());
        }
      }
      journal = newJournalDuplicates(target.cassandra(), problems);
    } catch (IOException | RuntimeException e) {
      error = e.getMessage();
    }
    return new Summary.RunResult(
        Fault.RECHECK,
        http.requests() - requestsBefore,
        acknowledged,
        0,
        lost,
        duplicated,
        journal,
        0,
        0,
        null,
        error,
        problems);
  }

  private static String unreadable(List<String> counters) {
    return counters.size()
        + " counters did not answer after the run (their acknowledged writes"
        + " could not be checked): "
        + counters;
  }

  /** The journal's broken chains not reported before, added to {@code problems}. */
  private long newJournalDuplicates(InetSocketAddress cassandra, List<String> problems) {
    long found = 0;
    for (JournalDuplicates.Duplicate d : JournalDuplicates.find(cassandra)) {
      if (journalDuplicatesSeen.add(d.persistenceId() + "#" + d.sequenceNr())) {
        found++;
        problems.add(JournalDuplicates.describe(d));
      }
    }
    return found;
  }

  /** Time from {@code since} until every object acknowledged a write sent at or after it. */
  private Duration recoveredAfter(Ledger ledger, List<String> objects, long since) {
    long deadline = System.nanoTime() + settings.recoverWithin().toNanos();
    while (true) {
      long latest = since;
      List<String> waiting = new ArrayList<>();
      for (String object : objects) {
        long first = ledger.firstSuccessSince(object, since);
        if (first < 0) {
          waiting.add(object);
        } else {
          latest = Math.max(latest, first);
        }
      }
      if (waiting.isEmpty()) {
        return Duration.ofNanos(latest - since);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            waiting.size()
                + " objects did not answer within "
                + settings.recoverWithin().toSeconds()
                + " s, e.g. "
                + waiting.get(0));
      }
      Processes.sleep(200);
    }
  }

  /** Waits until every object answered after {@code since} (used before restarting a node). */
  void awaitRecovered(Ledger ledger, List<String> objects, long since) {
    recoveredAfter(ledger, objects, since);
  }

  static String seconds(Duration d) {
    return d == null ? "-" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  private static List<String> names(String prefix, int n) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      names.add(prefix + i);
    }
    return names;
  }
}

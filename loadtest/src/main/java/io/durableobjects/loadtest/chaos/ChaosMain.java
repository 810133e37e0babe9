package io.durableobjects.loadtest.chaos;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The fault-injection suite behind {@code bin/chaos}: against a real local cluster (three demo
 * nodes as child JVMs, one embedded Cassandra that the suite starts itself, in a temporary
 * directory, on free ports) under load from many clients, it injects each fault several times
 * ({@link FaultRuns} says how), and after each, once the cluster is healthy again, checks that
 * every acknowledged write is present, that no value was acknowledged twice, that the journal has
 * no sequence number twice ({@link JournalDuplicates}), and that every acknowledged reminder was
 * delivered. It ends with one table ({@link Summary}), also written to {@code summary.txt} and
 * {@code summary.md} in the output directory, and exits with status 1 if anything was lost,
 * duplicated or not delivered, or a run could not be completed. Settings: {@link ChaosSettings}.
 * The nodes' and Cassandra's logs go to {@code logs/} in the output directory.
 */
public final class ChaosMain {
  private static final int NODES = 3;
  private static final Duration START_WITHIN = Duration.ofMinutes(4);

  private final ChaosSettings settings;
  private final Http http = new Http();
  private final Summary summary = new Summary();
  private final List<AutoCloseable> open = new ArrayList<>();
  private final String suiteId = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);

  private ChaosMain(ChaosSettings settings) {
    this.settings = settings;
  }

  public static void main(String[] args) throws Exception {
    ChaosSettings settings = ChaosSettings.fromSystemProperties();
    System.exit(run(settings) ? 0 : 1);
  }

  /** Runs the suite; answers whether every check passed. */
  public static boolean run(ChaosSettings settings) throws Exception {
    return new ChaosMain(settings).runAll();
  }

  private boolean runAll() throws Exception {
    long started = System.nanoTime();
    Path out = settings.out().toAbsolutePath();
    Path logs = out.resolve("logs");
    Processes.deleteRecursively(logs);
    Files.createDirectories(logs);
    String classpath = Processes.examplesClasspath(settings.examplesTarget());
    Path tmp = Files.createTempDirectory("durable-objects-chaos");
    Thread hook = new Thread(() -> closeAll(tmp), "chaos-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    FaultRuns runs = new FaultRuns(settings, http, suiteId);
    String networkDescription = "-";
    try {
      List<Fault> clusterFaults = settings.faults().stream().filter(Fault::onCluster).toList();
      if (!clusterFaults.isEmpty()) {
        networkDescription = runClusterFaults(clusterFaults, runs, classpath, tmp, logs);
      }
      if (settings.faults().contains(Fault.KILL_NODE_AND_CASSANDRA)) {
        runSingleNodeFault(runs, classpath, tmp, logs);
      }
    } finally {
      closeAll(tmp);
      Runtime.getRuntime().removeShutdownHook(hook);
    }
    String header =
        String.format(
            Locale.ROOT,
            "chaos suite %s, %s, %d nodes, network: %s, %.1f min; logs in %s",
            suiteId,
            Instant.now(),
            NODES,
            networkDescription,
            (System.nanoTime() - started) / 60e9,
            logs);
    List<Fault> order = new ArrayList<>(settings.faults());
    order.add(Fault.RECHECK);
    String table = summary.table(order);
    System.out.println();
    System.out.println(header);
    System.out.print(table);
    summary.write(out, order, header);
    boolean ok = !summary.failed();
    System.out.println(
        (ok
                ? "OK: nothing lost, nothing duplicated, every alarm delivered"
                : "FAILED: see the problems in " + out.resolve("summary.md"))
            + " (summary in "
            + out.resolve("summary.txt")
            + ")");
    return ok;
  }

  private String runClusterFaults(
      List<Fault> faults, FaultRuns runs, String classpath, Path tmp, Path logs)
      throws IOException {
    Network network = network(faults.contains(Fault.PARTITION));
    open.add(network);
    System.out.println("chaos: network: " + network.describe());
    CassandraServer cassandra =
        new CassandraServer(classpath, tmp.resolve("cassandra"), logs, Processes.freePort());
    open.add(cassandra);
    System.out.println("chaos: starting Cassandra on 127.0.0.1:" + cassandra.cqlPort() + "...");
    cassandra.start(START_WITHIN);
    LocalCluster cluster =
        new LocalCluster(NODES, classpath, network, cassandra, settings.nodeOptions(), logs, http);
    open.add(cluster);
    System.out.println("chaos: starting " + NODES + " nodes...");
    cluster.start(START_WITHIN);
    System.out.println("chaos: cluster ready: " + cluster.baseUrls());
    String abort = null;
    for (Fault fault : faults) {
      if (fault == Fault.PARTITION && network.partitionUnavailableReason() != null) {
        summary.notRun(fault, network.partitionUnavailableReason());
        System.out.println(
            "chaos: " + fault.id + " not run: " + network.partitionUnavailableReason());
        continue;
      }
      if (abort != null) {
        summary.notRun(fault, abort);
        continue;
      }
      int count = settings.runs().get(fault);
      for (int run = 0; run < count && abort == null; run++) {
        ClusterTarget target = new ClusterTarget(fault, run, cluster, cassandra, network, runs);
        Summary.RunResult result = runs.run(fault, run, target);
        report(result, run, count, target.action);
        summary.add(result);
        if (result.error() != null) {
          try {
            cluster.awaitHealthy(settings.recoverWithin());
          } catch (IOException e) {
            abort = "the cluster did not recover from an earlier run: " + e.getMessage();
          }
        }
      }
    }
    if (abort == null) {
      System.out.println("chaos: reading the counters of every run again...");
      Summary.RunResult recheck =
          runs.recheck(new ClusterTarget(Fault.RECHECK, 0, cluster, cassandra, network, runs));
      report(recheck, 0, 1, "all runs' counters");
      summary.add(recheck);
    }
    cluster.close();
    cassandra.close();
    network.close();
    return network.describe();
  }

  private void runSingleNodeFault(FaultRuns runs, String classpath, Path tmp, Path logs)
      throws IOException {
    Fault fault = Fault.KILL_NODE_AND_CASSANDRA;
    SingleNodeStack stack =
        new SingleNodeStack(classpath, tmp.resolve("single"), logs, settings.nodeOptions(), http);
    open.add(stack);
    System.out.println("chaos: starting a single demo node with its embedded Cassandra...");
    stack.start(START_WITHIN);
    int count = settings.runs().get(fault);
    for (int run = 0; run < count; run++) {
      StringBuilder action = new StringBuilder();
      FaultRuns.Target target =
          new FaultRuns.Target() {
            @Override
            public List<String> gateways() {
              return List.of(stack.baseUrl());
            }

            @Override
            public List<Long> inject(Ledger ledger, List<String> objects) throws IOException {
              long at = System.nanoTime();
              long[] pids = stack.kill9Both();
              action
                  .append("kill -9 ")
                  .append(pids[0])
                  .append(" (node) ")
                  .append(pids[1])
                  .append(" (Cassandra)");
              Processes.sleep(2000);
              stack.start(START_WITHIN);
              return List.of(at);
            }

            @Override
            public void awaitHealthy() {}

            @Override
            public InetSocketAddress cassandra() throws IOException {
              return new InetSocketAddress("127.0.0.1", stack.cqlPort());
            }
          };
      Summary.RunResult result = runs.run(fault, run, target);
      report(result, run, count, action);
      summary.add(result);
    }
    stack.close();
  }

  /** The cluster's faults. */
  private final class ClusterTarget implements FaultRuns.Target {
    private final Fault fault;
    private final int run;
    private final LocalCluster cluster;
    private final CassandraServer cassandra;
    private final Network network;
    private final FaultRuns runs;
    final StringBuilder action = new StringBuilder();

    ClusterTarget(
        Fault fault,
        int run,
        LocalCluster cluster,
        CassandraServer cassandra,
        Network network,
        FaultRuns runs) {
      this.fault = fault;
      this.run = run;
      this.cluster = cluster;
      this.cassandra = cassandra;
      this.network = network;
      this.runs = runs;
    }

    @Override
    public List<String> gateways() {
      return cluster.baseUrls();
    }

    @Override
    public void awaitHealthy() throws IOException {
      cluster.awaitHealthy(settings.recoverWithin());
    }

    @Override
    public InetSocketAddress cassandra() {
      return new InetSocketAddress("127.0.0.1", cassandra.cqlPort());
    }

    @Override
    public List<Long> inject(Ledger ledger, List<String> objects) throws IOException {
      int n = cluster.size();
      List<Long> instants = new ArrayList<>();
      switch (fault) {
        case KILL_NODE -> {
          int victim = run % n;
          action
              .append("kill -9 node ")
              .append(victim + 1)
              .append(" (pid ")
              .append(cluster.pid(victim))
              .append(')');
          instants.add(System.nanoTime());
          cluster.kill9(victim);
          runs.awaitRecovered(ledger, objects, instants.get(0));
          instants.add(System.nanoTime());
          cluster.restart(victim);
        }
        case KILL_CASSANDRA -> {
          action
              .append("kill -9 Cassandra for ")
              .append(settings.cassandraDown().toSeconds())
              .append(" s");
          instants.add(System.nanoTime());
          cassandra.kill9();
          Processes.sleep(settings.cassandraDown().toMillis());
          cassandra.start(START_WITHIN);
        }
        case PAUSE_NODE -> {
          int victim = (run + 1) % n;
          action
              .append("SIGSTOP node ")
              .append(victim + 1)
              .append(" (pid ")
              .append(cluster.pid(victim))
              .append(") for ")
              .append(settings.pause().toSeconds())
              .append(" s");
          instants.add(System.nanoTime());
          cluster.pause(victim);
          Processes.sleep(settings.pause().toMillis());
          instants.add(System.nanoTime());
          cluster.resume(victim);
        }
        case PARTITION -> {
          int victim = (run + 2) % n;
          action
              .append("node ")
              .append(victim + 1)
              .append(" cut off for ")
              .append(settings.partition().toSeconds())
              .append(" s");
          instants.add(System.nanoTime());
          network.isolate(victim);
          try {
            Processes.sleep(settings.partition().toMillis());
          } finally {
            instants.add(System.nanoTime());
            network.heal();
          }
        }
        case ROLLING_RESTART -> {
          action.append("SIGTERM and restart of nodes 1..").append(n);
          for (int i = 0; i < n; i++) {
            instants.add(System.nanoTime());
            cluster.stop(i);
            cluster.restart(i);
            cluster.awaitHealthy(settings.recoverWithin());
          }
        }
        default -> throw new IllegalArgumentException(fault + " does not run on the cluster");
      }
      return instants;
    }
  }

  private void report(Summary.RunResult r, int run, int runs, CharSequence action) {
    System.out.printf(
        Locale.ROOT,
        "chaos: %s %d/%d (%s): %d requests, %d acknowledged, %d ambiguous, lost %d, duplicated %d,"
            + " journal duplicates %d, alarms missing %d/%d, every object answered again after %s%s%n",
        r.fault().id,
        run + 1,
        runs,
        action,
        r.requests(),
        r.acknowledged(),
        r.ambiguous(),
        r.lost(),
        r.duplicated(),
        r.journalDuplicates(),
        r.alarmsMissing(),
        r.alarms(),
        FaultRuns.seconds(r.recovery()),
        r.error() == null ? "" : "; RUN FAILED: " + r.error());
    r.problems().stream().limit(10).forEach(p -> System.out.println("chaos:   " + p));
    if (r.problems().size() > 10) {
      System.out.println("chaos:   ... and " + (r.problems().size() - 10) + " more (summary.md)");
    }
  }

  /**
   * Network namespaces when a partition is to run and they can be made (or CHAOS_NETWORK=netns).
   */
  private Network network(boolean partitionWanted) {
    String mode = settings.network();
    if (mode.equals("loopback") || (mode.equals("auto") && !partitionWanted)) {
      return new Network.Loopback(
          "the nodes run on loopback (CHAOS_NETWORK="
              + mode
              + "); partitions need network namespaces");
    }
    try {
      return NetworkNamespaces.create(NODES);
    } catch (RuntimeException e) {
      if (mode.equals("netns")) {
        throw e;
      }
      return new Network.Loopback(
          "network namespaces could not be made ("
              + e.getMessage()
              + "; they need root and iproute2)");
    }
  }

  private synchronized void closeAll(Path tmp) {
    for (int i = open.size() - 1; i >= 0; i--) {
      try {
        open.get(i).close();
      } catch (Exception e) {
        System.err.println("chaos: cleanup: " + e);
      }
    }
    open.clear();
    Processes.deleteRecursively(tmp);
  }
}

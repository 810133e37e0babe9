package io.durableobjects.loadtest.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/**
 * The measuring and printing half of the benchmark runner: the CPU each process (node, Cassandra,
 * this load generator) used during a run, the journal's group-commit figures from the node's
 * /metrics, and one table line per run.
 */
final class BenchReport {
  private final PrintStream out;
  private final DemoNode node;
  private final ProcessUsage nodeUsage;
  private final Optional<ProcessUsage> cassandraUsage;
  private final ProcessUsage selfUsage = new ProcessUsage(ProcessHandle.current());
  private final HttpClient client = HttpClient.newHttpClient();

  BenchReport(PrintStream out, DemoNode node) {
    this.out = out;
    this.node = node;
    this.nodeUsage = new ProcessUsage(node.process());
    this.cassandraUsage = node.cassandra().map(ProcessUsage::new);
  }

  interface Run {
    HttpLoad.Result run() throws Exception;
  }

  /** A run with the CPU each process used during it and the journal's group-commit figures. */
  record Measured(
      HttpLoad.Result result,
      Double nodeCores,
      Double cassandraCores,
      Double selfCores,
      double txPerWrite) {}

  Measured measure(Run run, String journalNamespace) throws Exception {
    Snapshot before = journalNamespace == null ? null : snapshot(journalNamespace);
    Duration node0 = nodeUsage.cpu();
    Duration cass0 = cassandraUsage.map(ProcessUsage::cpu).orElse(Duration.ZERO);
    Duration self0 = selfUsage.cpu();
    HttpLoad.Result result = run.run();
    double secs = result.seconds();
    double node = (nodeUsage.cpu().minus(node0)).toNanos() / 1e9 / secs;
    double cass =
        (cassandraUsage.map(ProcessUsage::cpu).orElse(Duration.ZERO).minus(cass0)).toNanos()
            / 1e9
            / secs;
    double self = (selfUsage.cpu().minus(self0)).toNanos() / 1e9 / secs;
    double txPerWrite = 0;
    if (before != null) {
      Snapshot after = snapshot(journalNamespace);
      double writes = after.writes - before.writes;
      txPerWrite = writes == 0 ? 0 : (after.transactions - before.transactions) / writes;
    }
    return new Measured(result, node, cassandraUsage.isPresent() ? cass : null, self, txPerWrite);
  }

  void header() {
    out.println();
    out.printf(
        Locale.ROOT,
        "%-17s %7s %6s %9s %9s %8s %8s %8s %8s %7s %9s %9s %9s %9s %8s %8s%n",
        "scenario",
        "clients",
        "secs",
        "requests",
        "req/s",
        "p50 ms",
        "p99 ms",
        "p99.9 ms",
        "max ms",
        "errors",
        "node cpu",
        "node rss",
        "cass cpu",
        "cass rss",
        "gen cpu",
        "tx/write");
  }

  void line(String name, int clients, Measured m) {
    HttpLoad.Result r = m.result;
    Histogram h = r.latencyMicros();
    out.printf(
        Locale.ROOT,
        "%-17s %7d %6.1f %9d %9.0f %8.2f %8.2f %8.1f %8.1f %7d %9s %8dM %9s %8dM %8s %8s%n",
        name,
        clients,
        r.seconds(),
        r.requests(),
        r.perSecond(),
        h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0,
        h.getValueAtPercentile(99.9) / 1000.0,
        h.getMaxValue() / 1000.0,
        r.errors(),
        cores(m.nodeCores),
        nodeUsage.rssMiB(),
        cores(m.cassandraCores),
        cassandraUsage.map(ProcessUsage::rssMiB).orElse(-1L),
        cores(m.selfCores),
        m.txPerWrite == 0 ? "-" : String.format(Locale.ROOT, "%.1f", m.txPerWrite));
    if (r.errors() > 0) {
      out.println(
          "  "
              + name
              + " errors: statuses "
              + r.statuses()
              + ", I/O errors or timeouts "
              + r.ioErrors());
    }
  }

  private static String cores(Double cores) {
    return cores == null ? "-" : String.format(Locale.ROOT, "%.2f", cores);
  }

  /** Counters of the node's /metrics that the benchmark reports on, for one namespace. */
  record Snapshot(
      double writes,
      double transactions,
      double active,
      double activations,
      double activationSeconds) {}

  /** The node's counters for {@code namespace}, read from its /metrics now. */
  Snapshot snapshot(String namespace) throws Exception {
    String page = getBody("/metrics");
    return new Snapshot(
        PrometheusText.value(
            page, "durable_objects_journal_batch_size_count", "namespace", namespace),
        PrometheusText.value(
            page, "durable_objects_journal_batch_size_sum", "namespace", namespace),
        PrometheusText.value(page, "durable_objects_objects_active", "namespace", namespace),
        PrometheusText.value(
            page, "durable_objects_activations_seconds_count", "namespace", namespace),
        PrometheusText.value(
            page, "durable_objects_activations_seconds_sum", "namespace", namespace));
  }

  /** The body of a GET that must answer 200. */
  String getBody(String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(
          "GET " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }
}

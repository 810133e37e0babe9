package io.durableobjects.loadtest.bench;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The node's memory as the memory scenario reports it: RSS from {@code /proc}, and the heap in use
 * from the node's {@code /metrics} (Micrometer's {@code jvm_memory_used_bytes}, area heap) right
 * after a full GC, which {@code jcmd <pid> GC.run} forces (the node's JVM is ours, so the JDK's
 * attach mechanism works). Without a forced GC the heap figure includes garbage, and says so.
 */
final class NodeMemory {
  private static final Path JCMD = Path.of(System.getProperty("java.home"), "bin", "jcmd");

  private final ProcessHandle process;
  private final BenchReport report;
  private final ProcessUsage usage;

  NodeMemory(ProcessHandle process, BenchReport report) {
    this.process = process;
    this.report = report;
    this.usage = new ProcessUsage(process);
  }

  /** One reading: the objects of a namespace in memory, RSS, and heap used. */
  record Sample(
      double active, long rssKiB, double heapBytes, double maxHeapBytes, boolean afterGc) {}

  /** What the objects activated between two samples cost, per object. */
  record Figures(Sample before, Sample after) {
    static Figures between(Sample before, Sample after) {
      return new Figures(before, after);
    }

    double objects() {
      return after.active - before.active;
    }

    double rssBytesPerObject() {
      return (after.rssKiB - before.rssKiB) * 1024.0 / objects();
    }

    double heapBytesPerObject() {
      return (after.heapBytes - before.heapBytes) / objects();
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%.0f more objects active; RSS %d -> %d MiB (%.0f B/object); heap used %s %.1f -> %.1f"
              + " MiB (%.0f B/object)",
          objects(),
          before.rssKiB / 1024,
          after.rssKiB / 1024,
          rssBytesPerObject(),
          before.afterGc && after.afterGc
              ? "after a full GC (jcmd GC.run)"
              : "WITHOUT a forced GC (jcmd failed; includes garbage)",
          before.heapBytes / (1024 * 1024),
          after.heapBytes / (1024 * 1024),
          heapBytesPerObject());
    }
  }

  Sample sample(String namespace) throws Exception {
    boolean gc = forceGc();
    String page = report.getBody("/metrics");
    double heap = PrometheusText.sum(page, "jvm_memory_used_bytes", "area", "heap");
    double max = PrometheusText.sum(page, "jvm_memory_max_bytes", "area", "heap");
    double active =
        PrometheusText.value(page, "durable_objects_objects_active", "namespace", namespace);
    return new Sample(active, usage.rssKiB(), heap, max, gc);
  }

  /** Runs a full GC in the node; false when jcmd could not. */
  private boolean forceGc() {
    try {
      Process jcmd =
          new ProcessBuilder(JCMD.toString(), Long.toString(process.pid()), "GC.run")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!jcmd.waitFor(60, TimeUnit.SECONDS)) {
        jcmd.destroyForcibly();
        return false;
      }
      return jcmd.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }
}

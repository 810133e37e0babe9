package io.durableobjects.loadtest.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time and resident memory of a process, read from the JDK's process handle and Linux's {@code
 * /proc}: the benchmark reports them for the node, Cassandra and itself, so that each result says
 * which process the CPU went to.
 */
final class ProcessUsage {
  private final ProcessHandle process;

  ProcessUsage(ProcessHandle process) {
    this.process = process;
  }

  long pid() {
    return process.pid();
  }

  /** CPU time used so far (user + system), or zero when the OS does not tell. */
  Duration cpu() {
    return process.info().totalCpuDuration().orElse(Duration.ZERO);
  }

  /** Resident set size in MiB, or -1 when {@code /proc} is not there (not Linux). */
  long rssMiB() {
    long kib = rssKiB();
    return kib < 0 ? -1 : kib / 1024;
  }

  /** Resident set size in KiB, or -1 when {@code /proc} is not there (not Linux). */
  long rssKiB() {
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux, or the process is gone
    }
    return -1;
  }

  /** The machine's 1-minute load average, or -1 when unknown. */
  static double loadAverage() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}

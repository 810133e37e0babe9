package io.durableobjects.loadtest.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cluster's one embedded Cassandra, run as {@code bin/cluster} runs it: {@code
 * EmbeddedCassandraMain} (a launcher JVM) from the examples' classpath, which forks the Cassandra
 * JVM itself. The data directory and CQL port stay the same across {@link #kill9} and {@link
 * #start}, so that a restarted Cassandra has the same data and the nodes reconnect to it.
 */
final class CassandraServer implements AutoCloseable {
  private static final Pattern READY = Pattern.compile("CASSANDRA_READY (\\S+) pid=(\\d+)");

  private final String classpath;
  private final Path dataDir;
  private final Path logDir;
  private final int cqlPort;
  private Process launcher;
  private long cassandraPid = -1;
  private int starts;

  CassandraServer(String classpath, Path dataDir, Path logDir, int cqlPort) {
    this.classpath = classpath;
    this.dataDir = dataDir;
    this.logDir = logDir;
    this.cqlPort = cqlPort;
  }

  int cqlPort() {
    return cqlPort;
  }

  /** Starts Cassandra and waits until it answers CQL (the launcher's CASSANDRA_READY line). */
  void start(Duration within) throws IOException {
    starts++;
    Path log = logDir.resolve("cassandra-launcher-" + starts + ".log");
    launcher =
        new ProcessBuilder(
                List.of(
                    Processes.JAVA,
                    "-Xmx256m",
                    "-cp",
                    classpath,
                    "io.durableobjects.cassandra.embedded.EmbeddedCassandraMain",
                    "--data-dir",
                    dataDir.toString(),
                    "--cql-port",
                    Integer.toString(cqlPort),
                    "--heap",
                    "512m"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher ready = READY.matcher(Files.exists(log) ? Files.readString(log) : "");
      if (ready.find()) {
        cassandraPid = Long.parseLong(ready.group(2));
        return;
      }
      if (!launcher.isAlive()) {
        throw new IOException("Cassandra exited while starting; see " + log);
      }
      Processes.sleep(500);
    }
    close();
    throw new IOException("Cassandra did not answer within " + within + "; see " + log);
  }

  /**
   * {@code kill -9} of the Cassandra JVM and its launcher at once (killing the launcher alone would
   * make Cassandra stop gracefully: it exits when its launcher's pipe closes).
   */
  void kill9() {
    Processes.signal("KILL", cassandraPid, launcher.pid());
    Processes.killTree(launcher.toHandle());
    cassandraPid = -1;
  }

  boolean isRunning() {
    return launcher != null
        && launcher.isAlive()
        && cassandraPid > 0
        && ProcessHandle.of(cassandraPid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Stops Cassandra gracefully (it drains), killing it if it takes longer than a minute. */
  @Override
  public void close() {
    if (launcher != null) {
      Processes.stop(launcher, 60);
    }
    if (cassandraPid > 0) {
      ProcessHandle.of(cassandraPid).ifPresent(Processes::killTree);
    }
  }
}

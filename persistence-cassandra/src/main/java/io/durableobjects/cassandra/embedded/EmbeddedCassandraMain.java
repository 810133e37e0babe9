package io.durableobjects.cassandra.embedded;

import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.ExecutionException;

/**
 * Runs one {@link EmbeddedCassandra} in the foreground until Ctrl-C (or SIGTERM), for local
 * clusters and manual testing.
 *
 * <pre>
 * java -cp ... io.durableobjects.cassandra.embedded.EmbeddedCassandraMain \
 *   [--data-dir target/cassandra] [--cql-port 9042] [--storage-port 0] [--heap 512m]
 *   [--commitlog-sync batch|group|periodic]
 * </pre>
 *
 * <p>Prints one line {@code CASSANDRA_READY host:port pid=<pid>} when CQL answers. Ctrl-C stops the
 * node gracefully (via the shutdown hook); if the node dies on its own, this process exits with
 * status 1. Invalid arguments exit with status 2, a failed start with status 1 and the reason
 * (including Cassandra's log tail) on stderr.
 */
public final class EmbeddedCassandraMain {

  static final String USAGE =
      "usage: EmbeddedCassandraMain [--data-dir dir] [--cql-port port] [--storage-port port]"
          + " [--heap size]"
          + " [--commitlog-sync batch|group|periodic]\n"
          + "  defaults: --data-dir target/cassandra --cql-port 9042 --storage-port 0 (free)"
          + " --heap 512m --commitlog-sync batch";

  private EmbeddedCassandraMain() {}

  /** Starts the node and blocks until it stops. */
  public static void main(String[] args) throws InterruptedException {
    EmbeddedCassandra.Builder builder;
    try {
      builder = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    if (builder == null) {
      System.out.println(USAGE);
      return;
    }
    EmbeddedCassandra cassandra;
    try {
      cassandra = builder.registerShutdownHook(true).start();
    } catch (EmbeddedCassandraException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(1);
      return;
    }
    PrintStream out = System.out;
    out.println(
        "CASSANDRA_READY "
            + cassandra.host()
            + ":"
            + cassandra.cqlPort()
            + " pid="
            + cassandra.pid()
            + " data="
            + cassandra.dataDirectory()
            + " log="
            + cassandra.logFile());
    out.flush();
    try {
      cassandra.onProcessExit().get();
    } catch (ExecutionException e) {
      // onExit never completes exceptionally
    }
    if (cassandra.isClosed()) {
      return; // Ctrl-C or SIGTERM: the shutdown hook stopped the node; the JVM is exiting.
    }
    System.err.println("Cassandra exited by itself; see " + cassandra.logFile());
    cassandra.close();
    System.exit(1);
  }

  /** The builder for {@code args}, or null when help was requested. */
  static EmbeddedCassandra.Builder parse(String[] args) {
    Path dataDir = Paths.get("target", "cassandra");
    int cqlPort = 9042;
    int storagePort = 0;
    String heap = "512m";
    CommitLogSync commitLogSync = CommitLogSync.BATCH;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        return null;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(
            arg.startsWith("--") ? arg + " needs a value" : "unknown argument \"" + arg + "\"");
      }
      String value = args[++i];
      switch (arg) {
        case "--data-dir":
          dataDir = Paths.get(value);
          break;
        case "--cql-port":
          cqlPort = number(arg, value);
          break;
        case "--storage-port":
          storagePort = number(arg, value);
          break;
        case "--heap":
          heap = value;
          break;
        case "--commitlog-sync":
          commitLogSync = CommitLogSync.parse(value);
          break;
        default:
          throw new IllegalArgumentException("unknown argument \"" + arg + "\"");
      }
    }
    return EmbeddedCassandra.builder(dataDir)
        .cqlPort(cqlPort)
        .storagePort(storagePort)
        .heapSize(heap)
        .commitLogSync(commitLogSync);
  }

  private static int number(String flag, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a number, but was \"" + value + "\"");
    }
  }
}

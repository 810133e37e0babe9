package io.durableobjects.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.typesafe.config.ConfigFactory;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command line tool that creates the journal and snapshot schema ({@value
 * CassandraSchema#RESOURCE}) in a Cassandra cluster: the explicit step an operator runs once before
 * the first node starts.
 *
 * <pre>
 * java -cp ... io.durableobjects.cassandra.CassandraSchemaTool \
 *   --contact-points cassandra-0:9042,cassandra-1:9042 --datacenter dc1 \
 *   --journal-keyspace durable_objects --snapshot-keyspace durable_objects_snapshot \
 *   --replication "{'class': 'NetworkTopologyStrategy', 'dc1': 3}"
 * </pre>
 *
 * <p>Defaults: keyspaces, replication and data center from {@code durable-objects.cassandra} in the
 * loaded configuration (see {@link CassandraSettings}); contact points from environment variable
 * {@value CassandraSettings#CONTACT_POINTS_ENV}, else {@code 127.0.0.1:9042}. Credentials and TLS
 * as the nodes have them ({@link CassandraSecurity}: {@code DO_CASSANDRA_USERNAME}, {@code
 * DO_CASSANDRA_PASSWORD}, {@code DO_CASSANDRA_TLS}, ...); other driver settings come from {@code
 * datastax-java-driver} in application.conf or {@code -D} properties. {@code --print} prints the
 * CQL without connecting.
 *
 * <p>Idempotent: running it again changes nothing. Exit status 0 on success, 1 when Cassandra
 * cannot be reached or a statement fails, 2 on invalid arguments.
 */
public final class CassandraSchemaTool {

  static final String USAGE =
      "usage: CassandraSchemaTool [--contact-points host:port[,host:port...]] [--datacenter dc]\n"
          + "                           [--journal-keyspace name] [--snapshot-keyspace name]\n"
          + "                           [--replication \"{'class': ..., ...}\"] [--print]";

  private CassandraSchemaTool() {}

  /** Runs the tool and exits with its status. */
  public static void main(String[] args) {
    System.exit(
        run(args, System.getenv(CassandraSettings.CONTACT_POINTS_ENV), System.out, System.err));
  }

  /**
   * Runs the tool without exiting.
   *
   * @param contactPointsEnv value of {@value CassandraSettings#CONTACT_POINTS_ENV}, or null
   * @return the exit status
   */
  static int run(String[] args, String contactPointsEnv, PrintStream out, PrintStream err) {
    Map<String, String> options;
    CassandraSettings settings;
    CassandraSecurity security;
    List<InetSocketAddress> contactPoints;
    try {
      options = parse(args);
      if (options.containsKey("--help")) {
        out.println(USAGE);
        return 0;
      }
      settings = settings(options);
      security = CassandraSecurity.fromConfig(ConfigFactory.load());
      String points = options.get("--contact-points");
      if (points == null) {
        points =
            contactPointsEnv == null || contactPointsEnv.isBlank()
                ? "127.0.0.1:9042"
                : contactPointsEnv;
      }
      contactPoints = CassandraSettings.parseContactPoints(points);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }

    if (options.containsKey("--print")) {
      for (String statement : CassandraSchema.statements(settings)) {
        out.println(statement + ";");
        out.println();
      }
      return 0;
    }
    try (CqlSession session =
        CassandraSchema.connect(contactPoints, settings.localDatacenter(), security)) {
      CassandraSchema.create(session, settings);
      out.println(
          "Schema ready: journal keyspace "
              + settings.journalKeyspace()
              + ", snapshot keyspace "
              + settings.snapshotKeyspace()
              + " (replication for new keyspaces: "
              + settings.replication()
              + ")");
      return 0;
    } catch (RuntimeException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
  }

  private static Map<String, String> parse(String[] args) {
    List<String> valued =
        List.of(
            "--contact-points",
            "--datacenter",
            "--journal-keyspace",
            "--snapshot-keyspace",
            "--replication");
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--print") || arg.equals("--help") || arg.equals("-h")) {
        options.put(arg.equals("-h") ? "--help" : arg, "");
      } else if (valued.contains(arg)) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(arg + " needs a value");
        }
        options.put(arg, args[++i]);
      } else {
        throw new IllegalArgumentException("unknown argument \"" + arg + "\"");
      }
    }
    return options;
  }

  private static CassandraSettings settings(Map<String, String> options) {
    CassandraSettings settings = CassandraSettings.fromConfig(ConfigFactory.load());
    if (options.containsKey("--journal-keyspace")) {
      settings = settings.withJournalKeyspace(options.get("--journal-keyspace"));
    }
    if (options.containsKey("--snapshot-keyspace")) {
      settings = settings.withSnapshotKeyspace(options.get("--snapshot-keyspace"));
    }
    if (options.containsKey("--replication")) {
      settings = settings.withReplication(options.get("--replication"));
    }
    if (options.containsKey("--datacenter")) {
      settings = settings.withLocalDatacenter(options.get("--datacenter"));
    }
    return settings;
  }
}

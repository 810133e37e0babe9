package io.durableobjects.cassandra;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.auth.AuthenticationException;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.durableobjects.cassandra.internal.CqlValidation;
import io.durableobjects.cassandra.internal.SchemaScript;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cassandra schema of the journal and snapshot store, from {@value #RESOURCE}.
 *
 * <p>The plugin's keyspace and table auto-creation is off in this module's {@code reference.conf}
 * (concurrent schema changes from several nodes corrupt Cassandra's schema). The schema is created
 * once, explicitly: by {@link CassandraSchemaTool} against an external cluster, or by {@link
 * #create(CqlSession, CassandraSettings)} from one process (the embedded/dev setup and tests).
 *
 * <p>Every statement is {@code CREATE ... IF NOT EXISTS}, so creating the schema again is a no-op;
 * an existing keyspace keeps its replication. The plugin's tables are exactly those
 * pekko-persistence-cassandra 1.1.0 creates itself; after them come our own tables in the journal
 * keyspace: {@code object_catalog} ({@link CassandraObjectCatalog}) and {@code alarm_index}, {@code
 * alarm_index_buckets}, {@code alarm_index_rows} ({@link CassandraAlarmIndex}).
 */
public final class CassandraSchema {

  /**
   * Classpath resource of the CQL script (placeholders: journal/snapshot keyspace, replication).
   */
  public static final String RESOURCE = "io/durableobjects/cassandra/schema.cql";

  private static final Logger log = LoggerFactory.getLogger(CassandraSchema.class);
  private static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration AGREEMENT_TIMEOUT = Duration.ofSeconds(30);

  private CassandraSchema() {}

  /**
   * The CQL statements, in execution order, for these keyspaces and replication.
   *
   * @param journalKeyspace keyspace of the journal tables
   * @param snapshotKeyspace keyspace of the snapshots table (may equal {@code journalKeyspace})
   * @param replication CQL replication map, e.g. {@code {'class': 'SimpleStrategy',
   *     'replication_factor': 1}}
   * @throws IllegalArgumentException if a keyspace name is not a valid unquoted Cassandra name (1
   *     to 48 letters, digits, underscores; starting with a letter) or the replication is not a CQL
   *     map with a {@code 'class'}
   */
  public static List<String> statements(
      String journalKeyspace, String snapshotKeyspace, String replication) {
    String journal = CqlValidation.keyspace("journal keyspace", journalKeyspace);
    String snapshot = CqlValidation.keyspace("snapshot keyspace", snapshotKeyspace);
    String map = CqlValidation.replication(replication);
    List<String> result = new ArrayList<>();
    for (String template : SchemaScript.load(RESOURCE)) {
      result.add(
          template
              .replace("${journal_keyspace}", journal)
              .replace("${snapshot_keyspace}", snapshot)
              .replace("${replication}", map));
    }
    return List.copyOf(result);
  }

  /** {@link #statements(String, String, String)} for these settings. */
  public static List<String> statements(CassandraSettings settings) {
    return statements(
        settings.journalKeyspace(), settings.snapshotKeyspace(), settings.replication());
  }

  /**
   * Executes the statements in order, then waits until all nodes agree on the schema.
   *
   * <p>Speed: with the driver's default settings each DDL statement completes only after a schema
   * metadata refresh that is debounced by 1 s, so the 13 statements take about 14 s on a fresh
   * keyspace. Sessions from {@code EmbeddedCassandra.openSession()} and {@link CassandraSchemaTool}
   * set {@code advanced.metadata.schema.debouncer.window = 0} (about 2 s). Statements that change
   * nothing (second run) return at once.
   *
   * @throws IllegalArgumentException for invalid names or replication (nothing is executed)
   * @throws IllegalStateException if a statement fails (the message names it; earlier statements
   *     stay applied, which is harmless since all are idempotent) or the schema does not reach
   *     agreement within 30 s
   */
  public static void create(
      CqlSession session, String journalKeyspace, String snapshotKeyspace, String replication) {
    List<String> statements = statements(journalKeyspace, snapshotKeyspace, replication);
    long started = System.nanoTime();
    boolean agreed = true;
    for (String cql : statements) {
      try {
        ResultSet result =
            session.execute(SimpleStatement.newInstance(cql).setTimeout(STATEMENT_TIMEOUT));
        agreed &= result.getExecutionInfo().isSchemaInAgreement();
      } catch (DriverException e) {
        throw new IllegalStateException(
            "schema statement failed: " + firstLine(cql) + " ... : " + e.getMessage(), e);
      }
    }
    if (!agreed) {
      awaitSchemaAgreement(session);
    }
    refuseStaticFence(session, journalKeyspace);
    log.info(
        "Schema ready in keyspaces {} and {} ({} statements, {} ms)",
        journalKeyspace,
        snapshotKeyspace,
        statements.size(),
        (System.nanoTime() - started) / 1_000_000);
  }

  /** {@link #create(CqlSession, String, String, String)} for these settings. */
  public static void create(CqlSession session, CassandraSettings settings) {
    create(
        session, settings.journalKeyspace(), settings.snapshotKeyspace(), settings.replication());
  }

  /**
   * Fails if the journal table was created with the fence in static columns (before 2026-12):
   * {@code CREATE TABLE IF NOT EXISTS} leaves such a table as it is, and the journal's statements,
   * which address the fence row, would fail on every activation instead.
   */
  private static void refuseStaticFence(CqlSession session, String journalKeyspace) {
    Row writer =
        session
            .execute(
                SimpleStatement.newInstance(
                        "SELECT kind FROM system_schema.columns WHERE keyspace_name = ?"
                            + " AND table_name = 'events' AND column_name = 'writer'",
                        journalKeyspace)
                    .setTimeout(STATEMENT_TIMEOUT))
            .one();
    if (writer != null && "static".equals(writer.getString("kind"))) {
      throw new IllegalStateException(
          "table "
              + journalKeyspace
              + ".events has the journal layout of before 2026-12 (the fence in static columns"
              + " writer and highest_sequence_nr), which this version cannot write: start from a"
              + " new journal keyspace (durable-objects.cassandra.journal-keyspace) or drop the"
              + " keyspace's tables and snapshots of objects you do not need to keep");
    }
  }

  private static void awaitSchemaAgreement(CqlSession session) {
    long deadline = System.nanoTime() + AGREEMENT_TIMEOUT.toNanos();
    while (!session.checkSchemaAgreement()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the Cassandra nodes did not agree on the schema within "
                + AGREEMENT_TIMEOUT.toSeconds()
                + " s; check that all nodes are up (nodetool describecluster)");
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for schema agreement", e);
      }
    }
  }

  private static String firstLine(String cql) {
    int newline = cql.indexOf('\n');
    return newline < 0 ? cql : cql.substring(0, newline);
  }

  /**
   * Connects to {@code contactPoints}, creates the schema of {@code settings} (idempotent) and
   * disconnects: the explicit schema step of a development setup or of an operator's script.
   *
   * @throws IllegalStateException if Cassandra cannot be reached or a statement fails
   */
  public static void create(List<InetSocketAddress> contactPoints, CassandraSettings settings) {
    create(contactPoints, settings, CassandraSecurity.NONE);
  }

  /**
   * Like {@link #create(List, CassandraSettings)}, logging in and connecting with TLS as {@code
   * security} says (the node's {@link CassandraSecurity#fromConfig}).
   *
   * @throws IllegalStateException if Cassandra cannot be reached, refuses the credentials or a
   *     statement fails
   */
  public static void create(
      List<InetSocketAddress> contactPoints,
      CassandraSettings settings,
      CassandraSecurity security) {
    try (CqlSession session = connect(contactPoints, settings.localDatacenter(), security)) {
      create(session, settings);
    }
  }

  /**
   * Opens a session meant for creating the schema: it fails at once when Cassandra is unreachable
   * (instead of retrying forever) and does not wait a debounce window after each DDL statement.
   */
  static CqlSession connect(
      List<InetSocketAddress> contactPoints, String datacenter, CassandraSecurity security) {
    try {
      return CqlSession.builder()
          .withConfigLoader(schemaSessionConfig(contactPoints, datacenter, security))
          .build();
    } catch (AllNodesFailedException e) {
      throw connectionFailure(contactPoints, security, e);
    }
  }

  /**
   * Why a session could not open, for an operator: a refused login names the user and the variables
   * to check, a Cassandra that wants credentials none were given for says which to set.
   */
  static IllegalStateException connectionFailure(
      List<InetSocketAddress> contactPoints,
      CassandraSecurity security,
      AllNodesFailedException e) {
    for (List<Throwable> errors : e.getAllErrors().values()) {
      for (Throwable error : errors) {
        if (error instanceof AuthenticationException) {
          String reason =
              security.authenticates()
                  ? "refused the login of user '"
                      + security.username()
                      + "' (DO_CASSANDRA_USERNAME, DO_CASSANDRA_PASSWORD)"
                  : "requires authentication: set DO_CASSANDRA_USERNAME and DO_CASSANDRA_PASSWORD"
                      + " (durable-objects.cassandra.auth)";
          return new IllegalStateException(
              "Cassandra at " + contactPoints + " " + reason + ": " + error.getMessage(), e);
        }
      }
    }
    return new IllegalStateException(
        "cannot reach Cassandra at " + contactPoints + " to create the schema: " + e.getMessage(),
        e);
  }

  /** The driver configuration of {@link #connect}. */
  static DriverConfigLoader schemaSessionConfig(
      List<InetSocketAddress> contactPoints, String datacenter, CassandraSecurity security) {
    List<String> points = new ArrayList<>();
    for (InetSocketAddress point : contactPoints) {
      String host = point.getHostString();
      points.add((host.contains(":") ? "[" + host + "]" : host) + ":" + point.getPort());
    }
    ProgrammaticDriverConfigLoaderBuilder builder =
        DriverConfigLoader.programmaticBuilder()
            .withStringList(DefaultDriverOption.CONTACT_POINTS, points)
            .withString(DefaultDriverOption.LOAD_BALANCING_LOCAL_DATACENTER, datacenter)
            // A one-shot tool fails when Cassandra is unreachable instead of retrying forever.
            .withBoolean(DefaultDriverOption.RECONNECT_ON_INIT, false)
            // Without this each DDL statement waits for a schema refresh debounced by 1 s.
            .withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, Duration.ZERO)
            // Netty's default quiet period (2 s) delays closing the session, and so every node
            // start that creates the schema first, for nothing: the session is idle by then.
            .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
            .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0);
    return security.applyTo(builder).build();
  }
}

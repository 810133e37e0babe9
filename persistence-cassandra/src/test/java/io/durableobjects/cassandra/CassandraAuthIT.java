package io.durableobjects.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.auth.AuthenticationException;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.cassandra.embedded.EmbeddedCassandra;
import io.durableobjects.testsupport.Await;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.stream.connectors.cassandra.DriverConfigLoaderFromConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Cassandra that authenticates (authenticator: PasswordAuthenticator, its default superuser
 * cassandra/cassandra): the node's session and the schema's log in with DO_CASSANDRA_USERNAME and
 * DO_CASSANDRA_PASSWORD (given as root keys, which {@code ${?DO_X}} reads before the environment),
 * and a wrong or missing password fails with a message that says so.
 */
@Timeout(300)
class CassandraAuthIT {
  private static final String JOURNAL = "auth_it_journal";
  private static final String SNAPSHOT = "auth_it_snapshot";

  @TempDir static Path dir;
  private static EmbeddedCassandra cassandra;
  private static List<InetSocketAddress> contactPoints;

  @BeforeAll
  static void start() throws Exception {
    cassandra =
        EmbeddedCassandra.builder(dir)
            .yamlSetting("authenticator", "PasswordAuthenticator")
            .start();
    contactPoints = List.of(cassandra.contactPoint());
    // Cassandra creates its default superuser as it starts (at once on an embedded node).
    CassandraSecurity superuser = security("cassandra", "cassandra");
    Await.until(
        "the default superuser can log in",
        Duration.ofSeconds(90),
        () -> {
          try (CqlSession session =
              CassandraSchema.connect(contactPoints, cassandra.localDatacenter(), superuser)) {
            return true;
          } catch (IllegalStateException e) {
            return false;
          }
        });
  }

  @AfterAll
  static void stop() {
    if (cassandra != null) {
      cassandra.close();
    }
  }

  /** The configuration a node loads with these variables set. */
  private static Config load(String variables) {
    ConfigFactory.invalidateCaches();
    return ConfigFactory.load(
        ConfigFactory.parseString(variables)
            .withFallback(CassandraSettings.contactPointsConfig(contactPoints)));
  }

  private static String credentials(String username, String password) {
    return "DO_CASSANDRA_USERNAME = \""
        + username
        + "\"\nDO_CASSANDRA_PASSWORD = \""
        + password
        + "\"\n";
  }

  private static CassandraSecurity security(String username, String password) {
    return CassandraSecurity.fromConfig(load(credentials(username, password)));
  }

  private static CassandraSettings settings() {
    return CassandraSettings.fromConfig(load(""))
        .withJournalKeyspace(JOURNAL)
        .withSnapshotKeyspace(SNAPSHOT);
  }

  /** A session as the journal plugin opens it, from the node's driver section. */
  private static CqlSession nodeSession(Config loaded) {
    Config config = CassandraSecurity.fromConfig(loaded).nodeConfig().withFallback(loaded);
    return CqlSession.builder()
        .withConfigLoader(
            new DriverConfigLoaderFromConfig(config.getConfig(CassandraSettings.DRIVER_PATH)))
        .build();
  }

  @Test
  void theSchemaSessionLogsInWithTheVariablesAndCreatesTheSchema() {
    CassandraSchema.create(contactPoints, settings(), security("cassandra", "cassandra"));

    try (CqlSession session = nodeSession(load(credentials("cassandra", "cassandra")))) {
      assertThat(
              session
                  .execute(
                      "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?",
                      JOURNAL)
                  .all())
          .extracting(row -> row.getString("table_name"))
          .contains("events", "object_catalog");
    }
  }

  @Test
  void theNodesSessionLogsInWithTheRightPasswordOnly() {
    try (CqlSession session = nodeSession(load(credentials("cassandra", "cassandra")))) {
      assertThat(session.execute("SELECT release_version FROM system.local").one()).isNotNull();
    }
    // The node retries its first connection forever (reconnect-on-init); off here, to see why.
    Config wrong =
        load(
            credentials("cassandra", "not-the-password")
                + CassandraSettings.DRIVER_PATH
                + ".advanced.reconnect-on-init = off\n");
    assertThatThrownBy(() -> nodeSession(wrong).close())
        .isInstanceOf(AllNodesFailedException.class)
        .satisfies(
            e ->
                assertThat(((AllNodesFailedException) e).getAllErrors().values())
                    .flatExtracting(errors -> errors)
                    .hasAtLeastOneElementOfType(AuthenticationException.class))
        .hasMessageContaining("Provided username cassandra and/or password are incorrect");
  }

  @Test
  void theJournalPluginsSessionLogsInWithTheVariables() {
    Config loaded = load(credentials("cassandra", "cassandra"));
    CassandraSecurity security = CassandraSecurity.fromConfig(loaded);
    CassandraSettings settings =
        settings().withJournalKeyspace("auth_it_plugin").withSnapshotKeyspace("auth_it_plugin_s");
    CassandraSchema.create(contactPoints, settings, security);
    // As DemoMain layers it: the security overlay on the loaded configuration.
    Config config =
        security
            .nodeConfig()
            .withFallback(settings.pluginConfig())
            .withFallback(
                ConfigFactory.parseMap(
                    Map.of(
                        "pekko.actor.provider", "local",
                        "pekko.persistence.journal.plugin", "durable-objects.cassandra.journal",
                        "pekko.persistence.snapshot-store.plugin",
                            "durable-objects.cassandra.plugin.snapshot")))
            .withFallback(loaded);
    PersistenceId id = PersistenceId.ofUniqueId("auth-notes-1");
    ActorTestKit testKit = ActorTestKit.create("CassandraAuthIT", config);
    try {
      ActorRef<CassandraSchemaIT.Notes.Command> notes =
          testKit.spawn(CassandraSchemaIT.Notes.create(id));
      TestProbe<String> probe = testKit.createTestProbe();
      notes.tell(new CassandraSchemaIT.Notes.Append("a", probe.getRef()));
      assertThat(probe.expectMessageClass(String.class, Duration.ofSeconds(30))).isEqualTo("a");
    } finally {
      testKit.shutdownTestKit();
    }
    try (CqlSession session = nodeSession(loaded)) {
      assertThat(
              session
                  .execute(
                      "SELECT count(*) FROM auth_it_plugin.events WHERE persistence_id = ?"
                          + " AND sequence_nr > 0"
                          + " ALLOW FILTERING",
                      id.id())
                  .one()
                  .getLong(0))
          .isEqualTo(1);
    }
  }

  @Test
  void aWrongPasswordFailsNamingTheUserAndTheVariables() {
    assertThatThrownBy(
            () ->
                CassandraSchema.create(
                    contactPoints, settings(), security("cassandra", "not-the-password")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "Cassandra at "
                + contactPoints
                + " refused the login of user 'cassandra' (DO_CASSANDRA_USERNAME,"
                + " DO_CASSANDRA_PASSWORD): ")
        .hasMessageContaining("Provided username cassandra and/or password are incorrect")
        .hasMessageNotContaining("not-the-password");
  }

  @Test
  void noCredentialsFailsSayingWhichToSet() {
    assertThatThrownBy(
            () ->
                CassandraSchema.create(
                    contactPoints, settings(), CassandraSecurity.fromConfig(load(""))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "Cassandra at "
                + contactPoints
                + " requires authentication: set DO_CASSANDRA_USERNAME and DO_CASSANDRA_PASSWORD"
                + " (durable-objects.cassandra.auth): ");
  }
}

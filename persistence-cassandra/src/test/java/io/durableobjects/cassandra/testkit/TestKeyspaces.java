package io.durableobjects.cassandra.testkit;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.cassandra.CassandraSchema;
import io.durableobjects.cassandra.CassandraSettings;
import io.durableobjects.cassandra.embedded.EmbeddedCassandra;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The journal and snapshot keyspaces of one test class, so that test classes sharing the one
 * Cassandra node of a test JVM ({@link CassandraExtension}) never see each other's data.
 *
 * <p>Names derive from the class's simple name in snake case, e.g. {@code CassandraSchemaIT} gets
 * {@code cassandra_schema_it} and {@code cassandra_schema_it_snapshot}. Names longer than
 * Cassandra's 48 characters are shortened and get a hash suffix. Two test classes with the same
 * simple name in one test JVM would share keyspaces; avoid that.
 *
 * <pre>
 * static TestKeyspaces keyspaces = TestKeyspaces.forClass(MyIT.class);
 * &#64;BeforeAll static void schema(EmbeddedCassandra cassandra) { keyspaces.create(cassandra); }
 * &#64;AfterAll static void drop() { keyspaces.drop(CassandraExtension.cassandra()); }
 * ActorTestKit.create(keyspaces.config(cassandra).withFallback(ConfigFactory.load()));
 * </pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class TestKeyspaces {

  private static final int MAX_BASE_LENGTH = 48 - "_snapshot".length();
  private static final Duration DDL_TIMEOUT = Duration.ofSeconds(30);

  private final CassandraSettings settings;

  private TestKeyspaces(CassandraSettings settings) {
    this.settings = settings;
  }

  /** Keyspaces named after {@code testClass}'s simple name. */
  public static TestKeyspaces forClass(Class<?> testClass) {
    String name = testClass.getSimpleName();
    return of(name.isEmpty() ? testClass.getName() : name);
  }

  /** Keyspaces derived from {@code name} (any text; sanitized to {@code [a-z0-9_]}). */
  public static TestKeyspaces of(String name) {
    String base = baseName(name);
    CassandraSettings defaults = CassandraSettings.fromConfig(ConfigFactory.load());
    return new TestKeyspaces(
        defaults.withJournalKeyspace(base).withSnapshotKeyspace(base + "_snapshot"));
  }

  public String journalKeyspace() {
    return settings.journalKeyspace();
  }

  public String snapshotKeyspace() {
    return settings.snapshotKeyspace();
  }

  /** Settings with these keyspaces (replication and data center from the reference defaults). */
  public CassandraSettings settings() {
    return settings;
  }

  /**
   * Overlay for a test actor system: these keyspaces for the journal and snapshot plugins, the node
   * as the driver's only contact point, and a 10 s request timeout (a busy 2-core CI machine can
   * exceed the driver's 2 s default). Layer it on a resolved configuration: {@code
   * keyspaces.config(cassandra).withFallback(ConfigFactory.load())}.
   */
  public Config config(EmbeddedCassandra cassandra) {
    return settings
        .withLocalDatacenter(cassandra.localDatacenter())
        .pluginConfig()
        .withFallback(CassandraSettings.contactPointsConfig(List.of(cassandra.contactPoint())))
        .withFallback(
            // Both sections: the plugin's driver section (DRIVER_PATH) was copied from
            // datastax-java-driver when the base configuration was resolved, so setting only the
            // latter here would leave the journal's session at the 2 s default.
            ConfigFactory.parseMap(
                Map.of(
                    "datastax-java-driver.basic.request.timeout",
                    "10s",
                    CassandraSettings.DRIVER_PATH + ".basic.request.timeout",
                    "10s"),
                "TestKeyspaces.config"));
  }

  /** Creates the schema (idempotent) with {@link CassandraSchema}. */
  public void create(CqlSession session) {
    CassandraSchema.create(session, settings);
  }

  /** Creates the schema in the node, over a short-lived session. */
  public void create(EmbeddedCassandra cassandra) {
    try (CqlSession session = cassandra.openSession()) {
      create(session);
    }
  }

  /** Drops both keyspaces, if they exist. */
  public void drop(CqlSession session) {
    for (String keyspace : List.of(journalKeyspace(), snapshotKeyspace())) {
      session.execute(
          SimpleStatement.newInstance("DROP KEYSPACE IF EXISTS " + keyspace)
              .setTimeout(DDL_TIMEOUT));
    }
  }

  /** Drops both keyspaces in the node, over a short-lived session. */
  public void drop(EmbeddedCassandra cassandra) {
    try (CqlSession session = cassandra.openSession()) {
      drop(session);
    }
  }

  @Override
  public String toString() {
    return "TestKeyspaces(" + journalKeyspace() + ", " + snapshotKeyspace() + ")";
  }

  static String baseName(String name) {
    String snake =
        name.replaceAll("([a-z0-9])([A-Z])", "$1_$2")
            .replaceAll("([A-Z]+)([A-Z][a-z])", "$1_$2")
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9_]+", "_")
            .replaceAll("_+", "_")
            .replaceAll("^_|_$", "");
    if (snake.isEmpty() || !Character.isLetter(snake.charAt(0))) {
      snake = "t_" + snake;
    }
    if (snake.length() > MAX_BASE_LENGTH) {
      String hash = sha1(name).substring(0, 6);
      snake =
          snake.substring(0, MAX_BASE_LENGTH - hash.length() - 1).replaceAll("_+$", "")
              + "_"
              + hash;
    }
    return snake;
  }

  private static String sha1(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

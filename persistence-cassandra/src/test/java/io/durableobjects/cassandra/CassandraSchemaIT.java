package io.durableobjects.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.cassandra.embedded.EmbeddedCassandra;
import io.durableobjects.cassandra.testkit.CassandraExtension;
import io.durableobjects.cassandra.testkit.TestKeyspaces;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * schema.cql on a real node: idempotent, complete, and sufficient for the journal and snapshot
 * plugins with auto-creation off.
 */
@ExtendWith(CassandraExtension.class)
class CassandraSchemaIT {

  private static final TestKeyspaces keyspaces = TestKeyspaces.forClass(CassandraSchemaIT.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static CqlSession session;

  @BeforeAll
  static void createSchema(EmbeddedCassandra cassandra) {
    session = cassandra.openSession();
    keyspaces.create(session);
  }

  @AfterAll
  static void dropSchema() {
    if (session != null) {
      keyspaces.drop(session);
      session.close();
    }
  }

  @Test
  void schemaIsIdempotentAndHasEveryTable() {
    keyspaces.create(session); // second time: a no-op

    assertThat(tables(keyspaces.journalKeyspace()))
        .containsExactlyInAnyOrder(
            "events", "object_catalog", "alarm_index", "alarm_index_buckets", "alarm_index_rows");
    assertThat(tables(keyspaces.snapshotKeyspace())).containsExactly("snapshots");
    Row keyspace =
        session
            .execute(
                "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?",
                keyspaces.journalKeyspace())
            .one();
    assertThat(keyspace.getMap("replication", String.class, String.class))
        .containsEntry("class", "org.apache.cassandra.locator.SimpleStrategy")
        .containsEntry("replication_factor", "1");
  }

  @Test
  void journalAndSnapshotsWorkWithAutoCreationOffAndSurviveARestart(EmbeddedCassandra cassandra) {
    Config config =
        keyspaces
            .config(cassandra)
            .withFallback(
                ConfigFactory.parseMap(
                    Map.of(
                        "pekko.actor.provider", "local",
                        "pekko.loglevel", "INFO",
                        // The objects name their plugins by id; this plain behavior uses the
                        // default.
                        "pekko.persistence.journal.plugin", "durable-objects.cassandra.journal",
                        "pekko.persistence.snapshot-store.plugin",
                            "durable-objects.cassandra.plugin.snapshot")))
            .withFallback(ConfigFactory.load());
    assertThat(config.getBoolean("durable-objects.cassandra.plugin.snapshot.tables-autocreate"))
        .isFalse();
    PersistenceId id = PersistenceId.ofUniqueId("notes-1");

    ActorTestKit first = ActorTestKit.create("CassandraSchemaIT-1", config);
    try {
      ActorRef<Notes.Command> notes = first.spawn(Notes.create(id));
      TestProbe<String> probe = first.createTestProbe();
      for (String text : List.of("a", "b", "c", "d", "e")) {
        notes.tell(new Notes.Append(text, probe.getRef()));
        probe.expectMessageClass(String.class, TIMEOUT);
      }
    } finally {
      first.shutdownTestKit();
    }

    ActorTestKit second = ActorTestKit.create("CassandraSchemaIT-2", config);
    try {
      ActorRef<Notes.Command> notes = second.spawn(Notes.create(id));
      TestProbe<String> probe = second.createTestProbe();
      notes.tell(new Notes.Get(probe.getRef()));
      assertThat(probe.expectMessageClass(String.class, TIMEOUT)).isEqualTo("a,b,c,d,e");
    } finally {
      second.shutdownTestKit();
    }

    assertThat(count(keyspaces.journalKeyspace() + ".events", id)).isEqualTo(5);
    assertThat(count(keyspaces.snapshotKeyspace() + ".snapshots", id)).isPositive();
  }

  @Test
  void aJournalTableWithTheFenceInStaticColumnsIsRefused() {
    // The layout before 2026-12: CREATE TABLE IF NOT EXISTS would leave it as it is.
    String journal = keyspaces.journalKeyspace() + "_old";
    String snapshots = keyspaces.snapshotKeyspace() + "_old";
    String replication = "{'class': 'SimpleStrategy', 'replication_factor': 1}";
    try {
      session.execute("CREATE KEYSPACE " + journal + " WITH REPLICATION = " + replication);
      session.execute(
          "CREATE TABLE "
              + journal
              + ".events (persistence_id text, partition_nr bigint, sequence_nr bigint,"
              + " written_at bigint, writer_uuid text, ser_id int, ser_manifest text, event blob,"
              + " writer text static, highest_sequence_nr bigint static,"
              + " PRIMARY KEY ((persistence_id, partition_nr), sequence_nr))");

      assertThatThrownBy(() -> CassandraSchema.create(session, journal, snapshots, replication))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(journal + ".events has the journal layout of before 2026-12")
          .hasMessageContaining("durable-objects.cassandra.journal-keyspace");
    } finally {
      session.execute("DROP KEYSPACE IF EXISTS " + journal);
      session.execute("DROP KEYSPACE IF EXISTS " + snapshots);
    }
  }

  private static Set<String> tables(String keyspace) {
    return session
        .execute("SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?", keyspace)
        .all()
        .stream()
        .map(row -> row.getString("table_name"))
        .collect(Collectors.toSet());
  }

  private static long count(String table, PersistenceId id) {
    return session
        .execute(
            "SELECT count(*) FROM "
                + table
                + " WHERE persistence_id = ? AND sequence_nr > 0 ALLOW FILTERING",
            id.id())
        .one()
        .getLong(0);
  }

  /** A tiny event-sourced list of strings; events and the snapshot state are plain Strings. */
  static final class Notes extends EventSourcedBehavior<Notes.Command, String, String> {

    interface Command {}

    record Append(String text, ActorRef<String> replyTo) implements Command {}

    record Get(ActorRef<String> replyTo) implements Command {}

    static Behavior<Command> create(PersistenceId id) {
      return new Notes(id);
    }

    private Notes(PersistenceId id) {
      super(id);
    }

    @Override
    public String emptyState() {
      return "";
    }

    @Override
    public CommandHandler<Command, String, String> commandHandler() {
      return newCommandHandlerBuilder()
          .forAnyState()
          .onCommand(
              Append.class,
              (state, append) ->
                  Effect().persist(append.text()).thenReply(append.replyTo(), newState -> newState))
          .onCommand(Get.class, (state, get) -> Effect().reply(get.replyTo(), state))
          .build();
    }

    @Override
    public EventHandler<String, String> eventHandler() {
      return newEventHandlerBuilder()
          .forAnyState()
          .onEvent(String.class, (state, text) -> state.isEmpty() ? text : state + "," + text)
          .build();
    }

    @Override
    public RetentionCriteria retentionCriteria() {
      return RetentionCriteria.snapshotEvery(2, 2);
    }
  }
}

package io.durableobjects.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.cassandra.KeyspaceAndTableStatements;
import org.apache.pekko.persistence.cassandra.PluginSettings;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.Test;

class CassandraSchemaTest {

  private static final String SIMPLE = "{'class': 'SimpleStrategy', 'replication_factor': 1}";

  /**
   * Tables of schema.cql that are ours, not the plugin's: the plugin comparison below leaves
   * exactly these out (and requires them to be there); {@link
   * #ourOwnTablesHaveTheirDocumentedShape()} checks them instead.
   */
  private static final Set<String> OWN_TABLES =
      Set.of(
          "jks.events",
          "jks.object_catalog",
          "jks.alarm_index",
          "jks.alarm_index_buckets",
          "jks.alarm_index_rows");

  @Test
  void statementsFillInKeyspacesAndReplicationInOrder() {
    List<String> statements = CassandraSchema.statements("jks", "sks", SIMPLE);

    assertThat(statements).hasSize(8);
    assertThat(statements.get(0))
        .startsWith("CREATE KEYSPACE IF NOT EXISTS jks")
        .endsWith("WITH REPLICATION = " + SIMPLE);
    assertThat(statements.get(1)).startsWith("CREATE TABLE IF NOT EXISTS jks.events (");
    assertThat(statements.get(2)).startsWith("CREATE KEYSPACE IF NOT EXISTS sks");
    assertThat(statements.get(3)).startsWith("CREATE TABLE IF NOT EXISTS sks.snapshots (");
    assertThat(statements.get(4)).startsWith("CREATE TABLE IF NOT EXISTS jks.object_catalog (");
    assertThat(statements.get(5)).startsWith("CREATE TABLE IF NOT EXISTS jks.alarm_index (");
    assertThat(statements.get(6))
        .startsWith("CREATE TABLE IF NOT EXISTS jks.alarm_index_buckets (");
    assertThat(statements.get(7)).startsWith("CREATE TABLE IF NOT EXISTS jks.alarm_index_rows (");
    assertThat(statements)
        .allSatisfy(
            s -> assertThat(s).doesNotContain("${").doesNotContain("--").doesNotEndWith(";"))
        .allSatisfy(s -> assertThat(s).containsPattern("^CREATE (KEYSPACE|TABLE) IF NOT EXISTS "));
  }

  @Test
  void rejectsInvalidKeyspaceNamesPrecisely() {
    assertThatThrownBy(() -> CassandraSchema.statements("my-keyspace", "sks", SIMPLE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "journal keyspace \"my-keyspace\" is not a valid Cassandra keyspace name (1 to 48"
                + " letters, digits or underscores, starting with a letter): it contains '-' at"
                + " index 2");
    assertThatThrownBy(() -> CassandraSchema.statements("jks", "1abc", SIMPLE))
        .hasMessageStartingWith("snapshot keyspace \"1abc\"")
        .hasMessageEndingWith("it starts with '1'");
    assertThatThrownBy(() -> CassandraSchema.statements("a".repeat(49), "sks", SIMPLE))
        .hasMessageEndingWith("it has 49 characters");
    assertThatThrownBy(() -> CassandraSchema.statements("", "sks", SIMPLE))
        .hasMessageEndingWith("it is empty");
    assertThatThrownBy(() -> CassandraSchema.statements(null, "sks", SIMPLE))
        .hasMessage("journal keyspace must not be null");
    assertThat(CassandraSchema.statements("a".repeat(48), "S_1", SIMPLE)).hasSize(8);
  }

  @Test
  void rejectsReplicationThatIsNotACqlMap() {
    assertThatThrownBy(() -> CassandraSchema.statements("jks", "sks", "SimpleStrategy"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("it is not enclosed in { and }: SimpleStrategy");
    assertThatThrownBy(() -> CassandraSchema.statements("jks", "sks", "{'replication_factor': 1}"))
        .hasMessageContaining("it has no 'class' entry");
    assertThatThrownBy(
            () -> CassandraSchema.statements("jks", "sks", "{'class': 'X'}; DROP KEYSPACE x; {}"))
        .hasMessageContaining("it contains ';' or a comment");
    assertThatThrownBy(() -> CassandraSchema.statements("jks", "sks", "{'class: 'X'}"))
        .hasMessageContaining("its single quotes are unbalanced");
    assertThat(
            CassandraSchema.statements(
                "jks", "sks", " {'class': 'NetworkTopologyStrategy', 'dc1': 3} "))
        .first()
        .asString()
        .endsWith("= {'class': 'NetworkTopologyStrategy', 'dc1': 3}");
  }

  /**
   * schema.cql must define the snapshot table exactly as the plugin creates it (its snapshot store
   * is what the objects use), and besides it only {@link #OWN_TABLES}.
   */
  @Test
  void snapshotTableMatchesThePluginsOwnStatement() {
    ActorSystem system =
        ActorSystem.create(
            "CassandraSchemaTest",
            ConfigFactory.parseString(
                    "pekko.actor.provider = local\n"
                        + "pekko.loglevel = WARNING\n"
                        + "pekko.persistence.cassandra.journal.keyspace = jks\n"
                        + "pekko.persistence.cassandra.snapshot.keyspace = sks")
                .withFallback(ConfigFactory.load()));
    try {
      KeyspaceAndTableStatements plugin =
          new KeyspaceAndTableStatements(
              system, "pekko.persistence.cassandra", PluginSettings.apply(system));
      Map<String, Table> expected = new LinkedHashMap<>();
      plugin.getCreateSnapshotTablesStatements().forEach(s -> put(expected, s));

      Map<String, Table> ours = new LinkedHashMap<>();
      CassandraSchema.statements("jks", "sks", SIMPLE).stream()
          .filter(s -> s.startsWith("CREATE TABLE"))
          .forEach(s -> put(ours, s));

      assertThat(expected.keySet()).containsExactlyInAnyOrder("sks.snapshots");
      Set<String> pluginTablesAndOurs = new HashSet<>(expected.keySet());
      pluginTablesAndOurs.addAll(OWN_TABLES);
      assertThat(ours.keySet()).containsExactlyInAnyOrderElementsOf(pluginTablesAndOurs);
      expected.forEach((name, table) -> assertThat(ours.get(name)).as(name).isEqualTo(table));
    } finally {
      TestKit.shutdownActorSystem(system);
    }
  }

  @Test
  void ourOwnTablesHaveTheirDocumentedShape() {
    Map<String, Table> ours = new LinkedHashMap<>();
    CassandraSchema.statements("jks", "sks", SIMPLE).stream()
        .filter(s -> s.startsWith("CREATE TABLE"))
        .forEach(s -> put(ours, s));

    assertThat(ours).containsKeys(OWN_TABLES.toArray(String[]::new));
    Table events = ours.get("jks.events");
    assertThat(events.columns())
        .containsExactly(
            Map.entry("persistence_id", "text"),
            Map.entry("partition_nr", "bigint"),
            Map.entry("sequence_nr", "bigint"),
            Map.entry("written_at", "bigint"),
            Map.entry("writer_uuid", "text"),
            Map.entry("ser_id", "int"),
            Map.entry("ser_manifest", "text"),
            Map.entry("event", "blob"),
            Map.entry("writer", "text"),
            Map.entry("highest_sequence_nr", "bigint"));
    assertThat(events.primaryKey()).isEqualTo("((persistence_id,partition_nr),sequence_nr)");

    Table catalog = ours.get("jks.object_catalog");
    assertThat(catalog.columns())
        .containsExactly(
            Map.entry("namespace", "text"),
            Map.entry("bucket", "int"),
            Map.entry("id", "text"),
            Map.entry("name", "text"),
            Map.entry("has_data", "boolean"),
            Map.entry("updated_at", "timestamp"));
    assertThat(catalog.primaryKey()).isEqualTo("((namespace,bucket),id)");
    assertThat(catalog.options()).isEmpty();

    Table index = ours.get("jks.alarm_index");
    assertThat(index.columns())
        .containsExactly(
            Map.entry("bucket", "bigint"),
            Map.entry("due_at", "timestamp"),
            Map.entry("namespace", "text"),
            Map.entry("object_id", "text"),
            Map.entry("object_name", "text"));
    assertThat(index.primaryKey()).isEqualTo("((bucket),due_at,namespace,object_id)");
    assertThat(index.options()).isEqualTo("withgc_grace_seconds=10800");

    Table buckets = ours.get("jks.alarm_index_buckets");
    assertThat(buckets.columns())
        .containsExactly(Map.entry("kind", "text"), Map.entry("bucket", "bigint"));
    assertThat(buckets.primaryKey()).isEqualTo("((kind),bucket)");
    assertThat(buckets.options()).isEqualTo("withgc_grace_seconds=10800");

    Table rows = ours.get("jks.alarm_index_rows");
    assertThat(rows.columns())
        .containsExactly(
            Map.entry("namespace", "text"),
            Map.entry("object_id", "text"),
            Map.entry("due_at", "timestamp"),
            Map.entry("bucket", "bigint"));
    assertThat(rows.primaryKey()).isEqualTo("((namespace,object_id),due_at,bucket)");
    assertThat(rows.options()).isEqualTo("withgc_grace_seconds=10800");
  }

  private static void put(Map<String, Table> tables, String statement) {
    Table table = Table.parse(statement);
    tables.put(table.name, table);
  }

  /** The parts of a CREATE TABLE statement that matter, normalized (case, whitespace). */
  record Table(String name, Map<String, String> columns, String primaryKey, String options) {
    private static final Pattern HEAD =
        Pattern.compile("(?s)CREATE TABLE IF NOT EXISTS\\s+(\\w+\\.\\w+)\\s*\\(");

    static Table parse(String statement) {
      Matcher head = HEAD.matcher(statement);
      assertThat(head.lookingAt()).as("CREATE TABLE statement: %s", statement).isTrue();
      int open = head.end() - 1;
      int close = matching(statement, open);
      Map<String, String> columns = new LinkedHashMap<>();
      String primaryKey = null;
      for (String part : splitTopLevel(statement.substring(open + 1, close))) {
        String normalized = part.strip().replaceAll("\\s+", " ");
        if (normalized.toUpperCase().startsWith("PRIMARY KEY")) {
          primaryKey = squash(normalized.substring("PRIMARY KEY".length()));
        } else {
          String[] words = normalized.split(" ", 2);
          String type = words[1];
          if (type.toUpperCase().endsWith(" PRIMARY KEY")) {
            type = type.substring(0, type.length() - " PRIMARY KEY".length());
            primaryKey = "(" + words[0] + ")";
          }
          columns.put(words[0], squash(type));
        }
      }
      return new Table(head.group(1), columns, primaryKey, squash(statement.substring(close + 1)));
    }

    private static String squash(String text) {
      return text.replaceAll("\\s+", "").toLowerCase();
    }

    private static int matching(String text, int open) {
      int depth = 0;
      for (int i = open; i < text.length(); i++) {
        if (text.charAt(i) == '(') {
          depth++;
        } else if (text.charAt(i) == ')' && --depth == 0) {
          return i;
        }
      }
      throw new AssertionError("unbalanced parentheses in " + text);
    }

    private static List<String> splitTopLevel(String body) {
      List<String> parts = new java.util.ArrayList<>();
      int depth = 0;
      int start = 0;
      for (int i = 0; i < body.length(); i++) {
        char c = body.charAt(i);
        if (c == '(' || c == '<') {
          depth++;
        } else if (c == ')' || c == '>') {
          depth--;
        } else if (c == ',' && depth == 0) {
          parts.add(body.substring(start, i));
          start = i + 1;
        }
      }
      parts.add(body.substring(start));
      return parts;
    }
  }
}

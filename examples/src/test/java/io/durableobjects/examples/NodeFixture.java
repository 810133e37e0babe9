package io.durableobjects.examples;

import com.datastax.oss.driver.api.core.CqlSession;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.cassandra.CassandraSchema;
import io.durableobjects.cassandra.embedded.EmbeddedCassandra;
import io.durableobjects.testsupport.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Shared pieces of the demo's integration tests: keyspaces, node config, and HTTP calls. */
final class NodeFixture {
  static final String REPLICATION = "{'class': 'SimpleStrategy', 'replication_factor': 1}";
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final String journalKeyspace;
  final String snapshotKeyspace;
  final EmbeddedCassandra cassandra;

  /** Keyspaces of this test class's own, created from schema.cql. */
  NodeFixture(Class<?> testClass, EmbeddedCassandra cassandra) {
    String base = testClass.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
    this.journalKeyspace = truncate(base, 40) + "_j";
    this.snapshotKeyspace = truncate(base, 40) + "_s";
    this.cassandra = cassandra;
    try (CqlSession session = cassandra.openSession()) {
      CassandraSchema.create(session, journalKeyspace, snapshotKeyspace, REPLICATION);
    }
  }

  /** System-property style settings that point a node at this Cassandra and these keyspaces. */
  Map<String, String> nodeProperties() {
    return Map.of(
        "durable-objects.cassandra.journal-keyspace", journalKeyspace,
        "durable-objects.cassandra.snapshot-keyspace", snapshotKeyspace,
        "durable-objects.journal.snapshot-every", "1000");
  }

  /** The sequence numbers of the events in partition 0 of {@code persistenceId}, in order. */
  List<Long> eventSequenceNrs(CqlSession session, String persistenceId) {
    List<Long> events = new ArrayList<>();
    session
        .execute(
            "SELECT sequence_nr FROM "
                + journalKeyspace
                + ".events WHERE persistence_id = ? AND partition_nr = 0 AND sequence_nr > 0",
            persistenceId)
        .forEach(row -> events.add(row.getLong(0)));
    return events;
  }

  /** The sequence numbers of the snapshots of {@code persistenceId}, in order. */
  List<Long> snapshotSequenceNrs(CqlSession session, String persistenceId) {
    List<Long> snapshots = new ArrayList<>();
    session
        .execute(
            "SELECT sequence_nr FROM " + snapshotKeyspace + ".snapshots WHERE persistence_id = ?",
            persistenceId)
        .forEach(row -> snapshots.add(row.getLong(0)));
    return snapshots;
  }

  /** Config overrides for an in-process node on a free HTTP port. */
  Config nodeConfig() {
    StringBuilder hocon = new StringBuilder();
    nodeProperties().forEach((k, v) -> hocon.append(k).append(" = \"").append(v).append("\"\n"));
    hocon
        .append("datastax-java-driver.basic.contact-points = [\"")
        .append(cassandra.host())
        .append(':')
        .append(cassandra.cqlPort())
        .append("\"]\n");
    hocon.append("durable-objects.http.port = 0\n");
    hocon.append("pekko.loglevel = WARNING\n");
    return ConfigFactory.parseString(hocon.toString());
  }

  /** A free port, never one handed out before in this JVM ({@link FreePorts}). */
  static int freePort() {
    return FreePorts.next();
  }

  static HttpResponse<String> post(int port, String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(port, path)).POST(HttpRequest.BodyPublishers.noBody()));
  }

  static HttpResponse<String> post(int port, String path, String body) throws Exception {
    return send(
        HttpRequest.newBuilder(uri(port, path)).POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** A POST that a retry with the same {@code key} does not apply twice (Idempotency-Key). */
  static HttpResponse<String> postIdempotent(int port, String path, String key) throws Exception {
    return send(
        HttpRequest.newBuilder(uri(port, path))
            .header("Idempotency-Key", key)
            .POST(HttpRequest.BodyPublishers.noBody()));
  }

  static HttpResponse<String> put(int port, String path, String body) throws Exception {
    return send(
        HttpRequest.newBuilder(uri(port, path)).PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  static HttpResponse<String> get(int port, String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(port, path)).GET());
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return CLIENT.send(
        request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}

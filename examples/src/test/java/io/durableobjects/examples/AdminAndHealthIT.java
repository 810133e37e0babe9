package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.cassandra.embedded.EmbeddedCassandra;
import io.durableobjects.cassandra.testkit.CassandraExtension;
import io.durableobjects.core.internal.ObjectIds;
import io.durableobjects.gateway.DurableObjectsServer;
import io.durableobjects.testsupport.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The admin API, readiness and metrics of a node on a real Cassandra: the object listing comes from
 * the catalog table, survives a restart of the node without activating any object, and follows a
 * delete, which erases the object's history from the journal; readiness reflects whether Cassandra
 * answers.
 */
@ExtendWith(CassandraExtension.class)
class AdminAndHealthIT {
  private static final String ADMIN_TOKEN = "it-admin-token-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void theListingIsDurableAndFollowsWritesAndDeletes(EmbeddedCassandra cassandra) throws Exception {
    NodeFixture fixture = new NodeFixture(AdminAndHealthIT.class, cassandra);
    var config =
        ConfigFactory.parseString("durable-objects.http.auth.admin-token = \"" + ADMIN_TOKEN + "\"")
            .withFallback(fixture.nodeConfig());
    List<String> names = List.of("alpha", "beta", "gamma");

    try (DurableObjectsServer node =
        DurableObjectsServer.start(DurableObjectsServer.loadConfig(config))) {
      int port = node.httpAddress().getPort();
      awaitReady(port);
      for (String name : names) {
        assertThat(
                NodeFixture.postIdempotent(
                        port, "/v1/counter/by-name/" + name + "/increment", "first-" + name)
                    .statusCode())
            .isEqualTo(200);
      }
      String metrics = NodeFixture.get(port, "/metrics").body();
      assertThat(metrics)
          .contains(
              "durable_objects_http_requests_seconds_count{namespace=\"counter\",status=\"200\"}")
          .contains("durable_objects_journal_writes_seconds_count{namespace=\"counter\"}")
          .contains("durable_objects_objects_active{namespace=\"counter\"}");
    }

    // A new node: the listing comes from Cassandra, not from objects in memory.
    try (DurableObjectsServer node =
        DurableObjectsServer.start(DurableObjectsServer.loadConfig(config))) {
      int port = node.httpAddress().getPort();
      awaitReady(port);
      List<JsonNode> listed = listAll(port);
      assertThat(listed)
          .extracting(o -> o.get("name").asText())
          .containsExactlyInAnyOrderElementsOf(names);
      assertThat(listed).allSatisfy(o -> assertThat(o.get("hasData").asBoolean()).isTrue());
      assertThat(listed).extracting(o -> o.get("id").asText()).isSorted();

      String alpha = ObjectIds.fromName("counter", "alpha");
      JsonNode view =
          JSON.readTree(admin(port, "GET", "/admin/v1/counter/objects/" + alpha).body());
      assertThat(view.get("keyCount").asInt()).isEqualTo(1);
      assertThat(view.get("lastSequenceNr").asLong()).isEqualTo(1);
      assertThat(view.get("lastWriteTime").isTextual()).isTrue();
      assertThat(view.get("entries").get(0).get("key").asText()).isEqualTo("count");

      HttpResponse<String> deleted = admin(port, "DELETE", "/admin/v1/counter/objects/" + alpha);
      assertThat(deleted.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(deleted.body()).get("keysDeleted").asInt()).isEqualTo(1);
      assertThat(NodeFixture.get(port, "/v1/counter/by-name/alpha/").body()).isEqualTo("0");
      awaitHasData(cassandra, fixture, alpha, false);

      // An erasure: the journal holds only the delete's own event (it empties whatever replays
      // before it), no snapshot, and the remembered key is gone: its retry is a new request.
      try (CqlSession session = cassandra.openSession()) {
        String persistenceId = "durable-object-counter|" + alpha;
        assertThat(fixture.eventSequenceNrs(session, persistenceId)).containsExactly(2L);
        assertThat(fixture.snapshotSequenceNrs(session, persistenceId)).isEmpty();
      }
      HttpResponse<String> retried =
          NodeFixture.postIdempotent(port, "/v1/counter/by-name/alpha/increment", "first-alpha");
      assertThat(retried.body()).isEqualTo("1");
      assertThat(retried.headers().firstValue("Idempotent-Replayed")).isEmpty();
    }
  }

  @Test
  void aNodeWhoseCassandraDoesNotAnswerIsAliveButNotReady(EmbeddedCassandra cassandra)
      throws Exception {
    NodeFixture fixture = new NodeFixture(AdminAndHealthIT.class, cassandra);
    var config =
        ConfigFactory.parseString(
                "datastax-java-driver.basic.contact-points = [\"127.0.0.1:"
                    + NodeFixture.freePort()
                    + "\"]")
            .withFallback(fixture.nodeConfig());
    try (DurableObjectsServer node =
        DurableObjectsServer.start(DurableObjectsServer.loadConfig(config))) {
      int port = node.httpAddress().getPort();
      assertThat(NodeFixture.get(port, "/health/alive").statusCode()).isEqualTo(200);
      HttpResponse<String> ready = NodeFixture.get(port, "/health/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("\"error\":\"not_ready\"").contains("journal store");
    }
  }

  private static void awaitReady(int port) throws Exception {
    Await.until(
        "the node ready",
        Duration.ofSeconds(30),
        () -> NodeFixture.get(port, "/health/ready").statusCode() == 200);
  }

  private static List<JsonNode> listAll(int port) throws Exception {
    List<JsonNode> all = new ArrayList<>();
    String cursor = null;
    do {
      String path =
          "/admin/v1/counter/objects?limit=2" + (cursor == null ? "" : "&cursor=" + cursor);
      HttpResponse<String> page = admin(port, "GET", path);
      assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
      JsonNode body = JSON.readTree(page.body());
      body.get("objects").forEach(all::add);
      cursor = body.get("nextCursor").isNull() ? null : body.get("nextCursor").asText();
    } while (cursor != null);
    return all;
  }

  private static HttpResponse<String> admin(int port, String method, String path) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .header("Authorization", "Bearer " + ADMIN_TOKEN)
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void awaitHasData(
      EmbeddedCassandra cassandra, NodeFixture fixture, String id, boolean expected)
      throws Exception {
    try (CqlSession session = cassandra.openSession()) {
      Await.until(
          "catalog entry of " + id + " with has_data=" + expected,
          Duration.ofSeconds(10),
          () -> {
            Row row =
                session
                    .execute(
                        "SELECT has_data FROM "
                            + fixture.journalKeyspace
                            + ".object_catalog WHERE namespace = 'counter' AND bucket = ? AND id = ?",
                        Character.digit(id.charAt(0), 16),
                        id)
                    .one();
            return row != null && row.getBoolean("has_data") == expected;
          });
    }
  }
}

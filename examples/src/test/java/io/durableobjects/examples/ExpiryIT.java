package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code expire-after-idle} on a real Cassandra, with 2s: a counter not called for 2s is erased
 * (keys, alarms, journal history), by the node that holds it in memory, and by the next node's
 * alarm poller for one whose node stopped before its time.
 */
@ExtendWith(CassandraExtension.class)
class ExpiryIT {
  private static final String ADMIN_TOKEN = "it-admin-token-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Duration E = Duration.ofSeconds(2);

  @Test
  void anIdleObjectIsErasedWithItsHistoryNeverEarly(EmbeddedCassandra cassandra) throws Exception {
    NodeFixture fixture = new NodeFixture(ExpiryIT.class, cassandra);
    Config config =
        ConfigFactory.parseString(
                "durable-objects.http.auth.admin-token = \""
                    + ADMIN_TOKEN
                    + "\"\ndurable-objects.namespaces.counter.expire-after-idle = 2s")
            .withFallback(fixture.nodeConfig());
    String idle = ObjectIds.fromName("counter", "idle");
    String orphan = ObjectIds.fromName("counter", "orphan");

    try (CqlSession session = cassandra.openSession();
        DurableObjectsServer node =
            DurableObjectsServer.start(DurableObjectsServer.loadConfig(config))) {
      int port = node.httpAddress().getPort();
      awaitReady(port);
      long before = System.nanoTime();
      assertThat(NodeFixture.post(port, "/v1/counter/by-name/idle/increment").body())
          .isEqualTo("1");
      // Watched through the admin view, which is not a call: it does not keep the object alive.
      assertThat(inspect(port, idle).get("keyCount").asInt()).isEqualTo(1);
      Await.until(
          "the idle counter erased",
          Duration.ofSeconds(10),
          () -> inspect(port, idle).get("keyCount").asInt() == 0);
      assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(E);
      JsonNode view = inspect(port, idle);
      assertThat(view.get("entries")).isEmpty();
      assertThat(view.get("alarms")).isEmpty();
      awaitHistoryErased(session, fixture, idle);
      assertThat(NodeFixture.get(port, "/metrics").body())
          .contains("durable_objects_expirations_total{namespace=\"counter\"} 1.0");

      // Written just before its node stops: the next node's alarm poller wakes it when it is due.
      assertThat(NodeFixture.post(port, "/v1/counter/by-name/orphan/increment").body())
          .isEqualTo("1");
    }
    try (CqlSession session = cassandra.openSession();
        DurableObjectsServer node =
            DurableObjectsServer.start(DurableObjectsServer.loadConfig(config))) {
      int port = node.httpAddress().getPort();
      awaitReady(port);
      awaitHistoryErased(session, fixture, orphan);
      assertThat(inspect(port, orphan).get("keyCount").asInt()).isZero();
      assertThat(NodeFixture.get(port, "/v1/counter/by-name/orphan/").body()).isEqualTo("0");
    }
  }

  /**
   * Waits until the journal holds only the erasure's own event (the increment's is deleted) and no
   * snapshot: its second event, which empties whatever replays before it.
   */
  private static void awaitHistoryErased(CqlSession session, NodeFixture fixture, String id)
      throws Exception {
    String persistenceId = "durable-object-counter|" + id;
    Await.until(
        "the journal history of " + id + " deleted",
        Duration.ofSeconds(10),
        () -> fixture.eventSequenceNrs(session, persistenceId).equals(List.of(2L)));
    assertThat(fixture.snapshotSequenceNrs(session, persistenceId)).isEmpty();
  }

  private static void awaitReady(int port) throws Exception {
    Await.until(
        "the node ready",
        Duration.ofSeconds(30),
        () -> NodeFixture.get(port, "/health/ready").statusCode() == 200);
  }

  private static JsonNode inspect(int port, String id) throws Exception {
    HttpResponse<String> response =
        CLIENT.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/admin/v1/counter/objects/" + id))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }
}

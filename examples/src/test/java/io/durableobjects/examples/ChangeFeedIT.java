package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.cassandra.embedded.EmbeddedCassandra;
import io.durableobjects.cassandra.testkit.CassandraExtension;
import io.durableobjects.core.DurableObjectStub;
import io.durableobjects.core.DurableObjects;
import io.durableobjects.core.ObjectChange;
import io.durableobjects.core.internal.history.HistoryPruning;
import io.durableobjects.core.internal.history.JournalEvents;
import io.durableobjects.core.internal.history.JournalHistory;
import io.durableobjects.gateway.DurableObjectsServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The change feed and the history on a real node and Cassandra: a feed read over SSE, cut off
 * mid-stream, and resumed with {@code Last-Event-ID} after the object was evicted and after the
 * node was restarted, sees every increment exactly once, in order; the Java {@code Source} sees
 * live changes; the admin API reads the history, the state at a past point, and restores and forks
 * it.
 */
@ExtendWith(CassandraExtension.class)
class ChangeFeedIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final String ADMIN_TOKEN = "change-feed-admin-token-0123456789";

  // One node for the class; the tests that restart it leave the new one here.
  private static NodeFixture fixture;
  private static DurableObjectsServer node;

  @BeforeAll
  static void start(EmbeddedCassandra cassandra) {
    fixture = new NodeFixture(ChangeFeedIT.class, cassandra);
    node = startNode();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static DurableObjectsServer startNode() {
    Config config =
        ConfigFactory.parseString(
                "durable-objects.namespaces.counter { idle-timeout = 1s, history.retention = 7d }\n"
                    + "durable-objects.http.auth.admin-token = \""
                    + ADMIN_TOKEN
                    + "\"")
            .withFallback(fixture.nodeConfig());
    return DurableObjectsServer.start(DurableObjectsServer.loadConfig(config));
  }

  private static int port() {
    return node.httpAddress().getPort();
  }

  @Test
  void aFeedResumesWithoutGapOrDuplicateAcrossEvictionAndRestart() throws Exception {
    String counter = "/v1/counter/by-name/feed-resume";
    for (int i = 0; i < 3; i++) {
      NodeFixture.post(port(), counter + "/increment");
    }
    List<JsonNode> seen = new ArrayList<>();
    try (SseStream feed =
        SseStream.open(port(), "/v1/counter/changes/by-name/feed-resume?from=1")) {
      seen.addAll(feed.next(3)); // replayed from the journal
      NodeFixture.post(port(), counter + "/increment");
      NodeFixture.post(port(), counter + "/increment");
      seen.addAll(feed.next(2)); // live
    } // the client goes away mid-stream
    long lastId = seen.get(seen.size() - 1).get("seq").asLong();

    NodeFixture.post(port(), counter + "/increment");
    NodeFixture.post(port(), counter + "/increment");
    Thread.sleep(2500); // idle-timeout 1s: evicted (its checkpoint is a transaction too)
    try (SseStream feed =
        SseStream.open(port(), "/v1/counter/changes/by-name/feed-resume", lastId)) {
      seen.addAll(feed.next(2));
      NodeFixture.post(port(), counter + "/increment");
      seen.addAll(feed.next(1));
    }
    lastId = seen.get(seen.size() - 1).get("seq").asLong();

    node.close();
    node = startNode();
    NodeFixture.post(port(), counter + "/increment");
    try (SseStream feed =
        SseStream.open(port(), "/v1/counter/changes/by-name/feed-resume", lastId)) {
      seen.addAll(feed.next(1));
      NodeFixture.post(port(), counter + "/increment");
      seen.addAll(feed.next(1));
    }

    List<Long> counts = new ArrayList<>();
    List<Long> seqs = new ArrayList<>();
    for (JsonNode event : seen) {
      counts.add(event.get("put").get(0).get("value").asLong());
      seqs.add(event.get("seq").asLong());
    }
    assertThat(counts).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    assertThat(seqs).isSorted().doesNotHaveDuplicates();
    assertThat(seen.get(0).get("put").get(0).get("key").asText()).isEqualTo("count");
    assertThat(Instant.parse(seen.get(0).get("time").asText())).isBefore(Instant.now());
  }

  @Test
  void theJavaSourceSeesLiveChangesAndARefusedResumePointFails() throws Exception {
    DurableObjects objects = DurableObjects.get(node.system());
    DurableObjectStub stub =
        objects.namespace("counter").get(objects.namespace("counter").idFromName("feed-java"));
    Pair<CompletionStage<Long>, CompletionStage<List<ObjectChange>>> run =
        stub.changes(-1).take(2).toMat(Sink.seq(), Keep.both()).run(node.system());
    assertThat(run.first().toCompletableFuture().get(10, TimeUnit.SECONDS)).isZero();
    NodeFixture.post(port(), "/v1/counter/by-name/feed-java/increment");
    NodeFixture.post(port(), "/v1/counter/by-name/feed-java/increment");
    List<ObjectChange> changes = run.second().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(changes)
        .extracting(c -> c.put().get(0).json().orElseThrow())
        .containsExactly("1", "2");

    HttpResponse<String> bad =
        CLIENT.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + port() + "/v1/counter/changes/by-name/x?from=abc"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("from must be a sequence number");
  }

  @Test
  void theAdminApiReadsTheHistoryAndRestoresAndForksAPastState() throws Exception {
    String counter = "/v1/counter/by-name/history";
    for (int i = 0; i < 5; i++) {
      NodeFixture.post(port(), counter + "/increment");
    }
    String id =
        JSON.readTree(NodeFixture.get(port(), "/admin/v1/namespaces").body()).isEmpty()
            ? null
            : idOf("history");
    JsonNode history = getJson("/admin/v1/counter/objects/" + id + "/history?from=1&limit=3");
    assertThat(history.get("transactions")).hasSize(3);
    assertThat(history.get("transactions").get(2).get("put").get(0).get("value").asLong())
        .isEqualTo(3);
    assertThat(history.get("nextCursor").asText()).isEqualTo("4");
    assertThat(history.get("oldestSequenceNr").asLong()).isEqualTo(1);

    JsonNode third = getJson("/admin/v1/counter/objects/" + id + "?asOf=3");
    assertThat(third.get("asOf").get("sequenceNr").asLong()).isEqualTo(3);
    assertThat(third.get("entries").get(0).get("value").asLong()).isEqualTo(3);
    String timeOfSecond =
        getJson("/admin/v1/counter/objects/" + id + "/history?from=2&limit=1")
            .get("transactions")
            .get(0)
            .get("time")
            .asText();
    JsonNode byTime = getJson("/admin/v1/counter/objects/" + id + "?asOf=" + timeOfSecond);
    assertThat(byTime.get("entries").get(0).get("value").asLong()).isGreaterThanOrEqualTo(2);

    HttpResponse<String> restored =
        admin("POST", "/admin/v1/counter/objects/" + id + "/restore?asOf=2");
    assertThat(restored.statusCode()).isEqualTo(200);
    assertThat(NodeFixture.get(port(), counter + "/").body()).isEqualTo("2");
    JsonNode after = getJson("/admin/v1/counter/objects/" + id + "/history?from=6");
    JsonNode restore = after.get("transactions").get(0);
    assertThat(restore.get("deleteAll").asBoolean()).isTrue();
    assertThat(restore.get("put").get(0).get("value").asLong()).isEqualTo(2);

    HttpResponse<String> forked =
        admin("POST", "/admin/v1/counter/objects/" + id + "/fork?asOf=4&name=history-copy");
    assertThat(forked.statusCode()).isEqualTo(200);
    assertThat(NodeFixture.get(port(), "/v1/counter/by-name/history-copy/").body()).isEqualTo("4");

    HttpResponse<String> badPoint =
        admin("GET", "/admin/v1/counter/objects/" + id + "?asOf=yesterday");
    assertThat(badPoint.statusCode()).isEqualTo(400);
    assertThat(badPoint.body()).contains("neither a sequence number nor an ISO-8601 instant");
    HttpResponse<String> future = admin("GET", "/admin/v1/counter/objects/" + id + "?asOf=999");
    assertThat(future.statusCode()).isEqualTo(404);
  }

  @Test
  void pruningDropsOlderTransactionsAndKeepsTheState() throws Exception {
    String counter = "/v1/counter/by-name/pruned";
    for (int i = 0; i < 5; i++) {
      NodeFixture.post(port(), counter + "/increment");
    }
    String id = idOf("pruned");
    com.typesafe.config.Config config = node.system().settings().config();
    String journalId = config.getString("durable-objects.journal.plugin-id");
    String snapshotId = config.getString("durable-objects.journal.snapshot-plugin-id");
    JournalEvents journal =
        new JournalEvents(node.system(), journalId, snapshotId, Duration.ofSeconds(10));
    HistoryPruning pruning =
        new HistoryPruning(
            journal,
            new JournalHistory(node.system(), journalId, snapshotId, Duration.ofSeconds(10)));
    String persistenceId = "durable-object-counter|" + id;
    long prunedTo =
        pruning
            .prune(persistenceId, System.currentTimeMillis() + 1000)
            .toCompletableFuture()
            .get(20, TimeUnit.SECONDS);
    assertThat(prunedTo).isEqualTo(5);
    // At once, while the object runs (idle-timeout 1s): the pruner's reads and deletes claim
    // nothing, so the running instance writes on.
    assertThat(NodeFixture.post(port(), counter + "/increment").body()).isEqualTo("6");

    JsonNode history = getJson("/admin/v1/counter/objects/" + id + "/history");
    assertThat(history.get("oldestSequenceNr").asLong()).isEqualTo(6);
    assertThat(history.get("transactions")).hasSize(1);
    assertThat(getJson("/admin/v1/counter/objects/" + id + "?asOf=5").get("entries").get(0))
        .hasToString("{\"key\":\"count\",\"value\":5}");
    HttpResponse<String> gone = admin("GET", "/admin/v1/counter/objects/" + id + "?asOf=3");
    assertThat(gone.statusCode()).isEqualTo(410);
    assertThat(gone.body()).contains("history_gone");

    node.close(); // the next activation starts from the pruner's snapshot and the event after it
    node = startNode();
    assertThat(NodeFixture.post(port(), counter + "/increment").body()).isEqualTo("7");
  }

  private String idOf(String name) {
    return DurableObjects.get(node.system()).namespace("counter").idFromName(name).toString();
  }

  private HttpResponse<String> admin(String method, String path) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
            .header("Authorization", "Bearer " + ADMIN_TOKEN)
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode getJson(String path) throws Exception {
    HttpResponse<String> response = admin("GET", path);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  /** An SSE connection read line by line: the data of each event, in order. */
  static final class SseStream implements AutoCloseable {
    private final InputStream body;
    private final BufferedReader reader;

    private SseStream(InputStream body) {
      this.body = body;
      this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }

    static SseStream open(int port, String path) throws Exception {
      return open(port, path, -1);
    }

    static SseStream open(int port, String path, long lastEventId) throws Exception {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(30));
      if (lastEventId >= 0) {
        request.header("Last-Event-ID", Long.toString(lastEventId));
      }
      HttpResponse<InputStream> response =
          CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
      return new SseStream(response.body());
    }

    /** The next {@code count} events' data, each checked to carry its sequence number as id. */
    List<JsonNode> next(int count) throws Exception {
      List<JsonNode> events = new ArrayList<>();
      String id = null;
      String data = null;
      while (events.size() < count) {
        String line = reader.readLine();
        assertThat(line).as("the feed ended early").isNotNull();
        if (line.startsWith("id:")) {
          id = line.substring(3).trim();
        } else if (line.startsWith("data:")) {
          data = line.substring(5).trim();
        } else if (line.startsWith("event:")) {
          throw new AssertionError("unexpected event: " + line + " " + reader.readLine());
        } else if (line.isEmpty() && data != null) {
          JsonNode event = JSON.readTree(data);
          assertThat(event.get("seq").asText()).isEqualTo(id);
          events.add(event);
          data = null;
        }
      }
      return events;
    }

    @Override
    public void close() throws Exception {
      body.close();
    }
  }
}

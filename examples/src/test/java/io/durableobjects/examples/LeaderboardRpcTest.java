package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.durableobjects.core.DurableObjects;
import io.durableobjects.gateway.DurableObjectsServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The leaderboard's RPC interface from Java and over HTTP ({@code POST
 * /v1/leaderboard/rpc/by-name/{board}/{method}}), on a node of the demo's namespaces with the
 * in-memory journal, and the same board over its own HTTP paths.
 */
class LeaderboardRpcTest {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static DurableObjectsServer node;

  @BeforeAll
  static void start() {
    node =
        DurableObjectsServer.start(
            DurableObjectsServer.loadConfig(
                ConfigFactory.parseString(
                        """
                        durable-objects.http.port = 0
                        durable-objects.http.auth.required = off
                        pekko.remote.artery.canonical.port = 0
                        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                        pekko.loglevel = WARNING
                        pekko.actor.serialize-messages = on
                        # The in-memory journal, catalog and alarm index instead of Cassandra's.
                        durable-objects.journal.plugin-id = ""
                        durable-objects.journal.snapshot-plugin-id = ""
                        durable-objects.catalog.class = ""
                        durable-objects.alarms.index-class = ""
                        """)
                    .withFallback(PersistenceTestKitPlugin.getInstance().config())
                    .withFallback(PersistenceTestKitSnapshotPlugin.config())));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void theBoardIsOneObjectOverRpcAndItsOwnPaths() throws Exception {
    LeaderboardApi board =
        DurableObjects.get(node.system())
            .namespace("leaderboard")
            .getByName("rpc")
            .rpc(LeaderboardApi.class);
    assertThat(board.submit("ada", 42).toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isEqualTo(new LeaderboardApi.Entry("ada", 42));

    HttpResponse<String> submitted = post("/v1/leaderboard/rpc/by-name/rpc/submit", "[\"bob\", 7]");
    assertThat(submitted.statusCode()).isEqualTo(200);
    assertThat(submitted.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(submitted.body()).isEqualTo("{\"player\":\"bob\",\"score\":7}");

    assertThat(post("/v1/leaderboard/rpc/by-name/rpc/top", "[10]").body())
        .isEqualTo("[{\"player\":\"ada\",\"score\":42},{\"player\":\"bob\",\"score\":7}]");
    assertThat(send(request("/v1/leaderboard/by-name/rpc/top?n=1").GET()).body())
        .isEqualTo("[{\"player\":\"ada\",\"score\":42}]");
  }

  @Test
  void refusalsOverHttpSayWhatIsWrong() throws Exception {
    HttpResponse<String> badScore =
        post("/v1/leaderboard/rpc/by-name/refusals/submit", "[\"ada\", \"many\"]");
    assertThat(badScore.statusCode()).isEqualTo(400);
    assertThat(badScore.body())
        .contains("\"error\":\"bad_arguments\"")
        .contains("argument 2 of submit(String, long): expected a number, got a string");

    HttpResponse<String> unknown = post("/v1/leaderboard/rpc/by-name/refusals/reset", "[]");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body())
        .contains("\"error\":\"unknown_method\"")
        .contains("its RPC methods are: submit(String, long), top(int)");

    HttpResponse<String> tooMany = post("/v1/leaderboard/rpc/by-name/refusals/top", "[1000]");
    assertThat(tooMany.statusCode()).isEqualTo(400);
    assertThat(tooMany.body()).contains("n must be an integer between 1 and 100");
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return send(request(path).POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + node.httpAddress().getPort() + path));
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return CLIENT.send(
        request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}

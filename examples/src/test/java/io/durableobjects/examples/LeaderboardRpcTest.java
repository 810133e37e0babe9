package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.durableobjects.core.DurableObjects;
import io.durableobjects.core.Request;
import io.durableobjects.gateway.GatewaySettings;
import io.durableobjects.gateway.ObjectRoutes;
import io.durableobjects.gateway.internal.BearerAuth;
import io.durableobjects.gateway.internal.DrainDeadline;
import io.durableobjects.gateway.internal.GatewayMetrics;
import io.durableobjects.gateway.internal.InFlightLimits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The leaderboard's RPC interface, from Java and over HTTP ({@code POST
 * /v1/leaderboard/rpc/by-name/{board}/{method}}, the gateway's object routes bound on the node),
 * and the same board over its own HTTP paths.
 */
class LeaderboardRpcTest {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static ExampleNode node;
  private static ServerBinding binding;

  @BeforeAll
  static void start() throws Exception {
    node = new ExampleNode("LeaderboardRpcTest");
    GatewaySettings settings =
        GatewaySettings.fromConfig(
            ConfigFactory.parseString("durable-objects.http.auth.required = off")
                .withFallback(ConfigFactory.load()));
    InFlightLimits limits = new InFlightLimits(100, 100);
    ObjectRoutes routes =
        ObjectRoutes.of(
            DurableObjects.get(node.system()),
            settings,
            new BearerAuth(settings.auth()),
            limits,
            new GatewayMetrics(new SimpleMeterRegistry(), limits),
            new DrainDeadline(),
            null);
    binding =
        Http.get(node.system())
            .newServerAt("127.0.0.1", 0)
            .bind(routes.route())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void theBoardIsOneObjectOverRpcAndItsOwnPaths() throws Exception {
    LeaderboardApi board = node.namespace("leaderboard").getByName("rpc").rpc(LeaderboardApi.class);
    assertThat(board.submit("ada", 42).toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isEqualTo(new LeaderboardApi.Entry("ada", 42));

    HttpResponse<String> submitted = post("/v1/leaderboard/rpc/by-name/rpc/submit", "[\"bob\", 7]");
    assertThat(submitted.statusCode()).isEqualTo(200);
    assertThat(submitted.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(submitted.body()).isEqualTo("{\"player\":\"bob\",\"score\":7}");

    assertThat(post("/v1/leaderboard/rpc/by-name/rpc/top", "[10]").body())
        .isEqualTo("[{\"player\":\"ada\",\"score\":42},{\"player\":\"bob\",\"score\":7}]");
    assertThat(
            node.call("leaderboard", "rpc", Request.of("GET", "/top").withQuery("n=1")).bodyText())
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
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }
}

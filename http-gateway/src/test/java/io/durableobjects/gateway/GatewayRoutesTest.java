package io.durableobjects.gateway;

import static io.durableobjects.gateway.GatewayTestSupport.CLIENT;
import static io.durableobjects.gateway.GatewayTestSupport.get;
import static io.durableobjects.gateway.GatewayTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.ObjectFailedException;
import io.durableobjects.core.ObjectTimeoutException;
import io.durableobjects.core.ObjectUnavailableException;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.testsupport.TimeFactor;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's routes over real HTTP, in front of a scripted namespace ({@link ScriptedGateway})
 * whose objects answer from a script: no cluster, no journal, just the HTTP translation and the
 * error mapping.
 */
class GatewayRoutesTest {
  private static ScriptedGateway gateway;
  private static String base;
  private static final AtomicReference<Request> lastRequest = new AtomicReference<>();
  private static final AtomicReference<DurableObjectId> lastId = new AtomicReference<>();

  @BeforeAll
  static void start() {
    gateway =
        ScriptedGateway.start(
            ConfigFactory.parseString(
                """
                durable-objects.http.max-body-size = 1024
                durable-objects.http.entity-timeout = 5s
                """),
            Map.of("echo", GatewayRoutesTest::echo));
    base = gateway.baseUrl();
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  /** Namespace {@code echo}: every object echoes, or fails as the path asks. */
  private static CompletionStage<Response> echo(DurableObjectId id, Request request) {
    lastRequest.set(request);
    lastId.set(id);
    switch (request.path()) {
      case "/throw":
        return CompletableFuture.failedFuture(
            new ObjectFailedException("the object's code threw X"));
      case "/unavailable":
        return CompletableFuture.failedFuture(new ObjectUnavailableException("journal down"));
      case "/slow":
        return CompletableFuture.failedFuture(new ObjectTimeoutException("no answer in 10s"));
      default:
        return CompletableFuture.completedFuture(
            Response.status(207)
                .withHeader("Content-Type", "text/plain; charset=UTF-8")
                .withHeader("X-Object", "yes")
                .withBody("echo:" + request.bodyText()));
    }
  }

  @Test
  void forwardsMethodPathQueryHeadersAndBodyAndReturnsTheObjectsResponse() throws Exception {
    HttpResponse<String> response =
        send(
            base,
            "PATCH",
            "/v1/echo/by-name/room%201/items/42?sort=desc&q=a%20b",
            "{\"a\":1}",
            "X-Custom",
            "value",
            "Content-Type",
            "application/json");

    assertThat(response.statusCode()).isEqualTo(207);
    assertThat(response.headers().firstValue("X-Object")).contains("yes");
    assertThat(response.headers().firstValue("Content-Type")).contains("text/plain; charset=UTF-8");
    assertThat(response.body()).isEqualTo("echo:{\"a\":1}");

    Request seen = lastRequest.get();
    assertThat(lastId.get().name()).contains("room 1");
    assertThat(seen.method()).isEqualTo("PATCH");
    assertThat(seen.path()).isEqualTo("/items/42");
    assertThat(seen.query()).contains("sort=desc&q=a%20b");
    assertThat(seen.queryParam("q")).contains("a b");
    assertThat(seen.header("x-custom")).contains("value");
    assertThat(seen.header("content-type")).contains("application/json");
    assertThat(seen.bodyText()).isEqualTo("{\"a\":1}");
  }

  @Test
  void theObjectsRootIsSlash() throws Exception {
    get(base, "/v1/echo/by-name/a");
    assertThat(lastRequest.get().path()).isEqualTo("/");
    assertThat(lastRequest.get().query()).isEmpty();
    get(base, "/v1/echo/by-name/a/");
    assertThat(lastRequest.get().path()).isEqualTo("/");
  }

  @Test
  void errorsAreJsonWithTheRightStatus() throws Exception {
    assertError(get(base, "/v1/nope/by-name/a/x"), 404, "unknown_namespace");
    assertError(get(base, "/v1/echo/by-name/a/throw"), 500, "object_error");
    HttpResponse<String> unavailable = get(base, "/v1/echo/by-name/a/unavailable");
    assertError(unavailable, 503, "unavailable");
    assertThat(unavailable.headers().firstValue("Retry-After")).contains("1");
    assertError(get(base, "/v1/echo/by-name/a/slow"), 504, "object_timeout");
    assertError(get(base, "/nothing/here"), 404, "not_found");
  }

  @Test
  void bodiesAboveTheLimitAre413() throws Exception {
    HttpResponse<String> response = send(base, "POST", "/v1/echo/by-name/a/x", "x".repeat(2048));
    assertError(response, 413, "payload_too_large");

    // Without a Content-Length (chunked), the limit applies while the body is read.
    HttpResponse<String> chunked =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/echo/by-name/a/x"))
                .timeout(TimeFactor.seconds(10))
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(new byte[4096])))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertError(chunked, 413, "payload_too_large");
  }

  /**
   * The documented error shape ({@link GatewayTestSupport#assertError}), with a Content-Type of
   * exactly {@code application/json} and no exception named in the body.
   */
  private static void assertError(HttpResponse<String> response, int status, String code)
      throws Exception {
    GatewayTestSupport.assertError(response, status, code);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }
}

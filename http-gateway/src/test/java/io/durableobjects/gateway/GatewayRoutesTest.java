package io.durableobjects.gateway;

import io.durableobjects.core.internal.ObjectIdFactory;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.DurableObjectNamespace;
import io.durableobjects.core.DurableObjectStub;
import io.durableobjects.core.ObjectFailedException;
import io.durableobjects.core.ObjectTimeoutException;
import io.durableobjects.core.ObjectUnavailableException;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.core.UnknownNamespaceException;
import io.durableobjects.gateway.internal.BearerAuth;
import io.durableobjects.gateway.internal.GatewayMetrics;
import io.durableobjects.gateway.internal.InFlightLimits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's routes over real HTTP, in front of an in-test namespace whose objects answer from a
 * script: no cluster, no journal, just the HTTP translation and the error mapping.
 */
class GatewayRoutesTest {
  private static ActorTestKit testKit;
  private static ServerBinding binding;
  private static final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final AtomicReference<Request> lastRequest = new AtomicReference<>();
  private static final AtomicReference<DurableObjectId> lastId = new AtomicReference<>();

  /** A namespace whose every object echoes, or fails as the path asks. */
  private static final class ScriptedNamespace implements DurableObjectNamespace {
    @Override
    public String name() {
      return "echo";
    }

    @Override
    public DurableObjectId idFromName(String name) {
      return ObjectIdFactory.create("echo", "id-of-" + name, name);
    }

    @Override
    public DurableObjectId newUniqueId() {
      throw new UnsupportedOperationException("not used by these routes");
    }

    @Override
    public DurableObjectId idFromString(String hex) {
      throw new UnsupportedOperationException("not used by these routes");
    }

    @Override
    public DurableObjectStub get(DurableObjectId id) {
      return new DurableObjectStub() {
        @Override
        public DurableObjectId id() {
          return id;
        }

        @Override
        public DurableObjectStub withIdempotencyKey(String key) {
          throw new UnsupportedOperationException("not used by these routes");
        }

        @Override
        public <T> T rpc(Class<T> rpcInterface) {
          throw new UnsupportedOperationException("not used by these routes");
        }

        @Override
        public CompletionStage<Response> fetch(Request request) {
          lastRequest.set(request);
          lastId.set(id);
          switch (request.path()) {
            case "/throw":
              return CompletableFuture.failedFuture(new ObjectFailedException("the object's code threw X"));
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
      };
    }
  }

  @BeforeAll
  static void bind() throws Exception {
    testKit =
        ActorTestKit.create(
            "GatewayRoutesTest", ConfigFactory.parseString("pekko.loglevel = WARNING"));
    GatewaySettings settings =
        new GatewaySettings(
            "127.0.0.1",
            0,
            Duration.ofSeconds(5),
            1024,
            100,
            100,
            Duration.ZERO,
            Duration.ofSeconds(10),
            new AuthSettings(false, List.of(), java.util.Optional.empty()),
            java.util.Map.of());
    ScriptedNamespace echo = new ScriptedNamespace();
    InFlightLimits limits = new InFlightLimits(100, 100);
    ObjectRoutes objects =
        new ObjectRoutes(
            name -> {
              if (!name.equals("echo")) {
                throw new UnknownNamespaceException(name, List.of("echo"));
              }
              return echo;
            },
            settings,
            new BearerAuth(settings.auth()),
            limits,
            new GatewayMetrics(new SimpleMeterRegistry(), limits),
            new io.durableobjects.gateway.internal.DrainDeadline());
    binding =
        Http.get(testKit.system())
            .newServerAt("127.0.0.1", 0)
            .bind(new GatewayRoutes(objects.route()).route())
            .toCompletableFuture()
            .get();
  }

  @AfterAll
  static void unbind() {
    testKit.shutdownTestKit();
  }

  private static HttpResponse<String> send(HttpRequest.Builder builder) throws Exception {
    return client.send(builder.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path));
  }

  @Test
  void forwardsMethodPathQueryHeadersAndBodyAndReturnsTheObjectsResponse() throws Exception {
    HttpResponse<String> response =
        send(
            request("/v1/echo/by-name/room%201/items/42?sort=desc&q=a%20b")
                .header("X-Custom", "value")
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"a\":1}")));

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
    send(request("/v1/echo/by-name/a").GET());
    assertThat(lastRequest.get().path()).isEqualTo("/");
    assertThat(lastRequest.get().query()).isEmpty();
    send(request("/v1/echo/by-name/a/").GET());
    assertThat(lastRequest.get().path()).isEqualTo("/");
  }

  @Test
  void errorsAreJsonWithTheRightStatus() throws Exception {
    assertError(send(request("/v1/nope/by-name/a/x").GET()), 404, "unknown_namespace");
    assertError(send(request("/v1/echo/by-name/a/throw").GET()), 500, "object_error");
    HttpResponse<String> unavailable = send(request("/v1/echo/by-name/a/unavailable").GET());
    assertError(unavailable, 503, "unavailable");
    assertThat(unavailable.headers().firstValue("Retry-After")).contains("1");
    assertError(send(request("/v1/echo/by-name/a/slow").GET()), 504, "object_timeout");
    assertError(send(request("/nothing/here").GET()), 404, "not_found");
  }

  @Test
  void bodiesAboveTheLimitAre413() throws Exception {
    HttpResponse<String> response =
        send(
            request("/v1/echo/by-name/a/x")
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(2048))));
    assertError(response, 413, "payload_too_large");

    // Without a Content-Length (chunked), the limit applies while the body is read.
    HttpResponse<String> chunked =
        send(
            request("/v1/echo/by-name/a/x")
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(new byte[4096]))));
    assertError(chunked, 413, "payload_too_large");
  }

  private static void assertError(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(response.body()).contains("\"error\":\"" + code + "\"").contains("\"message\":");
    assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }
}

package io.durableobjects.gateway;

import io.durableobjects.core.internal.ObjectIdFactory;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.DurableObjectNamespace;
import io.durableobjects.core.DurableObjectStub;
import io.durableobjects.core.InvalidObjectIdException;
import io.durableobjects.core.ObjectFailedException;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.core.UnknownNamespaceException;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * {@code POST /v1/{ns}/rpc/by-name|by-id/{address}/{method}} over real HTTP, in front of an in-test
 * namespace whose stubs answer RPC calls from a script: the HTTP side of RPC (status, content type,
 * error mapping, idempotency key), without a cluster.
 */
class RpcRoutesTest {
  private static final String HEX = "ab".repeat(32);
  private static ActorTestKit testKit;
  private static ServerBinding binding;
  private static final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** What the last call carried: the object, the method, the arguments and the key. */
  private record Call(DurableObjectId id, String method, String arguments, String key) {}

  private static final AtomicReference<Call> lastCall = new AtomicReference<>();
  private static final AtomicReference<Request> lastFetch = new AtomicReference<>();

  private static final class ScriptedNamespace implements DurableObjectNamespace {
    @Override
    public String name() {
      return "calc";
    }

    @Override
    public DurableObjectId idFromName(String name) {
      return ObjectIdFactory.create("calc", "id-of-" + name, name);
    }

    @Override
    public DurableObjectId newUniqueId() {
      throw new UnsupportedOperationException("not used by these routes");
    }

    @Override
    public DurableObjectId idFromString(String hex) {
      if (!hex.equals(HEX)) {
        throw new InvalidObjectIdException("'" + hex + "' is not an object ID of namespace 'calc'");
      }
      return ObjectIdFactory.create("calc", hex, null);
    }

    @Override
    public DurableObjectStub get(DurableObjectId id) {
      return stub(id, null);
    }

    private DurableObjectStub stub(DurableObjectId id, String key) {
      return new DurableObjectStub() {
        @Override
        public DurableObjectId id() {
          return id;
        }

        @Override
        public DurableObjectStub withIdempotencyKey(String newKey) {
          if (newKey.contains(" ")) {
            throw new IllegalArgumentException("an Idempotency-Key is visible ASCII");
          }
          return stub(id, newKey);
        }

        @Override
        public <T> T rpc(Class<T> rpcInterface) {
          throw new UnsupportedOperationException("not used by these routes");
        }

        @Override
        public CompletionStage<Response> fetch(Request request) {
          lastFetch.set(request);
          return CompletableFuture.completedFuture(Response.text("fetched"));
        }

        @Override
        public CompletionStage<String> rpcJson(String method, String arguments) {
          lastCall.set(new Call(id, method, arguments, key));
          return switch (method) {
            case "reset" -> CompletableFuture.completedFuture("null");
            case "refuse" ->
                CompletableFuture.failedFuture(
                    new DurableObjectException(409, "conflict", "the total is frozen"));
            case "crash" ->
                CompletableFuture.failedFuture(
                    new ObjectFailedException("NullPointerException at Calc.java:12"));
            case "withdraw" ->
                CompletableFuture.failedFuture(
                    new DurableObjectException(
                        404,
                        "unknown_method",
                        "Calc has no RPC method 'withdraw'; its RPC methods are: add(long)"));
            default -> CompletableFuture.completedFuture("{\"sum\":42}");
          };
        }
      };
    }
  }

  @BeforeAll
  static void bind() throws Exception {
    testKit =
        ActorTestKit.create("RpcRoutesTest", ConfigFactory.parseString("pekko.loglevel = ERROR"));
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
            new AuthSettings(false, List.of(), Optional.empty()),
            Map.of());
    ScriptedNamespace calc = new ScriptedNamespace();
    InFlightLimits limits = new InFlightLimits(100, 100);
    ObjectRoutes objects =
        new ObjectRoutes(
            name -> {
              if (!name.equals("calc")) {
                throw new UnknownNamespaceException(name, List.of("calc"));
              }
              return calc;
            },
            settings,
            new BearerAuth(settings.auth()),
            limits,
            new GatewayMetrics(new SimpleMeterRegistry(), limits),
            new DrainDeadline());
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

  @Test
  void callsTheMethodWithTheBodyAndAnswersItsJsonResult() throws Exception {
    HttpResponse<String> response = post("/v1/calc/rpc/by-name/main%201/add", "[40, 2]");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(response.body()).isEqualTo("{\"sum\":42}");
    assertThat(response.headers().firstValue("X-Request-Id")).isPresent();
    Call call = lastCall.get();
    assertThat(call.id().name()).contains("main 1");
    assertThat(call.method()).isEqualTo("add");
    assertThat(call.arguments()).isEqualTo("[40, 2]");
    assertThat(call.key()).isNull();

    HttpResponse<String> byId = post("/v1/calc/rpc/by-id/" + HEX + "/reset", "[]");
    assertThat(byId.statusCode()).isEqualTo(200);
    assertThat(byId.body()).isEqualTo("null");
    assertThat(lastCall.get().id().toString()).isEqualTo(HEX);
  }

  @Test
  void anIdempotencyKeyTravelsWithTheCall() throws Exception {
    HttpResponse<String> response =
        send(
            request("/v1/calc/rpc/by-name/a/add")
                .header("Idempotency-Key", "order-7")
                .POST(HttpRequest.BodyPublishers.ofString("[1]")));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(lastCall.get().key()).isEqualTo("order-7");
    assertError(
        send(
            request("/v1/calc/rpc/by-name/a/add")
                .header("Idempotency-Key", "has space")
                .POST(HttpRequest.BodyPublishers.ofString("[1]"))),
        400,
        "invalid_idempotency_key");
  }

  @Test
  void theObjectsRefusalsKeepTheirStatusAndItsFailuresAreNotShown() throws Exception {
    HttpResponse<String> unknown = post("/v1/calc/rpc/by-name/a/withdraw", "[]");
    assertError(unknown, 404, "unknown_method");
    assertThat(unknown.body()).contains("its RPC methods are: add(long)");
    assertError(post("/v1/calc/rpc/by-name/a/refuse", "[]"), 409, "conflict");
    HttpResponse<String> crash = post("/v1/calc/rpc/by-name/a/crash", "[]");
    assertError(crash, 500, "object_error");
    assertThat(crash.body()).doesNotContain("NullPointerException").contains("request ID");
  }

  @Test
  void refusesWhatNeverReachesAnObject() throws Exception {
    assertError(post("/v1/nope/rpc/by-name/a/add", "[]"), 404, "unknown_namespace");
    assertError(post("/v1/calc/rpc/by-id/42/add", "[]"), 400, "invalid_id");
    assertError(post("/v1/calc/rpc/by-name/a", "[]"), 404, "not_found");
    assertError(post("/v1/calc/rpc/by-name/a/add/more", "[]"), 404, "not_found");
    assertError(
        post("/v1/calc/rpc/by-name/a/add", "[\"" + "x".repeat(2000) + "\"]"),
        413,
        "payload_too_large");
    HttpResponse<String> get = send(request("/v1/calc/rpc/by-name/a/add").GET());
    assertError(get, 405, "method_not_allowed");
    assertThat(get.headers().firstValue("Allow")).contains("POST");
  }

  @Test
  void theObjectsOwnPathsStayTheObjects() throws Exception {
    HttpResponse<String> response = post("/v1/calc/by-name/a/rpc/by-name/b/add", "[1]");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("fetched");
    assertThat(lastFetch.get().path()).isEqualTo("/rpc/by-name/b/add");
  }

  private static void assertError(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(response.body()).contains("\"error\":\"" + code + "\"");
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return send(request(path).POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static HttpResponse<String> send(HttpRequest.Builder builder) throws Exception {
    return client.send(
        builder.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path));
  }
}

package io.durableobjects.gateway;

import static io.durableobjects.gateway.GatewayTestSupport.get;
import static io.durableobjects.gateway.GatewayTestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.ObjectFailedException;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.gateway.ScriptedGateway.RpcCall;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/{ns}/rpc/by-name|by-id/{address}/{method}} over real HTTP, in front of a scripted
 * namespace ({@link ScriptedGateway}) whose objects answer RPC calls from a script: the HTTP side
 * of RPC (status, content type, error mapping, idempotency key), without a cluster.
 */
class RpcRoutesTest {
  private static final String HEX = "ab".repeat(32);
  private static ScriptedGateway gateway;
  private static String base;

  private static final AtomicReference<RpcCall> lastCall = new AtomicReference<>();
  private static final AtomicReference<Request> lastFetch = new AtomicReference<>();

  @BeforeAll
  static void start() {
    gateway =
        ScriptedGateway.start(
            ConfigFactory.parseString(
                """
                pekko.loglevel = ERROR
                durable-objects.http.max-body-size = 1024
                durable-objects.http.entity-timeout = 5s
                """),
            Map.of("calc", RpcRoutesTest::fetch),
            Map.of("calc", RpcRoutesTest::call));
    base = gateway.baseUrl();
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  /** Namespace {@code calc}, fetched: answers "fetched". */
  private static CompletionStage<Response> fetch(DurableObjectId id, Request request) {
    lastFetch.set(request);
    return CompletableFuture.completedFuture(Response.text("fetched"));
  }

  /** Namespace {@code calc}, called: each method answers or fails as the runtime would. */
  private static CompletionStage<String> call(RpcCall call) {
    lastCall.set(call);
    return switch (call.method()) {
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

  @Test
  void callsTheMethodWithTheBodyAndAnswersItsJsonResult() throws Exception {
    HttpResponse<String> response = post(base, "/v1/calc/rpc/by-name/main%201/add", "[40, 2]");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(response.body()).isEqualTo("{\"sum\":42}");
    assertThat(response.headers().firstValue("X-Request-Id")).isPresent();
    RpcCall call = lastCall.get();
    assertThat(call.id().name()).contains("main 1");
    assertThat(call.method()).isEqualTo("add");
    assertThat(call.jsonArguments()).isEqualTo("[40, 2]");
    assertThat(call.idempotencyKey()).isEmpty();

    HttpResponse<String> byId = post(base, "/v1/calc/rpc/by-id/" + HEX + "/reset", "[]");
    assertThat(byId.statusCode()).isEqualTo(200);
    assertThat(byId.body()).isEqualTo("null");
    assertThat(lastCall.get().id().toString()).isEqualTo(HEX);
  }

  @Test
  void anIdempotencyKeyTravelsWithTheCall() throws Exception {
    HttpResponse<String> response =
        post(base, "/v1/calc/rpc/by-name/a/add", "[1]", "Idempotency-Key", "order-7");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(lastCall.get().idempotencyKey()).contains("order-7");
    assertError(
        post(base, "/v1/calc/rpc/by-name/a/add", "[1]", "Idempotency-Key", "has space"),
        400,
        "invalid_idempotency_key");
  }

  @Test
  void theObjectsRefusalsKeepTheirStatusAndItsFailuresAreNotShown() throws Exception {
    HttpResponse<String> unknown = post(base, "/v1/calc/rpc/by-name/a/withdraw", "[]");
    assertError(unknown, 404, "unknown_method");
    assertThat(unknown.body()).contains("its RPC methods are: add(long)");
    assertError(post(base, "/v1/calc/rpc/by-name/a/refuse", "[]"), 409, "conflict");
    HttpResponse<String> crash = post(base, "/v1/calc/rpc/by-name/a/crash", "[]");
    assertError(crash, 500, "object_error");
    assertThat(crash.body()).doesNotContain("NullPointerException").contains("request ID");
  }

  @Test
  void refusesWhatNeverReachesAnObject() throws Exception {
    assertError(post(base, "/v1/nope/rpc/by-name/a/add", "[]"), 404, "unknown_namespace");
    assertError(post(base, "/v1/calc/rpc/by-id/42/add", "[]"), 400, "invalid_id");
    assertError(post(base, "/v1/calc/rpc/by-name/a", "[]"), 404, "not_found");
    assertError(post(base, "/v1/calc/rpc/by-name/a/add/more", "[]"), 404, "not_found");
    assertError(
        post(base, "/v1/calc/rpc/by-name/a/add", "[\"" + "x".repeat(2000) + "\"]"),
        413,
        "payload_too_large");
    HttpResponse<String> get = get(base, "/v1/calc/rpc/by-name/a/add");
    assertError(get, 405, "method_not_allowed");
    assertThat(get.headers().firstValue("Allow")).contains("POST");
  }

  @Test
  void theObjectsOwnPathsStayTheObjects() throws Exception {
    HttpResponse<String> response = post(base, "/v1/calc/by-name/a/rpc/by-name/b/add", "[1]");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("fetched");
    assertThat(lastFetch.get().path()).isEqualTo("/rpc/by-name/b/add");
  }

  /**
   * The documented error shape ({@link GatewayTestSupport#assertError}), with a Content-Type of
   * exactly {@code application/json}.
   */
  private static void assertError(HttpResponse<String> response, int status, String code)
      throws Exception {
    GatewayTestSupport.assertError(response, status, code);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
  }
}

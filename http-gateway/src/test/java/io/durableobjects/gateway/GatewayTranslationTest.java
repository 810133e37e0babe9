package io.durableobjects.gateway;

import static io.durableobjects.gateway.GatewayTestSupport.GENERATED_REQUEST_ID;
import static io.durableobjects.gateway.GatewayTestSupport.assertError;
import static io.durableobjects.gateway.GatewayTestSupport.assertRawError;
import static io.durableobjects.gateway.GatewayTestSupport.assertRequestId;
import static io.durableobjects.gateway.GatewayTestSupport.assertRetryAfter;
import static io.durableobjects.gateway.GatewayTestSupport.describe;
import static io.durableobjects.gateway.GatewayTestSupport.get;
import static io.durableobjects.gateway.GatewayTestSupport.json;
import static io.durableobjects.gateway.GatewayTestSupport.post;
import static io.durableobjects.gateway.GatewayTestSupport.quietGet;
import static io.durableobjects.gateway.GatewayTestSupport.raw;
import static io.durableobjects.gateway.GatewayTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.ObjectFailedException;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.gateway.GatewayTestSupport.RawResponse;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The gateway's translation between HTTP and objects (/tmp/spec/api.md): what reaches an object,
 * what comes back, and every status the gateway itself answers (malformed input, unknown routes,
 * body limits, in-flight limits, request IDs, the error shape), against scripted namespaces ({@link
 * ScriptedGateway}) instead of a cluster. What needs real objects (state, storage limits, ID rules,
 * idempotency, timeouts, broken activations, the admin API's data, shutdown) is in {@link
 * GatewayStatusTest}.
 */
@Timeout(30)
class GatewayTranslationTest {
  private static final int MIB = 1024 * 1024;
  private static final String ADMIN =
      "Bearer " + io.durableobjects.gateway.testing.GatewayNode.ADMIN_TOKEN;

  private static ScriptedGateway gateway;
  private static ScriptedGateway limited;
  private static String base;
  private static String limitedBase;

  /** Requests the {@code held} objects have not answered yet, in arrival order. */
  private static final BlockingQueue<Held> held = new LinkedBlockingQueue<>();

  /** How many requests each object name (or ID) has been sent. */
  private static final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

  /** A request an object holds until the test answers it. */
  private record Held(DurableObjectId id, CompletableFuture<Response> answer) {}

  @BeforeAll
  static void start() {
    Map<String, ScriptedGateway.Script> scripts =
        Map.of(
            "test", GatewayTranslationTest::testObject,
            "other", ScriptedGateway::echo,
            "shaped", GatewayTranslationTest::shaped);
    gateway = ScriptedGateway.start(ConfigFactory.empty(), scripts);
    limited =
        ScriptedGateway.start(
            ConfigFactory.parseString(
                """
                durable-objects.http.max-in-flight = 2
                durable-objects.http.max-in-flight-per-object = 1
                """),
            scripts);
    base = gateway.baseUrl();
    limitedBase = limited.baseUrl();
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (limited != null) {
      limited.close();
    }
  }

  @BeforeEach
  void forgetHeldRequests() {
    held.forEach(h -> h.answer().complete(Response.text("released")));
    held.clear();
  }

  /**
   * Namespace {@code test}: {@code /hold} waits for the test, {@code /throw} fails like an object
   * whose code threw, {@code /fail?status=&code=} fails with that error; anything else echoes.
   */
  private static CompletionStage<Response> testObject(DurableObjectId id, Request request) {
    calls
        .computeIfAbsent(id.name().orElse(id.toString()), k -> new AtomicInteger())
        .incrementAndGet();
    switch (request.path()) {
      case "/hold":
        CompletableFuture<Response> answer = new CompletableFuture<>();
        held.add(new Held(id, answer));
        return answer;
      case "/throw":
        return CompletableFuture.failedFuture(
            new ObjectFailedException("java.lang.IllegalStateException: secret detail at io.x.Y"));
      case "/fail":
        return CompletableFuture.failedFuture(
            new DurableObjectException(
                Integer.parseInt(request.queryParam("status").orElseThrow()),
                request.queryParam("code").orElseThrow(),
                "failed as scripted"));
      default:
        return ScriptedGateway.echo(id, request);
    }
  }

  /** Namespace {@code shaped}: the status the query asks for, with headers and a text body. */
  private static CompletionStage<Response> shaped(DurableObjectId id, Request request) {
    if (Integer.parseInt(request.queryParam("status").orElse("200")) == 204) {
      return CompletableFuture.completedFuture(Response.status(204));
    }
    return CompletableFuture.completedFuture(GatewayTestSupport.shaped(request));
  }

  private static Held nextHeld() throws InterruptedException {
    Held next = held.poll(10, TimeUnit.SECONDS);
    assertThat(next).as("a held request reached its object").isNotNull();
    return next;
  }

  private static int callsTo(String name) {
    return calls.getOrDefault(name, new AtomicInteger()).get();
  }

  // ---------------------------------------------------------------------------------------------
  // What reaches the object, what comes back.

  @Test
  void byNameForwardsMethodPathRawQueryHeadersAndBodyToTheObject() throws Exception {
    byte[] body = new byte[256];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) i;
    }
    HttpResponse<String> r =
        send(
            base,
            "PATCH",
            "/v1/test/by-name/echo-1/some/deep/path?b=%20x&a=1&a=2&empty=",
            body,
            "X-Custom",
            "custom value",
            "Content-Type",
            "application/x-test",
            "Authorization",
            "Bearer passed-through-when-auth-is-off");
    assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
    JsonNode echo = json(r);
    assertThat(echo.path("name").asText()).isEqualTo("echo-1");
    assertThat(echo.path("method").asText()).isEqualTo("PATCH");
    assertThat(echo.path("path").asText()).isEqualTo("/some/deep/path");
    assertThat(echo.path("query").asText()).isEqualTo("b=%20x&a=1&a=2&empty=");
    assertThat(echo.path("headers").path("x-custom").asText()).isEqualTo("custom value");
    assertThat(echo.path("headers").path("content-type").asText()).startsWith("application/x-test");
    // auth is off on this gateway (loopback, auto): Authorization is the object's business.
    assertThat(echo.path("headers").path("authorization").asText())
        .isEqualTo("Bearer passed-through-when-auth-is-off");
    assertThat(Base64.getDecoder().decode(echo.path("body").asText())).isEqualTo(body);
    assertRequestId(r);
  }

  @Test
  void byIdForwardsToTheObjectWithThatIdAndNoName() throws Exception {
    String id = "0123456789abcdef".repeat(4);
    HttpResponse<String> r = get(base, "/v1/test/by-id/" + id + "/any/path?q=1");
    assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
    assertThat(json(r).path("id").asText()).isEqualTo(id);
    assertThat(json(r).path("name").isNull()).as(r.body()).isTrue();
    assertThat(json(r).path("path").asText()).isEqualTo("/any/path");
    assertThat(json(r).path("query").asText()).isEqualTo("q=1");
  }

  @Test
  void newIdsAreJsonWithTheNamespace() throws Exception {
    HttpResponse<String> r = post(base, "/v1/test/ids", "");
    assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
    assertRequestId(r);
    assertThat(json(r).path("id").asText()).matches(GatewayTestSupport.HEX_ID);
    assertThat(json(r).path("namespace").asText()).isEqualTo("test");
  }

  @Test
  void theObjectPathIsSlashWhenTheUrlEndsAtTheObject() throws Exception {
    for (String url : List.of("/v1/test/by-name/echo-2", "/v1/test/by-name/echo-2/")) {
      HttpResponse<String> r = get(base, url);
      assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
      assertThat(json(r).path("path").asText()).as(url).isEqualTo("/");
      assertThat(json(r).path("query").isNull()).as(url + " has no query").isTrue();
    }
    HttpResponse<String> r = get(base, "/v1/test/by-name/echo-2?x=1");
    assertThat(json(r).path("path").asText()).isEqualTo("/");
    assertThat(json(r).path("query").asText()).isEqualTo("x=1");
  }

  @Test
  void everyHttpMethodReachesTheObject() throws Exception {
    for (String method : List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")) {
      HttpResponse<String> r =
          send(base, method, "/v1/test/by-name/echo-3/m", method.equals("GET") ? null : "x");
      assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
      assertThat(json(r).path("method").asText()).isEqualTo(method);
    }
    HttpResponse<String> head = send(base, "HEAD", "/v1/test/by-name/echo-3/m", (byte[]) null);
    assertThat(head.statusCode()).as(describe(head)).isEqualTo(200);
  }

  @Test
  void hopByHopHeadersDoNotReachTheObject() throws Exception {
    RawResponse r =
        raw(
            gateway.port(),
            "GET /v1/test/by-name/echo-4/hop HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n"
                + "Connection: keep-alive, X-Hop\r\n"
                + "Keep-Alive: timeout=5\r\n"
                + "X-Hop: hop-value\r\n"
                + "TE: trailers\r\n"
                + "Proxy-Connection: keep-alive\r\n"
                + "X-Keep: end-to-end\r\n"
                + "\r\n");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode headers = GatewayTestSupport.JSON.readTree(r.body()).path("headers");
    assertThat(headers.path("x-keep").asText()).isEqualTo("end-to-end");
    for (String hop : List.of("connection", "keep-alive", "te", "proxy-connection", "x-hop")) {
      assertThat(headers.has(hop)).as(hop + " reached the object: " + headers).isFalse();
    }
  }

  @Test
  void theObjectsStatusHeadersAndBodyComeBack() throws Exception {
    HttpResponse<String> r = get(base, "/v1/shaped/by-name/s/hello?status=418");
    assertThat(r.statusCode()).as(describe(r)).isEqualTo(418);
    assertThat(r.headers().firstValue("X-Object")).hasValue("shaped");
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct.toLowerCase(Locale.ROOT)).startsWith("text/plain"));
    assertThat(r.body()).isEqualTo("shaped GET /hello");
    assertThat(r.headers().allValues("Set-Cookie")).containsExactly("a=1", "b=2");
    assertRequestId(r);

    HttpResponse<String> created = post(base, "/v1/shaped/by-name/s/new?status=201", "");
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.body()).isEqualTo("shaped POST /new");

    // An object's own 4xx/5xx passes through untouched: it is not a gateway error.
    HttpResponse<String> own = get(base, "/v1/shaped/by-name/s/x?status=503");
    assertThat(own.statusCode()).isEqualTo(503);
    assertThat(own.body()).isEqualTo("shaped GET /x");

    HttpResponse<String> noContent = send(base, "PUT", "/v1/shaped/by-name/s/kv?status=204", "v");
    assertThat(noContent.statusCode()).as(describe(noContent)).isEqualTo(204);
    assertThat(noContent.body()).isEmpty();
  }

  @Test
  void headReachesTheObjectAsHead() throws Exception {
    HttpResponse<String> r = send(base, "HEAD", "/v1/shaped/by-name/s/h", (byte[]) null);
    assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
    assertThat(r.headers().firstValue("X-Method")).as("the method the object saw").hasValue("HEAD");
    assertThat(r.body()).isEmpty();
  }

  @Test
  void theNameIsOnePercentDecodedSegment() throws Exception {
    HttpResponse<String> r = get(base, "/v1/test/by-name/hello%20world%2Fx/increment");
    assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
    assertThat(json(r).path("name").asText()).isEqualTo("hello world/x");
    assertThat(json(r).path("path").asText()).isEqualTo("/increment");
  }

  @Test
  void aNameOf1024CharactersIsAcceptedCountedAfterDecoding() throws Exception {
    HttpResponse<String> plain = get(base, "/v1/test/by-name/" + "n".repeat(1024) + "/count");
    assertThat(plain.statusCode()).as(describe(plain)).isEqualTo(200);
    // 1020 + 4 decoded spaces = 1024 characters (1032 in the URL).
    HttpResponse<String> encoded =
        get(base, "/v1/test/by-name/" + "e".repeat(1020) + "%20".repeat(4) + "/count");
    assertThat(encoded.statusCode()).as(describe(encoded)).isEqualTo(200);
    assertThat(json(encoded).path("name").asText()).isEqualTo("e".repeat(1020) + "    ");
  }

  @Test
  void aNameOf1024NonAsciiCharactersIsAddressable() throws Exception {
    // 1024 characters as the spec counts them, 6144 once percent-encoded in the URL.
    String name = "\u00e9".repeat(1024);
    String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8);
    HttpResponse<String> r = post(base, "/v1/test/by-name/" + encoded + "/increment", "");
    assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
    assertThat(json(r).path("name").asText()).isEqualTo(name);
  }

  @Test
  void oddButWellFormedNamesNeverFailTheNode() throws Exception {
    // ".." and "." are dot segments (RFC 3986 5.2.4): resolving them away (then 404) is fine.
    for (String segment :
        List.of("%FF", "%C3", "%00", "%0A", "..", ".", "%2E%2E", "a%3Bb", "%25")) {
      RawResponse r =
          raw(
              gateway.port(),
              "GET /v1/test/by-name/" + segment + "/count HTTP/1.1\r\nHost: localhost\r\n\r\n");
      assertThat(r.status()).as(segment + ": " + r).isIn(200, 400, 404);
      if (r.status() == 400) {
        assertRawError(r, 400, "invalid_name", "bad_request");
      } else if (r.status() == 404) {
        assertRawError(r, 404, "not_found");
      }
    }
    assertThat(get(base, "/health/alive").statusCode()).isEqualTo(200);
  }

  @Test
  void anUnknownMethodReachesTheObjectOrIsAJsonError() throws Exception {
    RawResponse r =
        raw(gateway.port(), "PURGE /v1/test/by-name/m/x HTTP/1.1\r\nHost: localhost\r\n\r\n");
    if (r.status() == 200) {
      assertThat(GatewayTestSupport.JSON.readTree(r.body()).path("method").asText())
          .isEqualTo("PURGE");
    } else {
      assertRawError(r, r.status(), "method_not_allowed", "bad_request", "not_implemented");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // X-Request-Id.

  @Test
  void aValidClientRequestIdIsEchoedAndSeenByTheObject() throws Exception {
    String id = "Client.req_01:abc-9";
    HttpResponse<String> r = get(base, "/v1/test/by-name/rid/x", "X-Request-Id", id);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("X-Request-Id")).hasValue(id);
    assertThat(json(r).path("headers").path("x-request-id").asText()).isEqualTo(id);

    String longest = "a".repeat(128);
    HttpResponse<String> r2 = get(base, "/v1/test/by-name/rid/x", "X-Request-Id", longest);
    assertThat(r2.headers().firstValue("X-Request-Id")).hasValue(longest);
  }

  @Test
  void withoutARequestIdOneIsGeneratedAndTheObjectSeesTheSameOne() throws Exception {
    HttpResponse<String> r = get(base, "/v1/test/by-name/rid/x");
    String generated = r.headers().firstValue("X-Request-Id").orElseThrow();
    assertThat(generated).matches(GENERATED_REQUEST_ID);
    assertThat(json(r).path("headers").path("x-request-id").asText()).isEqualTo(generated);
    String other =
        get(base, "/v1/test/by-name/rid/x").headers().firstValue("X-Request-Id").orElseThrow();
    assertThat(other).matches(GENERATED_REQUEST_ID).isNotEqualTo(generated);
  }

  @Test
  void anInvalidClientRequestIdIsReplacedByAGeneratedOne() throws Exception {
    for (String invalid :
        List.of(
            "has space", "a".repeat(129), "slash/inside", "semi;colon", "quote\"d", "{braces}")) {
      HttpResponse<String> r = get(base, "/v1/test/by-name/rid/x", "X-Request-Id", invalid);
      assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
      String answered = r.headers().firstValue("X-Request-Id").orElseThrow();
      assertThat(answered).as("for '" + invalid + "'").matches(GENERATED_REQUEST_ID);
      assertThat(json(r).path("headers").path("x-request-id").asText())
          .as("what the object sees for '" + invalid + "'")
          .isEqualTo(answered);
    }
  }

  @Test
  void errorsEchoAValidClientRequestId() throws Exception {
    HttpResponse<String> r = get(base, "/v1/nope/by-name/x/y", "X-Request-Id", "trace-42");
    assertError(r, 404, "unknown_namespace");
    assertThat(r.headers().firstValue("X-Request-Id")).hasValue("trace-42");
    HttpResponse<String> r2 = get(base, "/no/such/route", "X-Request-Id", "trace-43");
    assertError(r2, 404, "not_found");
    assertThat(r2.headers().firstValue("X-Request-Id")).hasValue("trace-43");
  }

  // ---------------------------------------------------------------------------------------------
  // The object's failures.

  @Test
  void anObjectsFailureIsItsStatusAndCodeWithoutTheOperatorsDetail() throws Exception {
    HttpResponse<String> threw = post(base, "/v1/test/by-name/thrower/throw", "");
    JsonNode body = assertError(threw, 500, "object_error");
    assertThat(body.path("message").asText())
        .as("the exception's text is for the operator's log")
        .doesNotContain("secret detail")
        .contains(threw.headers().firstValue("X-Request-Id").orElseThrow());

    HttpResponse<String> timeout =
        get(base, "/v1/test/by-name/f/fail?status=504&code=object_timeout");
    assertError(timeout, 504, "object_timeout");
    HttpResponse<String> unavailable =
        get(base, "/v1/test/by-name/f/fail?status=503&code=unavailable");
    assertError(unavailable, 503, "unavailable");
    assertRetryAfter(unavailable);
    HttpResponse<String> tooLarge =
        get(base, "/v1/test/by-name/f/fail?status=413&code=storage_limit_exceeded");
    assertError(tooLarge, 413, "storage_limit_exceeded");
    assertThat(tooLarge.body()).contains("failed as scripted");

    // The idempotency refusals keep their status and code, with the object runtime's message.
    assertError(
        get(base, "/v1/test/by-name/f/fail?status=409&code=idempotency_response_not_kept"),
        409,
        "idempotency_response_not_kept");
    assertError(
        get(base, "/v1/test/by-name/f/fail?status=422&code=idempotency_key_reused"),
        422,
        "idempotency_key_reused");
    HttpResponse<String> full =
        get(base, "/v1/test/by-name/f/fail?status=429&code=idempotency_records_full");
    assertError(full, 429, "idempotency_records_full");
    assertThat(full.body()).contains("failed as scripted");
  }

  // ---------------------------------------------------------------------------------------------
  // 400, 404, 405.

  @Test
  void anIdThatIsNotAnIdOfTheNamespaceIs400InvalidId() throws Exception {
    assertError(get(base, "/v1/test/by-id/abc/count"), 400, "invalid_id");
    assertError(get(base, "/v1/test/by-id/" + "Z".repeat(64) + "/x"), 400, "invalid_id");
  }

  @Test
  void anEmptyNameIsInvalid() throws Exception {
    assertError(get(base, "/v1/test/by-name//count"), 400, "invalid_name");
    assertError(get(base, "/v1/test/by-name/"), 400, "invalid_name");
  }

  @Test
  void aNameLongerThan1024IsInvalid() throws Exception {
    assertError(get(base, "/v1/test/by-name/" + "n".repeat(1025) + "/count"), 400, "invalid_name");
    assertError(
        get(base, "/v1/test/by-name/" + "e".repeat(1021) + "%20".repeat(4) + "/count"),
        400,
        "invalid_name");
  }

  @Test
  void aMalformedPercentEncodingInThePathIs400() throws Exception {
    RawResponse r =
        raw(
            gateway.port(),
            "GET /v1/test/by-name/bad%zzname/count HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assertRawError(r, 400, "bad_request", "invalid_name");
  }

  @Test
  void aMalformedHeaderIs400() throws Exception {
    RawResponse r =
        raw(
            gateway.port(),
            "POST /v1/test/by-name/h/x HTTP/1.1\r\nHost: localhost\r\nContent-Length: abc\r\n\r\n");
    assertRawError(r, 400, "bad_request", "invalid_header");
  }

  @Test
  void anOversizedHeaderIsAJsonError() throws Exception {
    RawResponse r =
        raw(
            gateway.port(),
            "GET /v1/test/by-name/h/x HTTP/1.1\r\nHost: localhost\r\nX-Big: "
                + "b".repeat(20_000)
                + "\r\n\r\n");
    // 431 is not in the contract's table, but it is the precise status; the shape must hold.
    assertThat(r.status()).as(r.toString()).isIn(400, 431);
    assertRawError(r, r.status(), "bad_request", "invalid_header", "headers_too_large");
  }

  @Test
  void conflictingBodyFramingIsAJsonError() throws Exception {
    RawResponse both =
        raw(
            gateway.port(),
            "POST /v1/test/by-name/frame/increment HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    if (both.status() != 200) {
      assertRawError(both, 400, "bad_request", "invalid_header");
    }
    RawResponse twoLengths =
        raw(
            gateway.port(),
            "POST /v1/test/by-name/frame/increment HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1\r\n"
                + "Content-Length: 2\r\n\r\nxx");
    assertRawError(twoLengths, 400, "bad_request", "invalid_header");
    assertThat(get(base, "/health/alive").statusCode()).isEqualTo(200);
  }

  @Test
  void anUnknownNamespaceIs404UnknownNamespace() throws Exception {
    String id = "0123456789abcdef".repeat(4);
    assertError(get(base, "/v1/nope/by-name/x/count"), 404, "unknown_namespace");
    assertError(get(base, "/v1/nope/by-id/" + id + "/count"), 404, "unknown_namespace");
    assertError(post(base, "/v1/nope/ids", ""), 404, "unknown_namespace");
    assertError(
        get(base, "/admin/v1/nope/objects", "Authorization", ADMIN), 404, "unknown_namespace");
    assertError(
        get(base, "/admin/v1/nope/objects/" + id, "Authorization", ADMIN),
        404,
        "unknown_namespace");
  }

  @Test
  void anUnknownRouteIs404NotFound() throws Exception {
    for (String path :
        List.of(
            "/",
            "/nope",
            "/v1",
            "/v1/test",
            "/v1/test/by-nothing/x",
            "/v2/test/by-name/x",
            "/health",
            "/health/alive/more",
            "/metrics/x")) {
      assertError(get(base, path), 404, "not_found");
    }
    // Under /admin the token is checked first (an anonymous caller learns nothing about routes).
    for (String path :
        List.of(
            "/admin/v1/test/nothing",
            "/admin/v1",
            "/admin/v2/namespaces",
            "/admin/v1/test/objects/" + "0123456789abcdef".repeat(4) + "/more")) {
      assertError(get(base, path, "Authorization", ADMIN), 404, "not_found");
    }
  }

  @Test
  void otherMethodsOnIdsAre405WithAllow() throws Exception {
    for (String method : List.of("GET", "PUT", "DELETE")) {
      HttpResponse<String> r = send(base, method, "/v1/test/ids", (byte[]) null);
      assertError(r, 405, "method_not_allowed");
      assertThat(r.headers().firstValue("Allow")).as(describe(r)).hasValue("POST");
    }
  }

  @Test
  void wrongMethodsOnAdminAndHealthAre405WithAllow() throws Exception {
    HttpResponse<String> r = send(base, "POST", "/health/alive", "");
    assertError(r, 405, "method_not_allowed");
    assertThat(r.headers().firstValue("Allow"))
        .as(describe(r))
        .hasValueSatisfying(allow -> assertThat(allow).contains("GET"));

    HttpResponse<String> ns =
        send(base, "DELETE", "/admin/v1/namespaces", (byte[]) null, "Authorization", ADMIN);
    assertError(ns, 405, "method_not_allowed");
    assertThat(ns.headers().firstValue("Allow"))
        .as(describe(ns))
        .hasValueSatisfying(allow -> assertThat(allow).contains("GET"));

    HttpResponse<String> obj =
        send(
            base,
            "PUT",
            "/admin/v1/test/objects/" + "0123456789abcdef".repeat(4),
            "",
            "Authorization",
            ADMIN);
    assertError(obj, 405, "method_not_allowed");
    assertThat(obj.headers().firstValue("Allow"))
        .as(describe(obj))
        .hasValueSatisfying(allow -> assertThat(allow).contains("GET").contains("DELETE"));
  }

  // ---------------------------------------------------------------------------------------------
  // 413.

  @Test
  void aBodyOfExactly1MiBIsAccepted() throws Exception {
    byte[] body = new byte[MIB];
    body[MIB - 1] = 7;
    HttpResponse<String> r = send(base, "POST", "/v1/test/by-name/big/echo", body);
    assertThat(r.statusCode())
        .as(r.statusCode() + " " + r.body().substring(0, Math.min(300, r.body().length())))
        .isEqualTo(200);
    assertThat(Base64.getDecoder().decode(json(r).path("body").asText())).isEqualTo(body);
  }

  @Test
  void aBodyAbove1MiBWithContentLengthIs413() throws Exception {
    byte[] body = new byte[MIB + 1];
    RawResponse r =
        raw(
            gateway.port(),
            "POST /v1/test/by-name/big-1/echo HTTP/1.1\r\n"
                + "Host: localhost\r\n"
                + "Content-Type: application/octet-stream\r\n"
                + "Content-Length: "
                + body.length
                + "\r\n\r\n",
            body);
    assertRawError(r, 413, "payload_too_large");
    assertThat(callsTo("big-1")).as("the object never saw the request").isZero();
    assertThat(get(base, "/v1/test/by-name/big-1/count").statusCode()).isEqualTo(200);
  }

  @Test
  void aChunkedBodyAbove1MiBIs413() throws Exception {
    StringBuilder chunks = new StringBuilder();
    String chunk = "x".repeat(64 * 1024);
    for (int i = 0; i < 18; i++) { // 1.125 MiB
      chunks
          .append(Integer.toHexString(chunk.length()))
          .append("\r\n")
          .append(chunk)
          .append("\r\n");
    }
    chunks.append("0\r\n\r\n");
    RawResponse r =
        raw(
            gateway.port(),
            "POST /v1/test/by-name/big-2/echo HTTP/1.1\r\n"
                + "Host: localhost\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n",
            chunks.toString().getBytes(StandardCharsets.ISO_8859_1));
    assertRawError(r, 413, "payload_too_large");
    assertThat(callsTo("big-2")).as("the object never saw the request").isZero();
    assertThat(get(base, "/v1/test/by-name/big-2/count").statusCode()).isEqualTo(200);
  }

  @Test
  void aSmallChunkedBodyReachesTheObject() throws Exception {
    RawResponse r =
        raw(
            gateway.port(),
            "POST /v1/test/by-name/chunky/echo HTTP/1.1\r\n"
                + "Host: localhost\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n"
                + "5\r\n"
                + "hello\r\n"
                + "6\r\n"
                + " world\r\n"
                + "0\r\n\r\n");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode echo = GatewayTestSupport.JSON.readTree(r.body());
    assertThat(
            new String(
                Base64.getDecoder().decode(echo.path("body").asText()), StandardCharsets.UTF_8))
        .isEqualTo("hello world");
  }

  @Test
  void aBodyAbove1MiBAnnouncedWithExpectContinueIs413WithoutUploadingIt() throws Exception {
    // Raw: java.net.http.HttpClient (JDK 17) hangs past its timeout when a server answers an
    // Expect: 100-continue request with a final status instead of 100.
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()), 5000);
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("POST /v1/test/by-name/big/echo HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\n"
                      + "Content-Type: application/octet-stream\r\nContent-Length: "
                      + (2 * MIB)
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      RawResponse r = GatewayTestSupport.readResponse(socket.getInputStream());
      assertThat(r.status())
          .as("the final answer comes before any body, not 100 Continue: " + r)
          .isNotEqualTo(100);
      assertRawError(r, 413, "payload_too_large");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 429, 503 with tiny in-flight limits (2 per node, 1 per object).

  @Test
  void tooManyRequestsToOneObjectIs429AndOtherObjectsStillAnswer() throws Exception {
    CompletableFuture<HttpResponse<String>> first =
        CompletableFuture.supplyAsync(() -> quietGet(limitedBase, "/v1/test/by-name/busy-a/hold"));
    Held busy = nextHeld();

    long start = System.nanoTime();
    HttpResponse<String> r = get(limitedBase, "/v1/test/by-name/busy-a/count");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .as("refused at once, not queued")
        .isLessThan(1000L);
    assertError(r, 429, "too_many_requests");
    assertRetryAfter(r);

    HttpResponse<String> other = get(limitedBase, "/v1/test/by-name/busy-b/count");
    assertThat(other.statusCode()).as(describe(other)).isEqualTo(200);

    busy.answer().complete(Response.text("held"));
    HttpResponse<String> done = first.get(10, TimeUnit.SECONDS);
    assertThat(done.statusCode()).as(describe(done)).isEqualTo(200);
    assertThat(done.body()).isEqualTo("held");
    HttpResponse<String> again = get(limitedBase, "/v1/test/by-name/busy-a/count");
    assertThat(again.statusCode()).as(describe(again)).isEqualTo(200);
  }

  @Test
  void tooManyRequestsAtTheNodeIs503OverloadedWhileHealthStillAnswers() throws Exception {
    CompletableFuture<HttpResponse<String>> slow1 =
        CompletableFuture.supplyAsync(() -> quietGet(limitedBase, "/v1/test/by-name/full-1/hold"));
    CompletableFuture<HttpResponse<String>> slow2 =
        CompletableFuture.supplyAsync(() -> quietGet(limitedBase, "/v1/test/by-name/full-2/hold"));
    Held one = nextHeld();
    Held two = nextHeld();

    HttpResponse<String> r = get(limitedBase, "/v1/test/by-name/full-3/count");
    assertError(r, 503, "overloaded");
    assertRetryAfter(r);
    HttpResponse<String> refused = post(limitedBase, "/v1/test/by-name/full-4/increment", "");
    assertError(refused, 503, "overloaded");
    assertThat(callsTo("full-3") + callsTo("full-4"))
        .as("refused requests reach no object")
        .isZero();

    long start = System.nanoTime();
    HttpResponse<String> alive = get(limitedBase, "/health/alive");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .as("health answers at once")
        .isLessThan(1000L);
    assertThat(alive.statusCode()).isEqualTo(200);
    assertThat(json(alive).path("status").asText()).isEqualTo("alive");

    one.answer().complete(Response.text("one"));
    two.answer().complete(Response.text("two"));
    assertThat(slow1.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(slow2.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    for (String name : List.of("full-1", "full-2", "full-3", "full-4")) {
      HttpResponse<String> after = post(limitedBase, "/v1/test/by-name/" + name + "/increment", "");
      assertThat(after.statusCode()).as(describe(after)).isEqualTo(200);
    }
  }

  @Test
  void refusedAndFailedRequestsReleaseTheirSlots() throws Exception {
    // More 429s, 404s, 400s and 500s than the limits: none of them may leak an in-flight slot.
    for (int i = 0; i < 5; i++) {
      assertError(get(limitedBase, "/v1/nope/by-name/x/y"), 404, "unknown_namespace");
      assertError(get(limitedBase, "/v1/test/by-id/zz/y"), 400, "invalid_id");
      assertError(post(limitedBase, "/v1/test/by-name/leak/throw", ""), 500, "object_error");
    }
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = post(limitedBase, "/v1/test/by-name/leak/increment", "");
      assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Metrics, description.

  @Test
  void metricsArePrometheusTextWithRequestsByNamespaceAndStatus() throws Exception {
    post(base, "/v1/test/by-name/metered/increment", "");
    post(base, "/v1/test/by-name/metered/throw", "");
    HttpResponse<String> r = get(base, "/metrics");
    assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(
            ct -> assertThat(ct).startsWith("text/plain").contains("version=0.0.4"));
    List<String> samples =
        r.body().lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
    assertThat(samples)
        .as("a request metric for namespace test, status 200")
        .anyMatch(l -> l.contains("namespace=\"test\"") && l.matches(".*\\w*status\\w*=\"200\".*"));
    assertThat(samples)
        .as("a request metric for namespace test, status 500")
        .anyMatch(l -> l.contains("namespace=\"test\"") && l.matches(".*\\w*status\\w*=\"500\".*"));
  }

  @Test
  void requestsToUnknownNamespacesDoNotCreateMetricSeries() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertError(get(base, "/v1/zz-unknown-" + i + "/by-name/x/y"), 404, "unknown_namespace");
      assertError(post(base, "/v1/zz-unknown-ids-" + i + "/ids", ""), 404, "unknown_namespace");
    }
    String metrics = get(base, "/metrics").body();
    assertThat(metrics).doesNotContain("zz-unknown-");
  }

  @Test
  void openApiDescriptionIsServed() throws Exception {
    HttpResponse<String> r = get(base, "/openapi.yaml");
    assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/yaml"));
    JsonNode api = new YAMLMapper().readTree(r.body());
    assertThat(api.path("openapi").asText()).startsWith("3.0");
    assertThat(api.path("paths").has("/v1/{namespace}/ids"))
        .as("paths: " + api.path("paths").fieldNames())
        .isTrue();
  }
}

package io.durableobjects.gateway;

import static io.durableobjects.gateway.GatewayTestSupport.GENERATED_REQUEST_ID;
import static io.durableobjects.gateway.GatewayTestSupport.HEX_ID;
import static io.durableobjects.gateway.GatewayTestSupport.assertError;
import static io.durableobjects.gateway.GatewayTestSupport.assertNoStackTrace;
import static io.durableobjects.gateway.GatewayTestSupport.assertRawError;
import static io.durableobjects.gateway.GatewayTestSupport.assertRequestId;
import static io.durableobjects.gateway.GatewayTestSupport.assertRetryAfter;
import static io.durableobjects.gateway.GatewayTestSupport.describe;
import static io.durableobjects.gateway.GatewayTestSupport.get;
import static io.durableobjects.gateway.GatewayTestSupport.json;
import static io.durableobjects.gateway.GatewayTestSupport.post;
import static io.durableobjects.gateway.GatewayTestSupport.raw;
import static io.durableobjects.gateway.GatewayTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.core.DurableObject;
import io.durableobjects.core.FetchHandler;
import io.durableobjects.core.DurableObjectState;
import io.durableobjects.core.Header;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.core.internal.ObjectIds;
import io.durableobjects.gateway.GatewayTestSupport.RawResponse;
import io.durableobjects.gateway.testing.GatewayNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Every status of the gateway's HTTP contract (/tmp/spec/api.md), each malformed input on its own,
 * against real one-node clusters: {@link #node} with the default limits (and a short object request
 * timeout, for 504), {@link #limited} with tiny in-flight limits (429, 503).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(90)
public class GatewayStatusTest {
  private static final String ADMIN = "Bearer " + GatewayNode.ADMIN_TOKEN;
  private static final int MIB = 1024 * 1024;

  private static GatewayNode node;
  private static GatewayNode limited;

  /** An object whose response has the status, headers and body the request asks for. */
  public static final class ShapedObject implements FetchHandler {
    public ShapedObject(DurableObjectState state) {}

    @Override
    public Response fetch(Request request) {
      int status = Integer.parseInt(request.queryParam("status").orElse("200"));
      return Response.status(status)
          .withHeaders(
              List.of(
                  new Header("Content-Type", "text/plain; charset=UTF-8"),
                  new Header("X-Object", "shaped"),
                  new Header("Cache-Control", "no-store"),
                  new Header("X-Method", request.method()),
                  new Header("Set-Cookie", "a=1"),
                  new Header("Set-Cookie", "b=2")))
          .withBody("shaped " + request.method() + " " + request.path());
    }
  }

  /** An object whose initialisation never finishes: it cannot start (503 unavailable). */
  public static final class StuckObject implements FetchHandler {
    public StuckObject(DurableObjectState state) {
      state.blockConcurrencyWhile(() -> new CompletableFuture<Void>());
    }

    @Override
    public Response fetch(Request request) {
      return Response.text("never");
    }
  }

  /** An object whose constructor throws: every request is an object error. */
  public static final class BrokenObject implements FetchHandler {
    public BrokenObject(DurableObjectState state) {
      throw new IllegalStateException("broken on purpose by the test");
    }

    @Override
    public Response fetch(Request request) {
      return Response.text("never");
    }
  }

  @BeforeAll
  static void startNodes() {
    node =
        GatewayNode.start(
            ConfigFactory.parseString(
                """
                durable-objects.entity.request-timeout = 1s
                durable-objects.ask-timeout = 2s
                durable-objects.storage.max-object-size = 300 KiB
                durable-objects.namespaces.other.class = "io.durableobjects.gateway.testing.TestObject"
                durable-objects.namespaces.shaped.class = "io.durableobjects.gateway.GatewayStatusTest$ShapedObject"
                durable-objects.namespaces.stuck.class = "io.durableobjects.gateway.GatewayStatusTest$StuckObject"
                durable-objects.namespaces.broken.class = "io.durableobjects.gateway.GatewayStatusTest$BrokenObject"
                """));
    limited =
        GatewayNode.start(
            ConfigFactory.parseString(
                """
                durable-objects.http.max-in-flight = 2
                durable-objects.http.max-in-flight-per-object = 1
                """));
  }

  @AfterAll
  static void stopNodes() {
    if (node != null) {
      node.close();
    }
    if (limited != null) {
      limited.close();
    }
  }

  private static String nameId(String namespace, String name) {
    return ObjectIds.fromName(namespace, name);
  }

  // ---------------------------------------------------------------------------------------------
  // 200: object traffic.

  @Test
  void byNameForwardsMethodPathRawQueryHeadersAndBodyToTheObject() throws Exception {
    byte[] body = new byte[256];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) i;
    }
    HttpResponse<String> r =
        send(
            node,
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
    assertThat(echo.path("method").asText()).isEqualTo("PATCH");
    assertThat(echo.path("path").asText()).isEqualTo("/some/deep/path");
    assertThat(echo.path("query").asText()).isEqualTo("b=%20x&a=1&a=2&empty=");
    assertThat(echo.path("headers").path("x-custom").asText()).isEqualTo("custom value");
    assertThat(echo.path("headers").path("content-type").asText()).startsWith("application/x-test");
    // auth is off on this node (loopback, auto): Authorization is the object's business.
    assertThat(echo.path("headers").path("authorization").asText())
        .isEqualTo("Bearer passed-through-when-auth-is-off");
    assertThat(Base64.getDecoder().decode(echo.path("body").asText())).isEqualTo(body);
    assertRequestId(r);
  }

  @Test
  void theObjectPathIsSlashWhenTheUrlEndsAtTheObject() throws Exception {
    for (String url : List.of("/v1/test/by-name/echo-2", "/v1/test/by-name/echo-2/")) {
      HttpResponse<String> r = get(node, url);
      assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
      assertThat(json(r).path("path").asText()).as(url).isEqualTo("/");
      assertThat(json(r).path("query").isNull()).as(url + " has no query").isTrue();
    }
    HttpResponse<String> r = get(node, "/v1/test/by-name/echo-2?x=1");
    assertThat(json(r).path("path").asText()).isEqualTo("/");
    assertThat(json(r).path("query").asText()).isEqualTo("x=1");
  }

  @Test
  void everyHttpMethodReachesTheObject() throws Exception {
    for (String method : List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")) {
      HttpResponse<String> r =
          send(node, method, "/v1/test/by-name/echo-3/m", method.equals("GET") ? null : "x");
      assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
      assertThat(json(r).path("method").asText()).isEqualTo(method);
    }
    HttpResponse<String> head = send(node, "HEAD", "/v1/test/by-name/echo-3/m", (byte[]) null);
    assertThat(head.statusCode()).as(describe(head)).isEqualTo(200);
  }

  @Test
  void hopByHopHeadersDoNotReachTheObject() throws Exception {
    RawResponse r =
        raw(
            node.port(),
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
    HttpResponse<String> r = get(node, "/v1/shaped/by-name/s/hello?status=418");
    assertThat(r.statusCode()).as(describe(r)).isEqualTo(418);
    assertThat(r.headers().firstValue("X-Object")).hasValue("shaped");
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct.toLowerCase(Locale.ROOT)).startsWith("text/plain"));
    assertThat(r.body()).isEqualTo("shaped GET /hello");
    assertThat(r.headers().allValues("Set-Cookie")).containsExactly("a=1", "b=2");
    assertRequestId(r);

    HttpResponse<String> created = post(node, "/v1/shaped/by-name/s/new?status=201", "");
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.body()).isEqualTo("shaped POST /new");

    // An object's own 4xx/5xx passes through untouched: it is not a gateway error.
    HttpResponse<String> own = get(node, "/v1/shaped/by-name/s/x?status=503");
    assertThat(own.statusCode()).isEqualTo(503);
    assertThat(own.body()).isEqualTo("shaped GET /x");

    HttpResponse<String> noContent = send(node, "PUT", "/v1/test/by-name/kv-1/kv/k", "v");
    assertThat(noContent.statusCode()).as(describe(noContent)).isEqualTo(204);
    assertThat(noContent.body()).isEmpty();
  }

  @Test
  void headReachesTheObjectAsHead() throws Exception {
    HttpResponse<String> r = send(node, "HEAD", "/v1/shaped/by-name/s/h", (byte[]) null);
    assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
    assertThat(r.headers().firstValue("X-Method")).as("the method the object saw").hasValue("HEAD");
    assertThat(r.body()).isEmpty();
  }

  @Test
  void theObjectStateIsReachableByNameAndByTheSameIdInHex() throws Exception {
    assertThat(post(node, "/v1/test/by-name/alice/increment", "").body()).isEqualTo("1");
    assertThat(post(node, "/v1/test/by-name/alice/increment", "").body()).isEqualTo("2");
    HttpResponse<String> byId = get(node, "/v1/test/by-id/" + nameId("test", "alice") + "/count");
    assertThat(byId.statusCode()).as(describe(byId)).isEqualTo(200);
    assertThat(byId.body()).isEqualTo("2");
    // Same name, other namespace: another object.
    assertThat(get(node, "/v1/other/by-name/alice/count").body()).isEqualTo("0");
  }

  @Test
  void theNameIsOnePercentDecodedSegment() throws Exception {
    assertThat(post(node, "/v1/test/by-name/hello%20world%2Fx/increment", "").statusCode())
        .isEqualTo(200);
    assertThat(get(node, "/v1/test/by-id/" + nameId("test", "hello world/x") + "/count").body())
        .as("the object of the decoded name 'hello world/x'")
        .isEqualTo("1");
    HttpResponse<String> view =
        get(
            node,
            "/admin/v1/test/objects/" + nameId("test", "hello world/x"),
            "Authorization",
            ADMIN);
    assertThat(view.statusCode()).as(describe(view)).isEqualTo(200);
    assertThat(json(view).path("name").asText()).isEqualTo("hello world/x");
  }

  @Test
  void aNameOf1024CharactersIsAcceptedCountedAfterDecoding() throws Exception {
    HttpResponse<String> plain = get(node, "/v1/test/by-name/" + "n".repeat(1024) + "/count");
    assertThat(plain.statusCode()).as(describe(plain)).isEqualTo(200);
    // 1020 + 4 decoded spaces = 1024 characters (1032 in the URL).
    HttpResponse<String> encoded =
        get(node, "/v1/test/by-name/" + "e".repeat(1020) + "%20".repeat(4) + "/count");
    assertThat(encoded.statusCode()).as(describe(encoded)).isEqualTo(200);
  }

  @Test
  void newIdsAreUniqueAndUsableByIdWithNoName() throws Exception {
    HttpResponse<String> r = post(node, "/v1/test/ids", "");
    assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
    assertRequestId(r);
    JsonNode body = json(r);
    String id = body.path("id").asText();
    assertThat(id).matches(HEX_ID);
    assertThat(body.path("namespace").asText()).isEqualTo("test");
    assertThat(json(post(node, "/v1/test/ids", "")).path("id").asText()).isNotEqualTo(id);

    assertThat(post(node, "/v1/test/by-id/" + id + "/increment", "").body()).isEqualTo("1");
    HttpResponse<String> echo = get(node, "/v1/test/by-id/" + id + "/any/path?q=1");
    assertThat(echo.statusCode()).as(describe(echo)).isEqualTo(200);
    assertThat(json(echo).path("path").asText()).isEqualTo("/any/path");
    assertThat(json(echo).path("query").asText()).isEqualTo("q=1");
    assertThat(get(node, "/v1/test/by-id/" + id + "/count").body()).isEqualTo("1");

    HttpResponse<String> view = get(node, "/admin/v1/test/objects/" + id, "Authorization", ADMIN);
    assertThat(view.statusCode()).as(describe(view)).isEqualTo(200);
    assertThat(json(view).path("name").isNull())
        .as("a unique ID has no name: " + view.body())
        .isTrue();
  }

  // ---------------------------------------------------------------------------------------------
  // X-Request-Id.

  @Test
  void aValidClientRequestIdIsEchoedAndSeenByTheObject() throws Exception {
    String id = "Client.req_01:abc-9";
    HttpResponse<String> r = get(node, "/v1/test/by-name/rid/x", "X-Request-Id", id);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("X-Request-Id")).hasValue(id);
    assertThat(json(r).path("headers").path("x-request-id").asText()).isEqualTo(id);

    String longest = "a".repeat(128);
    HttpResponse<String> r2 = get(node, "/v1/test/by-name/rid/x", "X-Request-Id", longest);
    assertThat(r2.headers().firstValue("X-Request-Id")).hasValue(longest);
  }

  @Test
  void withoutARequestIdOneIsGeneratedAndTheObjectSeesTheSameOne() throws Exception {
    HttpResponse<String> r = get(node, "/v1/test/by-name/rid/x");
    String generated = r.headers().firstValue("X-Request-Id").orElseThrow();
    assertThat(generated).matches(GENERATED_REQUEST_ID);
    assertThat(json(r).path("headers").path("x-request-id").asText()).isEqualTo(generated);
    String other =
        get(node, "/v1/test/by-name/rid/x").headers().firstValue("X-Request-Id").orElseThrow();
    assertThat(other).matches(GENERATED_REQUEST_ID).isNotEqualTo(generated);
  }

  @Test
  void anInvalidClientRequestIdIsReplacedByAGeneratedOne() throws Exception {
    for (String invalid :
        List.of(
            "has space", "a".repeat(129), "slash/inside", "semi;colon", "quote\"d", "{braces}")) {
      HttpResponse<String> r = get(node, "/v1/test/by-name/rid/x", "X-Request-Id", invalid);
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
    HttpResponse<String> r = get(node, "/v1/nope/by-name/x/y", "X-Request-Id", "trace-42");
    assertError(r, 404, "unknown_namespace");
    assertThat(r.headers().firstValue("X-Request-Id")).hasValue("trace-42");
    HttpResponse<String> r2 = get(node, "/no/such/route", "X-Request-Id", "trace-43");
    assertError(r2, 404, "not_found");
    assertThat(r2.headers().firstValue("X-Request-Id")).hasValue("trace-43");
  }

  // ---------------------------------------------------------------------------------------------
  // Idempotency-Key.

  @Test
  void aValidIdempotencyKeyIsAppliedOnce() throws Exception {
    HttpResponse<String> first =
        post(node, "/v1/test/by-name/idem-1/increment", "", "Idempotency-Key", "key-1");
    HttpResponse<String> retry =
        post(node, "/v1/test/by-name/idem-1/increment", "", "Idempotency-Key", "key-1");
    assertThat(first.statusCode()).as(describe(first)).isEqualTo(200);
    assertThat(retry.statusCode()).as(describe(retry)).isEqualTo(200);
    assertThat(retry.body()).isEqualTo(first.body()).isEqualTo("1");
    assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(get(node, "/v1/test/by-name/idem-1/count").body()).isEqualTo("1");
  }

  @Test
  void anIdempotencyKeyTooLongIs400AndNothingIsWritten() throws Exception {
    HttpResponse<String> r =
        post(node, "/v1/test/by-name/idem-2/increment", "", "Idempotency-Key", "k".repeat(256));
    assertError(r, 400, "invalid_idempotency_key");
    assertThat(get(node, "/v1/test/by-name/idem-2/count").body()).isEqualTo("0");
  }

  @Test
  void anIdempotencyKeyWithASpaceIs400() throws Exception {
    HttpResponse<String> r =
        post(node, "/v1/test/by-name/idem-3/increment", "", "Idempotency-Key", "has space");
    assertError(r, 400, "invalid_idempotency_key");
    assertThat(get(node, "/v1/test/by-name/idem-3/count").body()).isEqualTo("0");
  }

  @Test
  void anEmptyIdempotencyKeyIs400() throws Exception {
    RawResponse r =
        raw(
            node.port(),
            "POST /v1/test/by-name/idem-4/increment HTTP/1.1\r\nHost: x\r\n"
                + "Idempotency-Key: \r\nContent-Length: 0\r\n\r\n");
    assertRawError(r, 400, "invalid_idempotency_key");
  }

  // ---------------------------------------------------------------------------------------------
  // 400.

  @Test
  void anIdOfTheWrongLengthIsInvalid() throws Exception {
    String id = nameId("test", "x");
    assertError(get(node, "/v1/test/by-id/" + id.substring(1) + "/count"), 400, "invalid_id");
    assertError(get(node, "/v1/test/by-id/" + id + "0/count"), 400, "invalid_id");
    assertError(get(node, "/v1/test/by-id/abc/count"), 400, "invalid_id");
  }

  @Test
  void anUppercaseIdIsInvalid() throws Exception {
    String id = nameId("test", "x").toUpperCase(Locale.ROOT);
    assertError(get(node, "/v1/test/by-id/" + id + "/count"), 400, "invalid_id");
  }

  @Test
  void aNonHexIdIsInvalid() throws Exception {
    String id = "g" + nameId("test", "x").substring(1);
    assertError(get(node, "/v1/test/by-id/" + id + "/count"), 400, "invalid_id");
  }

  @Test
  void anIdOfAnotherNamespaceIsInvalid() throws Exception {
    String otherId = nameId("other", "x");
    assertThat(get(node, "/v1/other/by-id/" + otherId + "/count").statusCode()).isEqualTo(200);
    assertError(get(node, "/v1/test/by-id/" + otherId + "/count"), 400, "invalid_id");
    // A well-formed hex string whose namespace tag is wrong.
    String id = nameId("test", "x");
    String badTag = id.substring(0, 63) + (id.charAt(63) == '0' ? '1' : '0');
    assertError(get(node, "/v1/test/by-id/" + badTag + "/count"), 400, "invalid_id");
  }

  @Test
  void anEmptyNameIsInvalid() throws Exception {
    assertError(get(node, "/v1/test/by-name//count"), 400, "invalid_name");
    assertError(get(node, "/v1/test/by-name/"), 400, "invalid_name");
  }

  @Test
  void aNameLongerThan1024IsInvalid() throws Exception {
    assertError(get(node, "/v1/test/by-name/" + "n".repeat(1025) + "/count"), 400, "invalid_name");
    assertError(
        get(node, "/v1/test/by-name/" + "e".repeat(1021) + "%20".repeat(4) + "/count"),
        400,
        "invalid_name");
  }

  @Test
  void aMalformedPercentEncodingInThePathIs400() throws Exception {
    RawResponse r =
        raw(node.port(), "GET /v1/test/by-name/bad%zzname/count HTTP/1.1\r\nHost: x\r\n\r\n");
    assertRawError(r, 400, "bad_request", "invalid_name");
  }

  @Test
  void aMalformedHeaderIs400() throws Exception {
    RawResponse r =
        raw(
            node.port(),
            "POST /v1/test/by-name/h/x HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
    assertRawError(r, 400, "bad_request", "invalid_header");
  }

  @Test
  void adminObjectsLimitZeroIsInvalid() throws Exception {
    assertError(
        get(node, "/admin/v1/test/objects?limit=0", "Authorization", ADMIN), 400, "invalid_query");
  }

  @Test
  void adminObjectsLimitNotANumberIsInvalid() throws Exception {
    assertError(
        get(node, "/admin/v1/test/objects?limit=abc", "Authorization", ADMIN),
        400,
        "invalid_query");
  }

  @Test
  void adminObjectsLimitAboveTheMaximumIsInvalid() throws Exception {
    assertError(
        get(node, "/admin/v1/test/objects?limit=5000", "Authorization", ADMIN),
        400,
        "invalid_query");
    assertError(
        get(node, "/admin/v1/test/objects?limit=1001", "Authorization", ADMIN),
        400,
        "invalid_query");
    assertError(
        get(node, "/admin/v1/test/objects?limit=-1", "Authorization", ADMIN), 400, "invalid_query");
    assertThat(get(node, "/admin/v1/test/objects?limit=1000", "Authorization", ADMIN).statusCode())
        .isEqualTo(200);
  }

  @Test
  void adminObjectsMalformedCursorIsInvalid() throws Exception {
    assertError(
        get(node, "/admin/v1/test/objects?cursor=not-an-id", "Authorization", ADMIN),
        400,
        "invalid_query");
    assertError(
        get(
            node,
            "/admin/v1/test/objects?cursor=" + nameId("test", "x").toUpperCase(Locale.ROOT),
            "Authorization",
            ADMIN),
        400,
        "invalid_query");
  }

  @Test
  void adminObjectViewBadLimitIsInvalid() throws Exception {
    String id = nameId("test", "x");
    assertError(
        get(node, "/admin/v1/test/objects/" + id + "?limit=0", "Authorization", ADMIN),
        400,
        "invalid_query");
    assertError(
        get(node, "/admin/v1/test/objects/" + id + "?limit=abc", "Authorization", ADMIN),
        400,
        "invalid_query");
    assertError(
        get(node, "/admin/v1/test/objects/" + id + "?limit=5000", "Authorization", ADMIN),
        400,
        "invalid_query");
  }

  @Test
  void adminMalformedObjectIdIsInvalid() throws Exception {
    assertError(
        get(node, "/admin/v1/test/objects/not-an-id", "Authorization", ADMIN), 400, "invalid_id");
    assertError(
        send(
            node,
            "DELETE",
            "/admin/v1/test/objects/" + nameId("other", "x"),
            (byte[]) null,
            "Authorization",
            ADMIN),
        400,
        "invalid_id");
  }

  // ---------------------------------------------------------------------------------------------
  // 404, 405.

  @Test
  void anUnknownNamespaceIs404UnknownNamespace() throws Exception {
    assertError(get(node, "/v1/nope/by-name/x/count"), 404, "unknown_namespace");
    assertError(
        get(node, "/v1/nope/by-id/" + nameId("nope", "x") + "/count"), 404, "unknown_namespace");
    assertError(post(node, "/v1/nope/ids", ""), 404, "unknown_namespace");
    assertError(
        get(node, "/admin/v1/nope/objects", "Authorization", ADMIN), 404, "unknown_namespace");
    assertError(
        get(node, "/admin/v1/nope/objects/" + nameId("nope", "x"), "Authorization", ADMIN),
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
      assertError(get(node, path), 404, "not_found");
    }
    // Under /admin the token is checked first (an anonymous caller learns nothing about routes).
    for (String path :
        List.of(
            "/admin/v1/test/nothing",
            "/admin/v1",
            "/admin/v2/namespaces",
            "/admin/v1/test/objects/" + nameId("test", "x") + "/more")) {
      assertError(get(node, path, "Authorization", ADMIN), 404, "not_found");
    }
  }

  @Test
  void otherMethodsOnIdsAre405WithAllow() throws Exception {
    for (String method : List.of("GET", "PUT", "DELETE")) {
      HttpResponse<String> r = send(node, method, "/v1/test/ids", (byte[]) null);
      assertError(r, 405, "method_not_allowed");
      assertThat(r.headers().firstValue("Allow")).as(describe(r)).hasValue("POST");
    }
  }

  @Test
  void wrongMethodsOnAdminAndHealthAre405WithAllow() throws Exception {
    HttpResponse<String> r = send(node, "POST", "/health/alive", "");
    assertError(r, 405, "method_not_allowed");
    assertThat(r.headers().firstValue("Allow"))
        .as(describe(r))
        .hasValueSatisfying(allow -> assertThat(allow).contains("GET"));

    HttpResponse<String> ns =
        send(node, "DELETE", "/admin/v1/namespaces", (byte[]) null, "Authorization", ADMIN);
    assertError(ns, 405, "method_not_allowed");
    assertThat(ns.headers().firstValue("Allow"))
        .as(describe(ns))
        .hasValueSatisfying(allow -> assertThat(allow).contains("GET"));

    HttpResponse<String> obj =
        send(
            node,
            "PUT",
            "/admin/v1/test/objects/" + nameId("test", "x"),
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
    HttpResponse<String> r = send(node, "POST", "/v1/test/by-name/big/echo", body);
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
            node.port(),
            "POST /v1/test/by-name/big/echo HTTP/1.1\r\n"
                + "Host: x\r\n"
                + "Content-Type: application/octet-stream\r\n"
                + "Content-Length: "
                + body.length
                + "\r\n\r\n",
            body);
    assertRawError(r, 413, "payload_too_large");
    assertThat(get(node, "/v1/test/by-name/big/count").statusCode()).isEqualTo(200);
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
            node.port(),
            "POST /v1/test/by-name/big/echo HTTP/1.1\r\n"
                + "Host: x\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n",
            chunks.toString().getBytes(StandardCharsets.ISO_8859_1));
    assertRawError(r, 413, "payload_too_large");
    assertThat(get(node, "/v1/test/by-name/big/count").statusCode()).isEqualTo(200);
  }

  @Test
  void aSmallChunkedBodyReachesTheObject() throws Exception {
    RawResponse r =
        raw(
            node.port(),
            "POST /v1/test/by-name/chunky/echo HTTP/1.1\r\n"
                + "Host: x\r\n"
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
  void aValueAboveTheStorageLimitIs413AndNothingIsStored() throws Exception {
    HttpResponse<String> r =
        send(node, "PUT", "/v1/test/by-name/huge-value/kv/x", "v".repeat(200 * 1024));
    assertError(r, 413, "storage_limit_exceeded");
    assertThat(r.body()).contains("value for key");
    HttpResponse<String> view =
        get(node, "/admin/v1/test/objects/" + nameId("test", "huge-value"), "Authorization", ADMIN);
    assertThat(view.statusCode()).as(describe(view)).isEqualTo(200);
    assertThat(json(view).path("keyCount").asInt(-1)).isEqualTo(0);
  }

  @Test
  void aKeyAboveTheStorageLimitIs413() throws Exception {
    HttpResponse<String> r =
        send(node, "PUT", "/v1/test/by-name/huge-key/kv/" + "k".repeat(3000), "v");
    assertError(r, 413, "storage_limit_exceeded");
    assertThat(r.body()).contains("key");
  }

  @Test
  void aStorageCallTheObjectGotWrongIs500StorageErrorAndNothingIsApplied() throws Exception {
    assertThat(post(node, "/v1/test/by-name/bad-key/increment", "").body()).isEqualTo("1");
    // PUT /kv/ stores under the empty key, which storage refuses.
    HttpResponse<String> r = send(node, "PUT", "/v1/test/by-name/bad-key/kv/", "v");
    assertError(r, 500, "storage_error");
    assertThat(get(node, "/v1/test/by-name/bad-key/count").body()).isEqualTo("1");
    HttpResponse<String> view =
        get(node, "/admin/v1/test/objects/" + nameId("test", "bad-key"), "Authorization", ADMIN);
    assertThat(json(view).path("keyCount").asInt(-1)).isEqualTo(1);
  }

  @Test
  void anObjectAboveTheStorageLimitIs413() throws Exception {
    // max-object-size is 300 KiB on this node; each value is 100 KiB (under max-value-size).
    String value = "v".repeat(100 * 1024);
    assertThat(send(node, "PUT", "/v1/test/by-name/huge-object/kv/a", value).statusCode())
        .isEqualTo(204);
    assertThat(send(node, "PUT", "/v1/test/by-name/huge-object/kv/b", value).statusCode())
        .isEqualTo(204);
    HttpResponse<String> r = send(node, "PUT", "/v1/test/by-name/huge-object/kv/c", value);
    assertError(r, 413, "storage_limit_exceeded");
    assertThat(r.body()).contains("the object's storage");
    HttpResponse<String> view =
        get(
            node,
            "/admin/v1/test/objects/" + nameId("test", "huge-object"),
            "Authorization",
            ADMIN);
    assertThat(json(view).path("keyCount").asInt(-1)).isEqualTo(2);
  }

  // ---------------------------------------------------------------------------------------------
  // 500, 504.

  @Test
  void anObjectThatThrowsIs500ObjectErrorAndItsWriteIsRolledBack() throws Exception {
    assertThat(post(node, "/v1/test/by-name/thrower/increment", "").body()).isEqualTo("1");
    HttpResponse<String> r = post(node, "/v1/test/by-name/thrower/throw", "");
    assertError(r, 500, "object_error");
    HttpResponse<String> count = get(node, "/v1/test/by-name/thrower/count");
    assertThat(count.statusCode()).isEqualTo(200);
    assertThat(count.body()).isEqualTo("1");
    assertThat(post(node, "/v1/test/by-name/thrower/increment", "").body()).isEqualTo("2");
  }

  @Test
  void anObjectThatDoesNotAnswerInTimeIs504ObjectTimeout() throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> r = get(node, "/v1/test/by-name/sleepy/slow?ms=5000");
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertError(r, 504, "object_timeout");
    assertThat(ms)
        .as("answered after the request timeout (1 s), before the object did")
        .isBetween(900L, 4000L);
    HttpResponse<String> after = get(node, "/v1/test/by-name/sleepy/count");
    assertThat(after.statusCode()).as(describe(after)).isEqualTo(200);
    assertThat(after.body()).isEqualTo("0");
  }

  @Test
  void anObjectThatCannotStartIs503UnavailableWithRetryAfter() throws Exception {
    HttpResponse<String> r = get(node, "/v1/stuck/by-name/s/x");
    assertError(r, 503, "unavailable");
    assertRetryAfter(r);
    assertThat(get(node, "/health/alive").statusCode()).isEqualTo(200);
  }

  @Test
  void anObjectWhoseConstructorThrowsIs500ObjectErrorWithoutDetail() throws Exception {
    HttpResponse<String> r = get(node, "/v1/broken/by-name/b/x");
    assertError(r, 500, "object_error");
    HttpResponse<String> again = get(node, "/v1/broken/by-name/b/x");
    assertThat(again.statusCode()).as(describe(again)).isIn(500, 503);
    assertNoStackTrace(again.body());
  }

  // ---------------------------------------------------------------------------------------------
  // 429, 503 on the node with tiny limits.

  @Test
  void tooManyRequestsToOneObjectIs429AndOtherObjectsStillAnswer() throws Exception {
    CompletableFuture<HttpResponse<String>> slow =
        CompletableFuture.supplyAsync(
            () -> quietGet(limited, "/v1/test/by-name/busy-a/slow?ms=2500"));
    Thread.sleep(500);
    long start = System.nanoTime();
    HttpResponse<String> r = get(limited, "/v1/test/by-name/busy-a/count");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .as("refused at once, not queued")
        .isLessThan(1000L);
    assertError(r, 429, "too_many_requests");
    assertRetryAfter(r);

    HttpResponse<String> other = get(limited, "/v1/test/by-name/busy-b/count");
    assertThat(other.statusCode()).as(describe(other)).isEqualTo(200);

    HttpResponse<String> done = slow.get(20, TimeUnit.SECONDS);
    assertThat(done.statusCode()).as(describe(done)).isEqualTo(200);
    assertThat(done.body()).isEqualTo("slept 2500");
    HttpResponse<String> again = get(limited, "/v1/test/by-name/busy-a/count");
    assertThat(again.statusCode()).as(describe(again)).isEqualTo(200);
  }

  @Test
  void tooManyRequestsAtTheNodeIs503OverloadedWhileHealthStillAnswers() throws Exception {
    CompletableFuture<HttpResponse<String>> slow1 =
        CompletableFuture.supplyAsync(
            () -> quietGet(limited, "/v1/test/by-name/full-1/slow?ms=3000"));
    CompletableFuture<HttpResponse<String>> slow2 =
        CompletableFuture.supplyAsync(
            () -> quietGet(limited, "/v1/test/by-name/full-2/slow?ms=3000"));
    Thread.sleep(700);

    HttpResponse<String> r = get(limited, "/v1/test/by-name/full-3/count");
    assertError(r, 503, "overloaded");
    assertRetryAfter(r);
    HttpResponse<String> ids = post(limited, "/v1/test/by-name/full-4/increment", "");
    assertError(ids, 503, "overloaded");

    long start = System.nanoTime();
    HttpResponse<String> alive = get(limited, "/health/alive");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .as("health answers at once")
        .isLessThan(1000L);
    assertThat(alive.statusCode()).isEqualTo(200);
    assertThat(json(alive).path("status").asText()).isEqualTo("alive");

    assertThat(slow1.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(slow2.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    for (String name : List.of("full-1", "full-2", "full-3", "full-4")) {
      HttpResponse<String> after = post(limited, "/v1/test/by-name/" + name + "/increment", "");
      assertThat(after.statusCode()).as(describe(after)).isEqualTo(200);
    }
    assertThat(get(limited, "/v1/test/by-name/full-4/count").body())
        .as("the refused increment was never applied")
        .isEqualTo("1");
  }

  @Test
  void refusedAndFailedRequestsReleaseTheirSlots() throws Exception {
    // More 429s, 404s and 400s than the limits: none of them may leak an in-flight slot.
    for (int i = 0; i < 5; i++) {
      assertError(get(limited, "/v1/nope/by-name/x/y"), 404, "unknown_namespace");
      assertError(get(limited, "/v1/test/by-id/zz/y"), 400, "invalid_id");
      assertError(post(limited, "/v1/test/by-name/leak/throw", ""), 500, "object_error");
    }
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = post(limited, "/v1/test/by-name/leak/increment", "");
      assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
    }
  }

  private static HttpResponse<String> quietGet(GatewayNode n, String path) {
    try {
      return get(n, path);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Errors in general.

  @Test
  void noErrorBodyCarriesAStackTrace() throws Exception {
    List<HttpResponse<String>> errors = new ArrayList<>();
    errors.add(post(node, "/v1/test/by-name/st/throw", ""));
    errors.add(get(node, "/v1/test/by-id/" + "Z".repeat(64) + "/x"));
    errors.add(get(node, "/v1/nope/by-name/x/y"));
    errors.add(get(node, "/admin/v1/test/objects?limit=abc", "Authorization", ADMIN));
    errors.add(send(node, "PUT", "/v1/test/by-name/st/kv/x", "v".repeat(200 * 1024)));
    for (HttpResponse<String> r : errors) {
      assertThat(r.statusCode()).as(describe(r)).isGreaterThanOrEqualTo(400);
      assertNoStackTrace(r.body());
      assertRequestId(r);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Admin API.

  @Test
  void adminListsTheNamespacesWithTheirClasses() throws Exception {
    HttpResponse<String> r = get(node, "/admin/v1/namespaces", "Authorization", ADMIN);
    assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
    assertRequestId(r);
    List<String> entries = new ArrayList<>();
    for (JsonNode ns : json(r).path("namespaces")) {
      entries.add(ns.path("name").asText() + "=" + ns.path("class").asText());
    }
    assertThat(entries)
        .contains(
            "test=io.durableobjects.gateway.testing.TestObject",
            "other=io.durableobjects.gateway.testing.TestObject",
            "shaped=io.durableobjects.gateway.GatewayStatusTest$ShapedObject")
        .hasSize(5);
  }

  @Test
  void adminListsObjectsWithNamesAndPagesVisitEveryObjectOnce() throws Exception {
    Set<String> mine = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      String name = "listed-" + i;
      assertThat(post(node, "/v1/test/by-name/" + name + "/increment", "").statusCode())
          .isEqualTo(200);
      mine.add(nameId("test", name));
    }

    HttpResponse<String> first = get(node, "/admin/v1/test/objects", "Authorization", ADMIN);
    assertThat(first.statusCode()).as(describe(first)).isEqualTo(200);
    assertRequestId(first);
    assertThat(json(first).has("nextCursor")).as(first.body()).isTrue();

    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      String url = "/admin/v1/test/objects?limit=2" + (cursor == null ? "" : "&cursor=" + cursor);
      HttpResponse<String> page = get(node, url, "Authorization", ADMIN);
      assertThat(page.statusCode()).as(describe(page)).isEqualTo(200);
      JsonNode body = json(page);
      assertThat(body.path("objects").size()).as(page.body()).isBetween(0, 2);
      for (JsonNode o : body.path("objects")) {
        String id = o.path("id").asText();
        assertThat(id).matches(HEX_ID);
        assertThat(o.has("name")).as("name (string or null): " + o).isTrue();
        assertThat(o.path("hasData").isBoolean()).as("hasData: " + o).isTrue();
        seen.add(id);
        if (mine.contains(id)) {
          assertThat(o.path("name").asText()).startsWith("listed-");
          assertThat(id).isEqualTo(nameId("test", o.path("name").asText()));
          assertThat(o.path("hasData").asBoolean()).isTrue();
        }
      }
      cursor = body.path("nextCursor").isNull() ? null : body.path("nextCursor").asText();
      assertThat(++pages).as("paging terminates").isLessThan(1000);
    } while (cursor != null);

    assertThat(seen).doesNotHaveDuplicates().containsAll(mine);
    assertThat(seen).as("ascending ID order").isSorted();
    // The unpaged listing has the same objects.
    List<String> all = new ArrayList<>();
    for (JsonNode o :
        json(get(node, "/admin/v1/test/objects?limit=1000", "Authorization", ADMIN))
            .path("objects")) {
      all.add(o.path("id").asText());
    }
    assertThat(all).containsExactlyInAnyOrderElementsOf(seen);
  }

  @Test
  void adminShowsAnObjectsMetadataAndEntriesWithPaging() throws Exception {
    String base = "/v1/test/by-name/viewed";
    assertThat(post(node, base + "/increment", "").statusCode()).isEqualTo(200);
    assertThat(send(node, "PUT", base + "/kv/greeting", "hello").statusCode()).isEqualTo(204);
    assertThat(
            send(node, "PUT", base + "/bytes/blob", new byte[] {1, 2, 3, (byte) 0xff}).statusCode())
        .isEqualTo(204);
    assertThat(send(node, "PUT", base + "/alarm/nightly?in=3600", "").statusCode()).isEqualTo(204);
    String id = nameId("test", "viewed");

    HttpResponse<String> r = get(node, "/admin/v1/test/objects/" + id, "Authorization", ADMIN);
    assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
    assertRequestId(r);
    JsonNode view = json(r);
    assertThat(view.path("id").asText()).isEqualTo(id);
    assertThat(view.path("namespace").asText()).isEqualTo("test");
    assertThat(view.path("name").asText()).isEqualTo("viewed");
    assertThat(view.path("keyCount").asInt()).isEqualTo(3);
    assertThat(view.path("bytes").asLong()).isGreaterThan(0);
    assertThat(view.path("alarms").isArray()).as(r.body()).isTrue();
    assertThat(view.path("alarms").size()).as(r.body()).isEqualTo(1);
    JsonNode alarm = view.path("alarms").get(0);
    assertThat(alarm.path("name").asText()).isEqualTo("nightly");
    assertThat(alarm.path("retryCount").asInt()).isZero();
    assertThat(OffsetDateTime.parse(alarm.path("scheduledTime").asText()).toInstant())
        .isAfter(java.time.Instant.now().plusSeconds(3500))
        .isEqualTo(OffsetDateTime.parse(alarm.path("nextAttempt").asText()).toInstant());
    assertThat(view.path("lastSequenceNr").asLong()).isGreaterThan(0);
    assertThat(view.path("lastWriteTime").isTextual()).as(r.body()).isTrue();
    OffsetDateTime.parse(view.path("lastWriteTime").asText()); // ISO-8601
    assertThat(view.path("nextCursor").isNull()).as(r.body()).isTrue();

    JsonNode entries = view.path("entries");
    assertThat(entries.size()).isEqualTo(3);
    assertThat(entries.get(0).path("key").asText()).isEqualTo("blob");
    assertThat(entries.get(0).path("base64").asText())
        .isEqualTo(Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, (byte) 0xff}));
    assertThat(entries.get(0).has("value")).isFalse();
    assertThat(entries.get(1).path("key").asText()).isEqualTo("count");
    assertThat(entries.get(1).path("value").isNumber()).as(entries.get(1).toString()).isTrue();
    assertThat(entries.get(1).path("value").asLong()).isEqualTo(1);
    assertThat(entries.get(1).has("base64")).isFalse();
    assertThat(entries.get(2).path("key").asText()).isEqualTo("greeting");
    assertThat(entries.get(2).path("value").isTextual()).as(entries.get(2).toString()).isTrue();
    assertThat(entries.get(2).path("value").asText()).isEqualTo("hello");

    JsonNode page1 =
        json(get(node, "/admin/v1/test/objects/" + id + "?limit=2", "Authorization", ADMIN));
    assertThat(page1.path("entries").size()).isEqualTo(2);
    assertThat(page1.path("entries").get(1).path("key").asText()).isEqualTo("count");
    assertThat(page1.path("nextCursor").asText()).isEqualTo("count");
    assertThat(page1.path("keyCount").asInt())
        .as("keyCount counts every key, not the page")
        .isEqualTo(3);
    JsonNode page2 =
        json(
            get(
                node,
                "/admin/v1/test/objects/" + id + "?limit=2&cursor=count",
                "Authorization",
                ADMIN));
    assertThat(page2.path("entries").size()).isEqualTo(1);
    assertThat(page2.path("entries").get(0).path("key").asText()).isEqualTo("greeting");
    assertThat(page2.path("nextCursor").isNull()).as(page2.toString()).isTrue();
  }

  @Test
  void adminEntryCursorIsAnyKeyPercentEncoded() throws Exception {
    String base = "/v1/test/by-name/odd-keys";
    for (String key : List.of("a b", "a&b", "a=b", "z")) {
      assertThat(
              send(
                      node,
                      "PUT",
                      base
                          + "/kv/"
                          + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20"),
                      "v")
                  .statusCode())
          .isEqualTo(204);
    }
    String id = nameId("test", "odd-keys");
    JsonNode all = json(get(node, "/admin/v1/test/objects/" + id, "Authorization", ADMIN));
    List<String> keys = new ArrayList<>();
    all.path("entries").forEach(e -> keys.add(e.path("key").asText()));
    assertThat(keys).hasSize(4).isSorted();
    JsonNode after =
        json(
            get(
                node,
                "/admin/v1/test/objects/"
                    + id
                    + "?cursor="
                    + URLEncoder.encode(keys.get(1), StandardCharsets.UTF_8),
                "Authorization",
                ADMIN));
    List<String> rest = new ArrayList<>();
    after.path("entries").forEach(e -> rest.add(e.path("key").asText()));
    assertThat(rest).containsExactlyElementsOf(keys.subList(2, 4));
  }

  @Test
  void adminDeleteRemovesEverything() throws Exception {
    String base = "/v1/test/by-name/doomed";
    post(node, base + "/increment", "");
    post(node, base + "/increment", "");
    send(node, "PUT", base + "/kv/a", "x");
    send(node, "PUT", base + "/bytes/b", new byte[] {9});
    String id = nameId("test", "doomed");

    HttpResponse<String> del =
        send(node, "DELETE", "/admin/v1/test/objects/" + id, (byte[]) null, "Authorization", ADMIN);
    assertThat(del.statusCode()).as(describe(del)).isEqualTo(200);
    assertRequestId(del);
    JsonNode body = json(del);
    assertThat(body.path("id").asText()).isEqualTo(id);
    assertThat(body.path("namespace").asText()).isEqualTo("test");
    assertThat(body.path("deleted").asBoolean()).isTrue();
    assertThat(body.path("keysDeleted").asInt()).isEqualTo(3);

    assertThat(get(node, base + "/count").body()).isEqualTo("0");
    JsonNode view = json(get(node, "/admin/v1/test/objects/" + id, "Authorization", ADMIN));
    assertThat(view.path("keyCount").asInt(-1)).isEqualTo(0);
    assertThat(view.path("entries").size()).isZero();
    assertThat(view.path("bytes").asLong(-1)).isEqualTo(0);

    JsonNode listed = null;
    for (JsonNode o :
        json(get(node, "/admin/v1/test/objects?limit=1000", "Authorization", ADMIN))
            .path("objects")) {
      if (o.path("id").asText().equals(id)) {
        listed = o;
      }
    }
    assertThat(listed).as("the deleted object is still listed").isNotNull();
    assertThat(listed.path("hasData").asBoolean(true)).as(listed.toString()).isFalse();

    HttpResponse<String> again =
        send(node, "DELETE", "/admin/v1/test/objects/" + id, (byte[]) null, "Authorization", ADMIN);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(json(again).path("keysDeleted").asInt(-1)).isEqualTo(0);
    // The object works again afterwards.
    assertThat(post(node, base + "/increment", "").body()).isEqualTo("1");
  }

  // ---------------------------------------------------------------------------------------------
  // Health, metrics, description.

  @Test
  void healthAliveAndReadyOnARunningNode() throws Exception {
    HttpResponse<String> alive = get(node, "/health/alive");
    assertThat(alive.statusCode()).isEqualTo(200);
    assertThat(json(alive).path("status").asText()).isEqualTo("alive");
    assertRequestId(alive);
    HttpResponse<String> ready = get(node, "/health/ready");
    assertThat(ready.statusCode()).as(describe(ready)).isEqualTo(200);
    assertThat(ready.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
    assertThat(json(ready).path("status").asText()).isEqualTo("ready");
    assertRequestId(ready);
  }

  @Test
  void metricsArePrometheusTextWithRequestsByNamespaceAndStatus() throws Exception {
    post(node, "/v1/test/by-name/metered/increment", "");
    post(node, "/v1/test/by-name/metered/throw", "");
    HttpResponse<String> r = get(node, "/metrics");
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
  void openApiDescriptionIsServed() throws Exception {
    HttpResponse<String> r = get(node, "/openapi.yaml");
    assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/yaml"));
    JsonNode api = new YAMLMapper().readTree(r.body());
    assertThat(api.path("openapi").asText()).startsWith("3.0");
    assertThat(api.path("paths").has("/v1/{namespace}/ids"))
        .as("paths: " + api.path("paths").fieldNames())
        .isTrue();
  }

  // ---------------------------------------------------------------------------------------------
  // Edge cases: long and odd input, metrics cardinality, shutdown.

  @Test
  void aNameOf1024NonAsciiCharactersIsAddressable() throws Exception {
    // 1024 characters as the spec counts them, 6144 once percent-encoded in the URL.
    String name = "\u00e9".repeat(1024);
    String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8);
    HttpResponse<String> r = post(node, "/v1/test/by-name/" + encoded + "/increment", "");
    assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
    assertThat(get(node, "/v1/test/by-id/" + nameId("test", name) + "/count").body())
        .isEqualTo("1");
  }

  @Test
  void oddButWellFormedNamesNeverFailTheNode() throws Exception {
    // ".." and "." are dot segments (RFC 3986 5.2.4): resolving them away (then 404) is fine.
    for (String segment :
        List.of("%FF", "%C3", "%00", "%0A", "..", ".", "%2E%2E", "a%3Bb", "%25")) {
      RawResponse r =
          raw(
              node.port(),
              "GET /v1/test/by-name/" + segment + "/count HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(r.status()).as(segment + ": " + r).isIn(200, 400, 404);
      if (r.status() == 400) {
        assertRawError(r, 400, "invalid_name", "bad_request");
      } else if (r.status() == 404) {
        assertRawError(r, 404, "not_found");
      }
    }
    assertThat(get(node, "/health/alive").statusCode()).isEqualTo(200);
  }

  @Test
  void anOversizedHeaderIsAJsonError() throws Exception {
    RawResponse r =
        raw(
            node.port(),
            "GET /v1/test/by-name/h/x HTTP/1.1\r\nHost: x\r\nX-Big: "
                + "b".repeat(20_000)
                + "\r\n\r\n");
    // 431 is not in the contract's table, but it is the precise status; the shape must hold.
    assertThat(r.status()).as(r.toString()).isIn(400, 431);
    assertRawError(r, r.status(), "bad_request", "invalid_header", "headers_too_large");
  }

  @Test
  void aBodyAbove1MiBAnnouncedWithExpectContinueIs413WithoutUploadingIt() throws Exception {
    // Raw: java.net.http.HttpClient (JDK 17) hangs past its timeout when a server answers an
    // Expect: 100-continue request with a final status instead of 100.
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", node.port()), 5000);
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("POST /v1/test/by-name/big/echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
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

  @Test
  void requestsToUnknownNamespacesDoNotCreateMetricSeries() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertError(get(node, "/v1/zz-unknown-" + i + "/by-name/x/y"), 404, "unknown_namespace");
      assertError(post(node, "/v1/zz-unknown-ids-" + i + "/ids", ""), 404, "unknown_namespace");
    }
    String metrics = get(node, "/metrics").body();
    assertThat(metrics).doesNotContain("zz-unknown-");
  }

  @Test
  void viewingAnObjectThatNeverStoredAnythingShowsItEmptyAndDoesNotListIt() throws Exception {
    String id = json(post(node, "/v1/test/ids", "")).path("id").asText();
    HttpResponse<String> r = get(node, "/admin/v1/test/objects/" + id, "Authorization", ADMIN);
    assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
    JsonNode view = json(r);
    assertThat(view.path("keyCount").asInt(-1)).isZero();
    assertThat(view.path("bytes").asLong(-1)).isZero();
    assertThat(view.path("lastSequenceNr").asLong(-1)).isZero();
    assertThat(view.path("lastWriteTime").isNull()).as(r.body()).isTrue();
    assertThat(view.path("name").isNull()).as(r.body()).isTrue();
    assertThat(view.path("entries").size()).isZero();
    assertThat(view.path("nextCursor").isNull()).as(r.body()).isTrue();
    List<String> listed = new ArrayList<>();
    json(get(node, "/admin/v1/test/objects?limit=1000", "Authorization", ADMIN))
        .path("objects")
        .forEach(o -> listed.add(o.path("id").asText()));
    assertThat(listed).doesNotContain(id);
  }

  @Test
  void conflictingBodyFramingIsAJsonError() throws Exception {
    RawResponse both =
        raw(
            node.port(),
            "POST /v1/test/by-name/frame/increment HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    if (both.status() != 200) {
      assertRawError(both, 400, "bad_request", "invalid_header");
    }
    RawResponse twoLengths =
        raw(
            node.port(),
            "POST /v1/test/by-name/frame/increment HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
                + "Content-Length: 2\r\n\r\nxx");
    assertRawError(twoLengths, 400, "bad_request", "invalid_header");
    assertThat(get(node, "/health/alive").statusCode()).isEqualTo(200);
  }

  @Test
  void anUnknownMethodReachesTheObjectOrIsAJsonError() throws Exception {
    RawResponse r = raw(node.port(), "PURGE /v1/test/by-name/m/x HTTP/1.1\r\nHost: x\r\n\r\n");
    if (r.status() == 200) {
      assertThat(GatewayTestSupport.JSON.readTree(r.body()).path("method").asText())
          .isEqualTo("PURGE");
    } else {
      assertRawError(r, r.status(), "method_not_allowed", "bad_request", "not_implemented");
    }
  }

  @Test
  void anObjectWhoseOnlyWriteWasRolledBackHoldsNoData() throws Exception {
    assertError(post(node, "/v1/test/by-name/only-threw/throw", ""), 500, "object_error");
    String id = nameId("test", "only-threw");
    for (JsonNode o :
        json(get(node, "/admin/v1/test/objects?limit=1000", "Authorization", ADMIN))
            .path("objects")) {
      if (o.path("id").asText().equals(id)) {
        assertThat(o.path("hasData").asBoolean()).as(o.toString()).isFalse();
      }
    }
    JsonNode view = json(get(node, "/admin/v1/test/objects/" + id, "Authorization", ADMIN));
    assertThat(view.path("keyCount").asInt(-1)).isZero();
    assertThat(view.path("lastSequenceNr").asLong(-1)).isZero();
  }

  @Test
  void concurrentIncrementsThroughTheGatewayAreEachAppliedOnce() throws Exception {
    int n = 50;
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(
          GatewayTestSupport.CLIENT.sendAsync(
              HttpRequest.newBuilder(
                      URI.create(node.baseUrl() + "/v1/test/by-name/crowd/increment"))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    Set<String> answers = new HashSet<>();
    for (CompletableFuture<HttpResponse<String>> f : all) {
      HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
      assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
      answers.add(r.body());
    }
    assertThat(answers).as("every increment saw a distinct count").hasSize(n);
    assertThat(get(node, "/v1/test/by-name/crowd/count").body()).isEqualTo(Integer.toString(n));
  }

  /**
   * Last: shuts {@link #limited} down while a request is in flight. The request completes (drain);
   * readiness asked meanwhile answers 200 before the shutdown begins and 503 not_ready (JSON)
   * after, or the connection is refused once the port is unbound, never anything else.
   */
  @Test
  @Order(Integer.MAX_VALUE)
  void shutdownDrainsInFlightRequestsAndNeverAnswersReadinessWrongly() throws Exception {
    GatewayNode closing = limited;
    int port = closing.port();
    CompletableFuture<HttpResponse<String>> slow =
        CompletableFuture.supplyAsync(
            () -> quietGet(closing, "/v1/test/by-name/drain/slow?ms=2500"));
    Thread.sleep(500);
    CompletableFuture<Void> closed = CompletableFuture.runAsync(closing::close);
    limited = null;
    List<RawResponse> answers = new ArrayList<>();
    int refused = 0;
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (System.nanoTime() < until) {
      try {
        answers.add(raw(port, "GET /health/ready HTTP/1.1\r\nHost: x\r\n\r\n"));
      } catch (IOException e) {
        refused++;
      }
      Thread.sleep(20);
    }
    HttpResponse<String> drained = slow.get(30, TimeUnit.SECONDS);
    closed.get(60, TimeUnit.SECONDS);
    assertThat(drained.statusCode())
        .as("in flight at shutdown: " + describe(drained))
        .isEqualTo(200);
    assertThat(drained.body()).isEqualTo("slept 2500");
    for (RawResponse r : answers) {
      if (r.status() != 200) {
        assertRawError(r, 503, "not_ready");
      }
    }
    assertThat(refused).as("the port is unbound during the drain").isPositive();
  }
}

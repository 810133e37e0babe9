package io.durableobjects.gateway;

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
import static io.durableobjects.gateway.GatewayTestSupport.quietGet;
import static io.durableobjects.gateway.GatewayTestSupport.raw;
import static io.durableobjects.gateway.GatewayTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.core.DurableObjectState;
import io.durableobjects.core.FetchHandler;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.core.internal.ObjectIds;
import io.durableobjects.gateway.GatewayTestSupport.RawResponse;
import io.durableobjects.gateway.testing.GatewayNode;
import io.durableobjects.gateway.testing.TestObject;
import io.durableobjects.testsupport.Await;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * The gateway's HTTP contract (/tmp/spec/api.md) where it needs real objects, on a real one-node
 * cluster ({@link #node}, with a short object request timeout for 504): the objects' state behind
 * names and IDs, the runtime's ID rules, idempotency keys, storage limits, objects that throw, time
 * out or cannot start, the admin API's data, readiness, and shutdown. The gateway's own translation
 * (what reaches an object, request IDs, malformed input, unknown routes, body and in-flight limits,
 * metrics) is tested without a cluster in {@link GatewayTranslationTest}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(90)
public class GatewayStatusTest {
  private static final String ADMIN = "Bearer " + GatewayNode.ADMIN_TOKEN;
  private static final int MIB = 1024 * 1024;

  private static GatewayNode node;

  /** An object whose response has the status, headers and body the request asks for. */
  public static final class ShapedObject implements FetchHandler {
    public ShapedObject(DurableObjectState state) {}

    @Override
    public Response fetch(Request request) {
      return GatewayTestSupport.shaped(request);
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
  }

  @AfterAll
  static void stopNodes() {
    if (node != null) {
      node.close();
    }
  }

  private static String nameId(String namespace, String name) {
    return ObjectIds.fromName(namespace, name);
  }

  // ---------------------------------------------------------------------------------------------
  // 200: object traffic.

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
            "POST /v1/test/by-name/idem-4/increment HTTP/1.1\r\nHost: localhost\r\n"
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
  // 413 from storage limits.

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
  // Health.

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

  // ---------------------------------------------------------------------------------------------
  // Edge cases: empty and rolled-back objects, concurrency, shutdown.

  @Test
  void aNameOf1024NonAsciiCharactersIsAddressable() throws Exception {
    // The gateway's decoding is in GatewayTranslationTest; here: the name's object is its ID's.
    // 1024 characters as the spec counts them, 6144 once percent-encoded in the URL.
    String name = "\u00e9".repeat(1024);
    String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8);
    HttpResponse<String> r = post(node, "/v1/test/by-name/" + encoded + "/increment", "");
    assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
    assertThat(get(node, "/v1/test/by-id/" + nameId("test", name) + "/count").body())
        .isEqualTo("1");
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
   * Shuts a node of its own down while a request is in flight. The request completes (drain);
   * readiness asked meanwhile answers 200 before the shutdown begins and 503 not_ready (JSON)
   * after, or the connection is refused once the port is unbound, never anything else.
   */
  @Test
  @Order(Integer.MAX_VALUE)
  void shutdownDrainsInFlightRequestsAndNeverAnswersReadinessWrongly() throws Exception {
    GatewayNode closing = GatewayNode.start();
    int port = closing.port();
    CompletableFuture<HttpResponse<String>> slow =
        CompletableFuture.supplyAsync(
            () -> quietGet(closing.baseUrl(), "/v1/test/by-name/drain/slow?ms=2500"));
    Await.until(
        "the slow request running in its object",
        Duration.ofSeconds(10),
        () -> TestObject.slowRunning("drain") > 0);
    CompletableFuture<Void> closed = CompletableFuture.runAsync(closing::close);
    List<RawResponse> answers = new ArrayList<>();
    int refused = 0;
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (System.nanoTime() < until) {
      try {
        answers.add(raw(port, "GET /health/ready HTTP/1.1\r\nHost: x\r\n\r\n"));
      } catch (IOException e) {
        refused++;
      }
      // The pace of this prober over the 2 s of the drain, not a wait for a condition.
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

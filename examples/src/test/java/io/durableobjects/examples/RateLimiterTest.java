package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.core.admin.PendingAlarm;
import io.durableobjects.examples.RateLimiter.Limits;
import io.durableobjects.examples.RateLimiter.Window;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private static final Instant T0 = Instant.parse("2025-01-31T12:00:00Z");

  private static ExampleNode node;

  @BeforeAll
  static void start() {
    node = new ExampleNode("RateLimiterTest");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static Response send(String key, String method, String path, String body)
      throws Exception {
    Request request = Request.of(method, path);
    return node.call("rate-limiter", key, body == null ? request : request.withBody(body));
  }

  private static Response acquire(String key) throws Exception {
    return send(key, "POST", "/acquire", null);
  }

  private static JsonNode json(Response response) throws Exception {
    return JsonResponses.JSON.readTree(response.bodyText());
  }

  // ---- the pure parts: window arithmetic, limits, settings --------------------------------------

  @Test
  void aWindowEndsItsLengthAfterItsStart() {
    Limits limits = new Limits(2, 10);
    Window window = Window.openAt(T0);
    assertThat(window.resetAt(limits)).isEqualTo(Instant.parse("2025-01-31T12:00:10Z"));
    assertThat(window.isOverAt(T0.plusMillis(9_999), limits)).isFalse();
    assertThat(window.isOverAt(T0.plusSeconds(10), limits)).isTrue();
    assertThat(window.remaining(limits)).isEqualTo(2);
    assertThat(window.acquired().acquired().remaining(limits)).isZero();
    // A lower limit than the count so far leaves nothing, never a negative number.
    assertThat(window.acquired().acquired().remaining(new Limits(1, 10))).isZero();
    // A window's length follows the limits it is read with.
    assertThat(window.resetAt(new Limits(2, 60))).isEqualTo(T0.plusSeconds(60));
  }

  @Test
  void retryAfterIsTheWholeSecondsLeftRoundedUpAndAtLeastOne() {
    assertThat(Window.retryAfterSeconds(T0, T0.plusSeconds(3600))).isEqualTo(3600);
    assertThat(Window.retryAfterSeconds(T0, T0.plusMillis(3_599_001))).isEqualTo(3600);
    assertThat(Window.retryAfterSeconds(T0, T0.plusMillis(1_001))).isEqualTo(2);
    assertThat(Window.retryAfterSeconds(T0, T0.plusMillis(1_000))).isEqualTo(1);
    assertThat(Window.retryAfterSeconds(T0, T0.plusMillis(1))).isEqualTo(1);
    assertThat(Window.retryAfterSeconds(T0, T0)).isEqualTo(1);
    assertThat(Window.retryAfterSeconds(T0, T0.minusSeconds(5))).isEqualTo(1);
  }

  @Test
  void limitsAreCheckedAtTheirBounds() {
    assertThat(Limits.problem(1, 1)).isEmpty();
    assertThat(Limits.problem(1_000_000, 2_592_000)).isEmpty();
    assertThat(Limits.problem(0, 60)).get().asString().contains("limit must be between 1 and");
    assertThat(Limits.problem(1_000_001, 60)).isPresent();
    assertThat(Limits.problem(10, 0)).get().asString().contains("windowSeconds must be between 1");
    assertThat(Limits.problem(10, 2_592_001)).isPresent();
    assertThatThrownBy(() -> new Limits(0, 60)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theDemoConfigurationAllowsAHundredAnHour() {
    assertThat(RateLimiterSettings.fromConfig(ConfigFactory.load()))
        .isEqualTo(new Limits(100, 3600));
    assertThat(RateLimiterSettings.fromConfig(ConfigFactory.empty()))
        .isEqualTo(new Limits(100, 3600));
    assertThat(
            RateLimiterSettings.fromConfig(
                ConfigFactory.parseString(
                    "durable-objects.examples.rate-limiter { limit = 5, window = 2m }")))
        .isEqualTo(new Limits(5, 120));
  }

  @Test
  void badSettingsNameTheKey() {
    String[] bads = {
      "limit = 0", "limit = 1000001", "window = 0s", "window = 1500ms", "window = 31d"
    };
    for (String bad : bads) {
      assertThatThrownBy(
              () ->
                  RateLimiterSettings.fromConfig(
                      ConfigFactory.parseString("durable-objects.examples.rate-limiter." + bad)))
          .as(bad)
          .isInstanceOf(ConfigException.BadValue.class)
          .hasMessageContaining("durable-objects.examples.rate-limiter." + bad.split(" ")[0]);
    }
  }

  @Test
  void answersAreJsonWithIsoInstants() throws Exception {
    assertThat(JsonResponses.json(new RateLimiter.Decision(true, 7, T0)).bodyText())
        .isEqualTo("{\"allowed\":true,\"remaining\":7,\"resetAt\":\"2025-01-31T12:00:00Z\"}");
    assertThat(JsonResponses.json(new RateLimiter.Status(0, 100, 100, null)).bodyText())
        .isEqualTo("{\"count\":0,\"limit\":100,\"remaining\":100,\"resetAt\":null}");
    assertThat(JsonResponses.json(new Limits(3, 60)).bodyText())
        .isEqualTo("{\"limit\":3,\"windowSeconds\":60}");
  }

  // ---- the object -------------------------------------------------------------------------------

  @Test
  void exactlyTheLimitIsAllowedThenTooManyRequestsWithRetryAfter() throws Exception {
    assertThat(send("hundred", "GET", "/config", null).bodyText())
        .isEqualTo("{\"limit\":100,\"windowSeconds\":3600}");
    Instant before = Instant.now();
    String resetAt = null;
    for (int i = 1; i <= 100; i++) {
      Response response = acquire("hundred");
      assertThat(response.status()).isEqualTo(200);
      JsonNode body = json(response);
      assertThat(body.get("allowed").booleanValue()).isTrue();
      assertThat(body.get("remaining").intValue()).isEqualTo(100 - i);
      if (resetAt == null) {
        resetAt = body.get("resetAt").textValue();
      }
      assertThat(body.get("resetAt").textValue()).as("one window").isEqualTo(resetAt);
    }
    assertThat(Instant.parse(resetAt))
        .isBetween(before.plusSeconds(3600).minusMillis(1), Instant.now().plusSeconds(3600));

    Response refused = acquire("hundred");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.bodyText())
        .isEqualTo("{\"allowed\":false,\"remaining\":0,\"resetAt\":\"" + resetAt + "\"}");
    assertThat(refused.header("Content-Type")).contains("application/json");
    assertThat(Long.parseLong(refused.header("Retry-After").orElseThrow())).isBetween(3590L, 3600L);
    assertThat(acquire("hundred").status()).isEqualTo(429);

    assertThat(node.inspect("rate-limiter", "hundred").alarms())
        .singleElement()
        .extracting(PendingAlarm::scheduledTime)
        .isEqualTo(Instant.parse(resetAt));

    // Keys are separate objects.
    assertThat(json(acquire("another")).get("remaining").intValue()).isEqualTo(99);
  }

  @Test
  void theStatusConsumesNothing() throws Exception {
    assertThat(send("status", "GET", "/", null).bodyText())
        .isEqualTo("{\"count\":0,\"limit\":100,\"remaining\":100,\"resetAt\":null}");
    String resetAt = json(acquire("status")).get("resetAt").textValue();
    String expected =
        "{\"count\":1,\"limit\":100,\"remaining\":99,\"resetAt\":\"" + resetAt + "\"}";
    assertThat(send("status", "GET", "/", null).bodyText()).isEqualTo(expected);
    assertThat(send("status", "GET", "/status", null).bodyText()).isEqualTo(expected);
    assertThat(json(acquire("status")).get("remaining").intValue()).isEqualTo(98);
  }

  @Test
  void aKeyHasItsOwnLimitsWhichApplyToTheCurrentWindow() throws Exception {
    Response set = send("own", "PUT", "/config", "{\"limit\": 3, \"windowSeconds\": 60}");
    assertThat(set.status()).isEqualTo(200);
    assertThat(set.bodyText()).isEqualTo("{\"limit\":3,\"windowSeconds\":60}");
    assertThat(send("own", "GET", "/config", null).bodyText())
        .isEqualTo("{\"limit\":3,\"windowSeconds\":60}");

    for (int remaining = 2; remaining >= 0; remaining--) {
      assertThat(json(acquire("own")).get("remaining").intValue()).isEqualTo(remaining);
    }
    Response refused = acquire("own");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(Long.parseLong(refused.header("Retry-After").orElseThrow())).isBetween(50L, 60L);

    // A higher limit lets the same window take more; the acquires so far stay counted.
    send("own", "PUT", "/config", "{\"limit\": 5, \"windowSeconds\": 60}");
    assertThat(json(acquire("own")).get("remaining").intValue()).isEqualTo(1);
    assertThat(json(acquire("own")).get("remaining").intValue()).isZero();
    assertThat(acquire("own").status()).isEqualTo(429);
    assertThat(json(send("own", "GET", "/", null)).get("count").intValue()).isEqualTo(5);

    // A longer window moves the current window's end with it.
    String resetAt = json(send("own", "GET", "/", null)).get("resetAt").textValue();
    send("own", "PUT", "/config", "{\"limit\": 5, \"windowSeconds\": 120}");
    assertThat(Instant.parse(json(send("own", "GET", "/", null)).get("resetAt").textValue()))
        .isEqualTo(Instant.parse(resetAt).plusSeconds(60));

    // Other keys keep the defaults.
    assertThat(send("not-own", "GET", "/config", null).bodyText())
        .isEqualTo("{\"limit\":100,\"windowSeconds\":3600}");
  }

  @Test
  void badConfigIsRefusedAndChangesNothing() throws Exception {
    send("strict", "PUT", "/config", "{\"limit\": 2, \"windowSeconds\": 30}");
    String[] bad = {
      "{\"limit\": 0, \"windowSeconds\": 30}",
      "{\"limit\": 1000001, \"windowSeconds\": 30}",
      "{\"limit\": 2, \"windowSeconds\": 0}",
      "{\"limit\": 2, \"windowSeconds\": 2592001}",
      "{\"limit\": 2.5, \"windowSeconds\": 30}",
      "{\"limit\": \"2\", \"windowSeconds\": 30}",
      "{\"limit\": 99999999999999999999, \"windowSeconds\": 30}",
      "{\"limit\": 2}",
      "[2, 30]",
      "not json",
      ""
    };
    for (String body : bad) {
      Response response = send("strict", "PUT", "/config", body);
      assertThat(response.status()).as(body).isEqualTo(400);
      assertThat(response.bodyText()).as(body).contains("\"error\":\"bad_request\"");
    }
    assertThat(send("strict", "PUT", "/config", "{\"limit\": 0, \"windowSeconds\": 30}").bodyText())
        .contains("limit must be between 1 and 1000000, got 0");
    assertThat(send("strict", "GET", "/config", null).bodyText())
        .isEqualTo("{\"limit\":2,\"windowSeconds\":30}");
  }

  @Test
  void wrongMethodsAndPathsAreRefused() throws Exception {
    Response get = send("routes", "GET", "/acquire", null);
    assertThat(get.status()).isEqualTo(405);
    assertThat(get.header("Allow")).contains("POST");
    assertThat(get.bodyText()).contains("\"error\":\"method_not_allowed\"");
    assertThat(send("routes", "POST", "/", null).status()).isEqualTo(405);
    assertThat(send("routes", "DELETE", "/config", null).header("Allow")).contains("GET, PUT");
    Response missing = send("routes", "GET", "/nope", null);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.bodyText()).contains("\"error\":\"not_found\"");
    // None of them counted.
    assertThat(json(send("routes", "GET", "/", null)).get("count").intValue()).isZero();
  }

  // ---- needs the runtime to deliver alarms ------------------------------------------------------

  @Test
  void theAlarmAtTheWindowsEndDeletesTheCountAndANewWindowStarts() throws Exception {
    send("short", "PUT", "/config", "{\"limit\": 2, \"windowSeconds\": 2}");
    assertThat(acquire("short").status()).isEqualTo(200);
    assertThat(acquire("short").status()).isEqualTo(200);
    Response refused = acquire("short");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(Long.parseLong(refused.header("Retry-After").orElseThrow())).isBetween(1L, 2L);
    assertThat(node.storedKeys("rate-limiter", "short")).containsExactly("limits", "window");
    assertThat(node.alarmNames("rate-limiter", "short")).containsExactly("default");

    // The window's alarm deletes its state: only the key's own limits are left, and no alarm.
    node.awaitAssert(
        Duration.ofSeconds(10),
        () -> {
          assertThat(node.storedKeys("rate-limiter", "short")).containsExactly("limits");
          assertThat(node.alarmNames("rate-limiter", "short")).isEmpty();
          return null;
        });
    JsonNode next = json(acquire("short"));
    assertThat(next.get("allowed").booleanValue()).isTrue();
    assertThat(next.get("remaining").intValue()).isEqualTo(1);
  }
}

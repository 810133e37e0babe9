package io.durableobjects.gateway;

import static io.durableobjects.gateway.GatewayTestSupport.JSON;
import static io.durableobjects.gateway.GatewayTestSupport.assertError;
import static io.durableobjects.gateway.GatewayTestSupport.get;
import static io.durableobjects.gateway.GatewayTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.gateway.testing.GatewayNode;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin routes the operator console uses (search by ID prefix and by name, namespace stats,
 * cluster, metrics) and the console's own files, on the scripted gateway: their answers, their
 * refusals of bad input, and the admin token.
 */
class ConsoleAdminRoutesTest {
  private static final String ADMIN = "Bearer " + GatewayNode.ADMIN_TOKEN;
  private static ScriptedGateway gateway;
  private static ScriptedGateway withoutConsole;

  @BeforeAll
  static void start() {
    gateway =
        ScriptedGateway.start(ConfigFactory.empty(), Map.of("counter", ScriptedGateway::echo));
    withoutConsole =
        ScriptedGateway.start(
            ConfigFactory.parseString("durable-objects.http.console.enabled = off"),
            Map.of("counter", ScriptedGateway::echo));
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (withoutConsole != null) {
      withoutConsole.close();
    }
  }

  private static HttpResponse<String> admin(String path) throws Exception {
    return get(gateway.baseUrl(), "/admin/v1/" + path, "Authorization", ADMIN);
  }

  private static JsonNode ok(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    return JSON.readTree(r.body());
  }

  @Test
  void aHexPrefixListsAPage() throws Exception {
    JsonNode page = ok(admin("counter/objects?prefix=0a1f&limit=10"));
    assertThat(page.get("objects").isArray()).isTrue();
    assertThat(page.get("nextCursor").isNull()).isTrue();
    // Uppercase hex names the same IDs.
    ok(admin("counter/objects?prefix=0A1F"));
  }

  @Test
  void aPrefixThatIsNotHexIsRefusedWithTheReason() throws Exception {
    JsonNode error = assertError(admin("counter/objects?prefix=0x12"), 400, "invalid_query");
    assertThat(error.get("message").asText())
        .contains("lowercase hex digits")
        .contains("'x' at index 1");
    JsonNode tooLong =
        assertError(admin("counter/objects?prefix=" + "a".repeat(65)), 400, "invalid_query");
    assertThat(tooLong.get("message").asText()).contains("65 characters");
  }

  @Test
  void aBadLimitOrCursorIsRefused() throws Exception {
    assertThat(
            assertError(admin("counter/objects?prefix=ab&limit=0"), 400, "invalid_query")
                .get("message")
                .asText())
        .contains("the limit must be a whole number from 1 to 1000");
    assertError(admin("counter/objects?prefix=ab&limit=ten"), 400, "invalid_query");
  }

  @Test
  void aNameFindsTheIdTheNamespaceDerivesFromIt() throws Exception {
    JsonNode page = ok(admin("counter/objects?name=my%20counter"));
    assertThat(page.get("objects")).hasSize(1);
    JsonNode object = page.get("objects").get(0);
    assertThat(object.get("name").asText()).isEqualTo("my counter");
    // The same ID the object API uses for that name.
    HttpResponse<String> echo =
        get(
            gateway.baseUrl(),
            "/v1/counter/by-name/my%20counter/",
            "Authorization",
            "Bearer " + GatewayNode.API_TOKEN);
    assertThat(object.get("id").asText()).isEqualTo(JSON.readTree(echo.body()).get("id").asText());
    assertThat(object.get("catalogued").asBoolean()).isFalse();
    assertThat(object.get("hasData").asBoolean()).isFalse();
  }

  @Test
  void aNameWithAPrefixOrAnEmptyNameIsRefused() throws Exception {
    assertThat(
            assertError(admin("counter/objects?name=a&prefix=ab"), 400, "invalid_query")
                .get("message")
                .asText())
        .contains("'name' finds one object");
    assertError(admin("counter/objects?name="), 400, "invalid_query");
  }

  @Test
  void anUnknownNamespaceIsNotFound() throws Exception {
    assertError(admin("nope/objects?prefix=ab"), 404, "unknown_namespace");
    assertError(admin("nope/objects?name=x"), 404, "unknown_namespace");
    assertError(admin("nope/stats"), 404, "unknown_namespace");
  }

  @Test
  void statsCountActiveAndStoredObjects() throws Exception {
    JsonNode stats = ok(admin("counter/stats"));
    assertThat(stats.get("namespace").asText()).isEqualTo("counter");
    assertThat(stats.get("class").asText()).isEqualTo("scripted.counter");
    assertThat(stats.get("activeObjects").asInt()).isZero();
    assertThat(stats.get("activeByNode").get(ScriptedGateway.SELF).asInt()).isZero();
    assertThat(stats.get("storedObjects").asLong()).isZero();
    assertThat(stats.get("storedObjectsExact").asBoolean()).isTrue();
  }

  @Test
  void clusterListsTheMembersWithTheirActiveObjects() throws Exception {
    JsonNode cluster = ok(admin("cluster"));
    assertThat(cluster.get("self").asText()).isEqualTo(ScriptedGateway.SELF);
    JsonNode member = cluster.get("members").get(0);
    assertThat(member.get("address").asText()).isEqualTo(ScriptedGateway.SELF);
    assertThat(member.get("status").asText()).isEqualTo("up");
    assertThat(member.get("reachable").asBoolean()).isTrue();
    assertThat(member.get("activeObjects").asInt()).isZero();
    assertThat(cluster.get("activeObjectsByNamespace").get("counter").asInt()).isZero();
  }

  @Test
  void metricsCountTheRequestsWithTheirHistogram() throws Exception {
    long before = ok(admin("metrics")).get("requests").get("count").asLong();
    get(gateway.baseUrl(), "/v1/counter/by-name/metrics/");
    JsonNode metrics = ok(admin("metrics"));
    JsonNode requests = metrics.get("requests");
    assertThat(requests.get("count").asLong()).isEqualTo(before + 1);
    // Cumulative buckets: the last holds every request (none took 30 s).
    JsonNode buckets = requests.get("buckets");
    assertThat(buckets.size()).isGreaterThan(10);
    assertThat(buckets.get(buckets.size() - 1).get(1).asLong()).isEqualTo(before + 1);
    assertThat(metrics.get("node").asText()).isEqualTo(ScriptedGateway.SELF);
    assertThat(metrics.has("journalWrites")).isTrue();
    assertThat(metrics.has("alarmsLag")).isTrue();
    assertThat(metrics.get("activeObjects").isNumber()).isTrue();
  }

  @Test
  void theNewRoutesNeedTheAdminToken() throws Exception {
    for (String path :
        new String[] {"cluster", "metrics", "counter/stats", "counter/objects?prefix=a"}) {
      assertError(get(gateway.baseUrl(), "/admin/v1/" + path), 401, "unauthorized");
      assertError(
          get(
              gateway.baseUrl(),
              "/admin/v1/" + path,
              "Authorization",
              "Bearer " + GatewayNode.API_TOKEN),
          403,
          "forbidden");
    }
  }

  @Test
  void theConsoleIsServedWithAStrictPolicy() throws Exception {
    HttpResponse<String> page = get(gateway.baseUrl(), "/console");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=UTF-8");
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(
            csp -> assertThat(csp).startsWith("default-src 'self';").doesNotContain("unsafe"));
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    // Nothing from elsewhere, no inline script or handler.
    assertThat(page.body())
        .contains("<script src=\"/console/console.js\" defer></script>")
        .doesNotContain("http://", "https://", "onclick=", "<style");
    assertThat(page.body().split("<script").length).isEqualTo(2);

    HttpResponse<String> js = get(gateway.baseUrl(), "/console/console.js");
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=UTF-8");
    assertThat(js.headers().firstValue("Content-Security-Policy")).isPresent();
    assertThat(js.body())
        .contains("sessionStorage")
        .doesNotContain("localStorage", "document.cookie");
    HttpResponse<String> css = get(gateway.baseUrl(), "/console/console.css");
    assertThat(css.headers().firstValue("Content-Type")).hasValue("text/css; charset=UTF-8");
  }

  @Test
  void theConsoleIsReadOnlyAndCanBeTurnedOff() throws Exception {
    assertError(send(gateway.baseUrl(), "POST", "/console", "x"), 405, "method_not_allowed");
    assertError(get(gateway.baseUrl(), "/console/other.js"), 404, "not_found");
    assertError(get(withoutConsole.baseUrl(), "/console"), 404, "not_found");
  }
}

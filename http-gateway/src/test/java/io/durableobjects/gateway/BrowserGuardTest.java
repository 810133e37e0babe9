package io.durableobjects.gateway;

import static io.durableobjects.gateway.GatewayTestSupport.JSON;
import static io.durableobjects.gateway.GatewayTestSupport.assertError;
import static io.durableobjects.gateway.GatewayTestSupport.assertRawError;
import static io.durableobjects.gateway.GatewayTestSupport.describe;
import static io.durableobjects.gateway.GatewayTestSupport.get;
import static io.durableobjects.gateway.GatewayTestSupport.post;
import static io.durableobjects.gateway.GatewayTestSupport.raw;
import static io.durableobjects.gateway.GatewayTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.gateway.GatewayTestSupport.RawResponse;
import io.durableobjects.gateway.testing.GatewayNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What keeps other sites' web pages away from the gateway (issue 17, "Browsers and the network"):
 * the Origin check on WebSocket upgrades and state-changing requests, the Host check while object
 * traffic needs no token (DNS rebinding), and a browser's token on a WebSocket as the subprotocol
 * {@code bearer.<token>} beside {@code durable-objects}.
 *
 * <p>Route tests against scripted gateways ({@link ScriptedGateway}): {@link #open} (loopback, auth
 * off), {@link #secured} (auth on) and {@link #partner} (auth off, one more origin allowed). Their
 * objects echo the request and count what reaches them. Upgrades there reach the object as plain
 * requests; the one test of a real 101 (the selected subprotocol) starts a node.
 */
@Timeout(90)
class BrowserGuardTest {
  private static final String EVIL = "https://evil.example";
  private static final String PARTNER = "https://app.example.com";

  private static ScriptedGateway open;
  private static ScriptedGateway secured;
  private static ScriptedGateway partner;
  private static final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() {
    Map<String, ScriptedGateway.Script> scripts = Map.of("test", BrowserGuardTest::counted);
    open = ScriptedGateway.start(ConfigFactory.empty(), scripts);
    secured =
        ScriptedGateway.start(
            ConfigFactory.parseString("durable-objects.http.auth.required = on"), scripts);
    partner =
        ScriptedGateway.start(
            ConfigFactory.parseString(
                "durable-objects.http.allowed-origins = \"" + PARTNER.toUpperCase() + ":443\""),
            scripts);
  }

  @AfterAll
  static void stop() {
    for (ScriptedGateway gateway : new ScriptedGateway[] {open, secured, partner}) {
      if (gateway != null) {
        gateway.close();
      }
    }
  }

  private static CompletionStage<Response> counted(DurableObjectId id, Request request) {
    calls.computeIfAbsent(id.name().orElse("?"), k -> new AtomicInteger()).incrementAndGet();
    return ScriptedGateway.echo(id, request);
  }

  private static int callsTo(String name) {
    AtomicInteger n = calls.get(name);
    return n == null ? 0 : n.get();
  }

  // --- Origin ---------------------------------------------------------------------------------

  @Test
  void aPostFromAnotherSitesPageIs403AndReachesNoObject() throws Exception {
    JsonNode error =
        assertError(
            post(open.baseUrl(), "/v1/test/by-name/csrf/increment", "", "Origin", EVIL),
            403,
            "origin_not_allowed");
    assertThat(error.path("message").asText()).contains(EVIL, "allowed-origins");
    assertError(
        send(open.baseUrl(), "DELETE", "/v1/test/by-name/csrf/x", "", "Origin", EVIL),
        403,
        "origin_not_allowed");
    assertError(
        post(open.baseUrl(), "/v1/test/rpc/by-name/csrf/add", "[1]", "Origin", EVIL),
        403,
        "origin_not_allowed");
    assertError(
        post(open.baseUrl(), "/v1/test/ids", "", "Origin", EVIL), 403, "origin_not_allowed");
    // Sandboxed frames and local files send "null".
    assertError(
        post(open.baseUrl(), "/v1/test/by-name/csrf/increment", "", "Origin", "null"),
        403,
        "origin_not_allowed");
    assertThat(callsTo("csrf")).as("nothing reached the object").isZero();
  }

  @Test
  void theGatewaysOwnPagesAndClientsWithoutOriginMayPost() throws Exception {
    HttpResponse<String> own =
        post(open.baseUrl(), "/v1/test/by-name/own/increment", "", "Origin", open.baseUrl());
    assertThat(own.statusCode()).as(describe(own)).isEqualTo(200);
    HttpResponse<String> curl = post(open.baseUrl(), "/v1/test/by-name/own/increment", "");
    assertThat(curl.statusCode()).as(describe(curl)).isEqualTo(200);
    // Same host, another port: another origin.
    assertError(
        post(
            open.baseUrl(),
            "/v1/test/by-name/own/increment",
            "",
            "Origin",
            "http://127.0.0.1:" + (open.port() == 1 ? 2 : open.port() - 1)),
        403,
        "origin_not_allowed");
    assertThat(callsTo("own")).isEqualTo(2);
  }

  @Test
  void aGetFromAnotherSitesPageIsNotChecked() throws Exception {
    // It changes nothing (by HTTP's rules), and without CORS headers the page cannot read it.
    HttpResponse<String> r = get(open.baseUrl(), "/v1/test/by-name/read/x", "Origin", EVIL);
    assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
  }

  @Test
  void aWebSocketUpgradeFromAnotherSitesPageIs403() throws Exception {
    RawResponse r =
        raw(open.port(), upgrade(open.port(), "/v1/test/by-name/hijack/ws", "Origin: " + EVIL));
    assertRawError(r, 403, "origin_not_allowed");
    assertThat(callsTo("hijack")).isZero();
    RawResponse own =
        raw(
            open.port(),
            upgrade(open.port(), "/v1/test/by-name/hijack/ws", "Origin: " + open.baseUrl()));
    assertThat(own.status()).as(own.toString()).isEqualTo(200); // the echo, as a plain request
  }

  @Test
  void aConfiguredOriginMayPostAndOthersStillMayNot() throws Exception {
    HttpResponse<String> ok =
        post(partner.baseUrl(), "/v1/test/by-name/p/increment", "", "Origin", PARTNER);
    assertThat(ok.statusCode()).as(describe(ok)).isEqualTo(200);
    assertError(
        post(partner.baseUrl(), "/v1/test/by-name/p/increment", "", "Origin", EVIL),
        403,
        "origin_not_allowed");
  }

  @Test
  void theAdminApiChecksTheOriginToo() throws Exception {
    assertError(
        send(
            open.baseUrl(),
            "DELETE",
            "/admin/v1/test/objects/" + "0".repeat(64),
            "",
            "Origin",
            EVIL,
            "Authorization",
            "Bearer " + GatewayNode.ADMIN_TOKEN),
        403,
        "origin_not_allowed");
  }

  // --- Host -----------------------------------------------------------------------------------

  @Test
  void withAuthOffAForeignHostIs403AndLoopbackNamesPass() throws Exception {
    RawResponse rebound =
        raw(open.port(), request("POST", "/v1/test/by-name/rebind/increment", "evil.example"));
    JsonNode error = assertRawError(rebound, 403, "host_not_allowed");
    assertThat(error.path("message").asText()).contains("evil.example", "allowed-hosts");
    assertRawError(
        raw(
            open.port(),
            request("GET", "/v1/test/by-name/rebind/x", "evil.example:" + open.port())),
        403,
        "host_not_allowed");
    assertThat(callsTo("rebind")).isZero();
    for (String host : new String[] {"localhost", "127.0.0.1", "[::1]", "LOCALHOST"}) {
      RawResponse ok =
          raw(open.port(), request("GET", "/v1/test/by-name/rebind/x", host + ":" + open.port()));
      assertThat(ok.status()).as(host + ": " + ok).isEqualTo(200);
    }
  }

  @Test
  void withAuthOnTheHostIsNotChecked() throws Exception {
    RawResponse r =
        raw(
            secured.port(),
            request("GET", "/v1/test/by-name/named/x", "do.example.com")
                .replace(
                    "\r\n\r\n", "\r\nAuthorization: Bearer " + GatewayNode.API_TOKEN + "\r\n\r\n"));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  // --- A browser's token on a WebSocket -------------------------------------------------------

  @Test
  void anUpgradeCarriesItsTokenAsASubprotocolAndTheObjectNeverSeesIt() throws Exception {
    RawResponse r =
        raw(
            secured.port(),
            upgrade(
                secured.port(),
                "/v1/test/by-name/socket/ws",
                "Sec-WebSocket-Protocol: durable-objects, bearer." + GatewayNode.API_TOKEN));
    assertThat(r.status()).as(r.toString()).isEqualTo(200); // the echo, as a plain request
    JsonNode echoed = JSON.readTree(r.body());
    assertThat(echoed.path("headers").path("sec-websocket-protocol").asText())
        .isEqualTo("durable-objects");
    assertThat(r.body()).doesNotContain(GatewayNode.API_TOKEN);
  }

  @Test
  void aWrongSubprotocolTokenIs403AndOneOutsideAnUpgradeIs401() throws Exception {
    assertRawError(
        raw(
            secured.port(),
            upgrade(
                secured.port(),
                "/v1/test/by-name/socket/ws",
                "Sec-WebSocket-Protocol: durable-objects, bearer.wrong-token-0123456789")),
        403,
        "forbidden");
    String notAnUpgrade =
        request("GET", "/v1/test/by-name/socket/x", "127.0.0.1")
            .replace(
                "\r\n\r\n",
                "\r\nSec-WebSocket-Protocol: durable-objects, bearer."
                    + GatewayNode.API_TOKEN
                    + "\r\n\r\n");
    assertRawError(raw(secured.port(), notAnUpgrade), 401, "unauthorized");
  }

  @Test
  void aSubprotocolTokenWithoutTheGatewaysSubprotocolIs400() throws Exception {
    JsonNode error =
        assertRawError(
            raw(
                secured.port(),
                upgrade(
                    secured.port(),
                    "/v1/test/by-name/socket/ws",
                    "Sec-WebSocket-Protocol: bearer." + GatewayNode.API_TOKEN)),
            400,
            "invalid_header");
    assertThat(error.path("message").asText()).contains("durable-objects");
  }

  @Test
  void aRealUpgradeWithASubprotocolTokenSelectsDurableObjects() throws Exception {
    try (GatewayNode node =
        GatewayNode.start(ConfigFactory.parseString("durable-objects.http.auth.required = on"))) {
      HttpClient client = HttpClient.newHttpClient();
      WebSocket socket =
          client
              .newWebSocketBuilder()
              .subprotocols("durable-objects", "bearer." + GatewayNode.API_TOKEN)
              .connectTimeout(Duration.ofSeconds(10))
              .buildAsync(
                  URI.create("ws://127.0.0.1:" + node.port() + "/v1/test/by-name/real/ws"),
                  new WebSocket.Listener() {})
              .get(20, TimeUnit.SECONDS);
      assertThat(socket.getSubprotocol()).isEqualTo("durable-objects");
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    }
  }

  // --- Configuration --------------------------------------------------------------------------

  @Test
  void malformedAllowListsFailAtStartNamingTheKey() {
    for (String origin : new String[] {"app.example.com", "https://app.example.com/", "ftp://x"}) {
      assertThatThrownBy(
              () ->
                  GatewaySettings.fromConfig(
                      DurableObjectsServer.loadConfig(
                          ConfigFactory.parseString(
                              "durable-objects.http.allowed-origins = \"" + origin + "\""))))
          .isInstanceOf(ConfigException.BadValue.class)
          .hasMessageContaining("durable-objects.http.allowed-origins")
          .hasMessageContaining(origin);
    }
    assertThatThrownBy(
            () ->
                GatewaySettings.fromConfig(
                    DurableObjectsServer.loadConfig(
                        ConfigFactory.parseString(
                            "durable-objects.http.allowed-hosts = \"localhost:8080\""))))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("durable-objects.http.allowed-hosts");
  }

  @Test
  void theDefaultsAllowTheLoopbackNamesAndNoOtherOrigin() {
    BrowserSettings defaults =
        GatewaySettings.fromConfig(DurableObjectsServer.loadConfig(ConfigFactory.empty()))
            .browser();
    assertThat(defaults.allowedHosts())
        .containsExactlyInAnyOrder("localhost", "127.0.0.1", "[::1]");
    assertThat(defaults.allowedOrigins()).isEmpty();
    assertThat(defaults.anyOrigin()).isFalse();
  }

  // ---------------------------------------------------------------------------------------------

  private static String request(String method, String path, String host) {
    return method
        + " "
        + path
        + " HTTP/1.1\r\nHost: "
        + host
        + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  }

  /**
   * A WebSocket upgrade request for {@code path} at 127.0.0.1:{@code port}, with {@code
   * extraHeader}.
   */
  private static String upgrade(int port, String path, String extraHeader) {
    return "GET "
        + path
        + " HTTP/1.1\r\nHost: 127.0.0.1:"
        + port
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        + extraHeader
        + "\r\n\r\n";
  }
}

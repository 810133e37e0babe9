package io.durableobjects.gateway;

import static io.durableobjects.gateway.GatewayTestSupport.assertError;
import static io.durableobjects.gateway.GatewayTestSupport.describe;
import static io.durableobjects.gateway.GatewayTestSupport.get;
import static io.durableobjects.gateway.GatewayTestSupport.json;
import static io.durableobjects.gateway.GatewayTestSupport.post;
import static io.durableobjects.gateway.GatewayTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.gateway.testing.GatewayNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Authentication of the gateway (/tmp/spec/api.md): the admin API always needs the admin token;
 * object traffic needs an API token when {@code auth.required} is on; bad auth configuration stops
 * the node at start with a message naming the key; no token ever reaches the log.
 *
 * <p>Auth is the gateway's alone, so two scripted gateways ({@link ScriptedGateway}, no cluster)
 * take the requests: {@link #securedGateway} ({@code auth.required = on}, a second namespace {@code
 * other} for the namespace-scoped token) and {@link #openGateway} (auth auto on loopback, hence
 * off; admin API disabled by an empty admin token). Their objects echo and count the requests that
 * reach them. The start checks and the log check start real nodes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(90)
class GatewayAuthTest {
  private static final String ADMIN = "Bearer " + GatewayNode.ADMIN_TOKEN;
  private static final String API = "Bearer " + GatewayNode.API_TOKEN;
  private static final String SCOPED_TOKEN =
      GatewayNode.TEST_ONLY_TOKEN.substring(GatewayNode.TEST_ONLY_TOKEN.indexOf(':') + 1);
  private static final String SCOPED = "Bearer " + SCOPED_TOKEN;
  private static final String WRONG_TOKEN = "wrong-token-SECRET-4711-abcdefgh";
  private static final String WWW_AUTHENTICATE = "Bearer realm=\"durable-objects\"";

  private static ScriptedGateway securedGateway;
  private static ScriptedGateway openGateway;
  private static String secured;
  private static String open;
  private static ListAppender<ILoggingEvent> logs;
  private static Level rootLevel;

  /** Every token value used in this class, configured or tried. */
  private static final List<String> secrets = new ArrayList<>();

  /** How many requests reached each object, as {@code namespace/name}. */
  private static final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    rootLevel = root.getLevel();
    root.setLevel(Level.DEBUG);
    secrets.addAll(
        List.of(GatewayNode.ADMIN_TOKEN, GatewayNode.API_TOKEN, SCOPED_TOKEN, WRONG_TOKEN));

    Map<String, ScriptedGateway.Script> scripts =
        Map.of("test", GatewayAuthTest::counted, "other", GatewayAuthTest::counted);
    securedGateway =
        ScriptedGateway.start(
            ConfigFactory.parseString("durable-objects.http.auth.required = on"), scripts);
    openGateway =
        ScriptedGateway.start(
            ConfigFactory.parseString("durable-objects.http.auth.admin-token = \"\""), scripts);
    secured = securedGateway.baseUrl();
    open = openGateway.baseUrl();
  }

  @AfterAll
  static void stop() {
    try {
      if (securedGateway != null) {
        securedGateway.close();
      }
      if (openGateway != null) {
        openGateway.close();
      }
    } finally {
      Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      root.detachAppender(logs);
      root.setLevel(rootLevel);
    }
  }

  private static CompletionStage<Response> counted(DurableObjectId id, Request request) {
    calls
        .computeIfAbsent(
            id.namespace() + "/" + id.name().orElse(id.toString()), k -> new AtomicInteger())
        .incrementAndGet();
    return ScriptedGateway.echo(id, request);
  }

  private static int callsTo(String namespaceAndName) {
    return calls.getOrDefault(namespaceAndName, new AtomicInteger()).get();
  }

  private static String id() {
    return "0123456789abcdef".repeat(4);
  }

  /** The four admin routes, as method and path. */
  private static List<String[]> adminRoutes() {
    return List.of(
        new String[] {"GET", "/admin/v1/namespaces"},
        new String[] {"GET", "/admin/v1/test/objects"},
        new String[] {"GET", "/admin/v1/test/objects/" + id()},
        new String[] {"DELETE", "/admin/v1/test/objects/" + id()});
  }

  private static HttpResponse<String> call(String gateway, String[] route, String... headers)
      throws Exception {
    return send(gateway, route[0], route[1], (byte[]) null, headers);
  }

  private static void assert401(HttpResponse<String> r) throws Exception {
    assertError(r, 401, "unauthorized");
    assertThat(r.headers().firstValue("WWW-Authenticate"))
        .as(describe(r))
        .hasValue(WWW_AUTHENTICATE);
  }

  // ---------------------------------------------------------------------------------------------
  // Admin API.

  @Test
  void adminWithoutATokenIs401WithWwwAuthenticate() throws Exception {
    for (String[] route : adminRoutes()) {
      assert401(call(secured, route));
    }
  }

  @Test
  void adminWithAMalformedAuthorizationIs401() throws Exception {
    for (String[] route : adminRoutes()) {
      for (String malformed :
          List.of(
              "Basic x",
              "Basic " + GatewayNode.ADMIN_TOKEN,
              "Bearer",
              "Token " + GatewayNode.ADMIN_TOKEN,
              GatewayNode.ADMIN_TOKEN)) {
        HttpResponse<String> r = call(secured, route, "Authorization", malformed);
        assertThat(r.statusCode()).as(malformed + ": " + describe(r)).isEqualTo(401);
        assert401(r);
      }
    }
  }

  @Test
  void adminWithAWrongTokenIs403() throws Exception {
    for (String[] route : adminRoutes()) {
      HttpResponse<String> r = call(secured, route, "Authorization", "Bearer " + WRONG_TOKEN);
      assertError(r, 403, "forbidden");
      assertThat(r.body()).doesNotContain(WRONG_TOKEN);
    }
  }

  @Test
  void adminWithAnApiTokenIs403() throws Exception {
    for (String[] route : adminRoutes()) {
      assertError(call(secured, route, "Authorization", API), 403, "forbidden");
      assertError(call(secured, route, "Authorization", SCOPED), 403, "forbidden");
    }
  }

  @Test
  void adminWithTheAdminTokenIs2xx() throws Exception {
    assertThat(
            post(secured, "/v1/test/by-name/admin-target/increment", "", "Authorization", API)
                .statusCode())
        .isEqualTo(200);
    for (String[] route : adminRoutes()) {
      HttpResponse<String> r = call(secured, route, "Authorization", ADMIN);
      assertThat(r.statusCode()).as(describe(r)).isBetween(200, 299);
    }
  }

  @Test
  void theBearerSchemeIsCaseInsensitive() throws Exception {
    // RFC 7235 section 2.1: the auth-scheme is case-insensitive.
    HttpResponse<String> r =
        get(secured, "/admin/v1/namespaces", "Authorization", "bearer " + GatewayNode.ADMIN_TOKEN);
    assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
  }

  @Test
  void adminIsForbiddenWhenNoAdminTokenIsConfigured() throws Exception {
    for (String[] route : adminRoutes()) {
      assertError(call(open, route, "Authorization", ADMIN), 403, "forbidden");
      assertError(call(open, route, "Authorization", "Bearer " + WRONG_TOKEN), 403, "forbidden");
      // Nothing to authenticate against: a 401 would invite the client to send credentials.
      assertError(call(open, route), 403, "forbidden");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Object traffic with auth on.

  @Test
  void objectTrafficWithoutATokenIs401() throws Exception {
    assert401(get(secured, "/v1/test/by-name/a/count"));
    assert401(get(secured, "/v1/test/by-id/" + id() + "/count"));
    assert401(post(secured, "/v1/test/ids", ""));
    assertThat(callsTo("test/a") + callsTo("test/" + id())).as("nothing ran").isZero();
  }

  @Test
  void objectTrafficWithAMalformedAuthorizationIs401() throws Exception {
    for (String malformed :
        List.of("Basic x", "Bearer", GatewayNode.API_TOKEN, "Token " + GatewayNode.API_TOKEN)) {
      HttpResponse<String> r = get(secured, "/v1/test/by-name/a/count", "Authorization", malformed);
      assertThat(r.statusCode()).as(malformed + ": " + describe(r)).isEqualTo(401);
      assert401(r);
    }
  }

  @Test
  void objectTrafficWithAWrongTokenIs403AndNothingRuns() throws Exception {
    HttpResponse<String> r =
        post(
            secured,
            "/v1/test/by-name/wrong/increment",
            "",
            "Authorization",
            "Bearer " + WRONG_TOKEN);
    assertError(r, 403, "forbidden");
    assertError(
        post(secured, "/v1/test/ids", "", "Authorization", "Bearer " + WRONG_TOKEN),
        403,
        "forbidden");
    // The admin token is not an API token.
    assertError(
        get(secured, "/v1/test/by-name/wrong/count", "Authorization", ADMIN), 403, "forbidden");
    assertThat(callsTo("test/wrong")).as("nothing ran").isZero();
  }

  @Test
  void aGlobalTokenOpensEveryNamespace() throws Exception {
    for (String ns : List.of("test", "other")) {
      HttpResponse<String> r =
          post(secured, "/v1/" + ns + "/by-name/g/increment", "", "Authorization", API);
      assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
      HttpResponse<String> ids = post(secured, "/v1/" + ns + "/ids", "", "Authorization", API);
      assertThat(ids.statusCode()).as(describe(ids)).isEqualTo(200);
      String id = json(ids).path("id").asText();
      HttpResponse<String> byId =
          get(secured, "/v1/" + ns + "/by-id/" + id + "/count", "Authorization", API);
      assertThat(byId.statusCode()).as(describe(byId)).isEqualTo(200);
    }
  }

  @Test
  void aNamespaceScopedTokenOpensOnlyItsNamespace() throws Exception {
    HttpResponse<String> ok =
        post(secured, "/v1/test/by-name/s/increment", "", "Authorization", SCOPED);
    assertThat(ok.statusCode()).as(describe(ok)).isEqualTo(200);
    assertThat(post(secured, "/v1/test/ids", "", "Authorization", SCOPED).statusCode())
        .isEqualTo(200);
    HttpResponse<String> otherNamespace =
        post(secured, "/v1/other/by-name/s/increment", "", "Authorization", SCOPED);
    assertError(otherNamespace, 403, "forbidden");
    assertError(post(secured, "/v1/other/ids", "", "Authorization", SCOPED), 403, "forbidden");
    // The answer does not tell a token valid elsewhere from a wrong one.
    HttpResponse<String> wrong =
        post(
            secured, "/v1/other/by-name/s/increment", "", "Authorization", "Bearer " + WRONG_TOKEN);
    assertThat(json(otherNamespace).path("message").asText()).isEqualTo("forbidden");
    assertThat(otherNamespace.body()).isEqualTo(wrong.body());
    // The whole configured entry "test:<token>" is not itself a token.
    assertError(
        get(
            secured,
            "/v1/test/by-name/s/count",
            "Authorization",
            "Bearer " + GatewayNode.TEST_ONLY_TOKEN),
        403,
        "forbidden");
    assertThat(callsTo("other/s")).as("nothing ran in the other namespace").isZero();
  }

  @Test
  void anUnknownNamespaceWithAGlobalTokenIs404() throws Exception {
    assertError(
        get(secured, "/v1/nope/by-name/x/count", "Authorization", API), 404, "unknown_namespace");
    assertError(post(secured, "/v1/nope/ids", "", "Authorization", API), 404, "unknown_namespace");
  }

  @Test
  void authorizationDoesNotReachTheObjectWhenAuthIsOn() throws Exception {
    HttpResponse<String> r =
        get(secured, "/v1/test/by-name/echo/x", "Authorization", API, "X-Other", "kept");
    assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
    assertThat(json(r).path("headers").path("x-other").asText()).isEqualTo("kept");
    assertThat(json(r).path("headers").has("authorization")).as(r.body()).isFalse();
    assertThat(r.body()).doesNotContain(GatewayNode.API_TOKEN);
  }

  @Test
  void healthMetricsAndDescriptionNeedNoToken() throws Exception {
    for (String path : List.of("/health/alive", "/health/ready", "/metrics", "/openapi.yaml")) {
      HttpResponse<String> r = get(secured, path);
      assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Object traffic with auth off.

  @Test
  void withAuthOffNoTokenIsNeeded() throws Exception {
    HttpResponse<String> r = post(open, "/v1/test/by-name/free/increment", "");
    assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
    HttpResponse<String> ids = post(open, "/v1/test/ids", "");
    assertThat(ids.statusCode()).as(describe(ids)).isEqualTo(200);
    HttpResponse<String> byId =
        get(open, "/v1/test/by-id/" + json(ids).path("id").asText() + "/count");
    assertThat(byId.statusCode()).as(describe(byId)).isEqualTo(200);
    // Even a token that would be wrong does not matter: the gateway does not check it.
    HttpResponse<String> anyToken =
        get(open, "/v1/test/by-name/free/count", "Authorization", "Bearer " + WRONG_TOKEN);
    assertThat(anyToken.statusCode()).as(describe(anyToken)).isEqualTo(200);
    assertThat(callsTo("test/free")).isEqualTo(2);
  }

  // ---------------------------------------------------------------------------------------------
  // Configuration validation at start.

  private static Throwable startFailure(String hocon) {
    GatewayNode started = null;
    try {
      started = GatewayNode.start(ConfigFactory.parseString(hocon));
    } catch (RuntimeException e) {
      return e;
    } finally {
      if (started != null) {
        started.close();
      }
    }
    throw new AssertionError("the node started with: " + hocon);
  }

  @Test
  void authRequiredWithoutTokensFailsAtStart() {
    Throwable e =
        startFailure(
            """
            durable-objects.http.auth.required = on
            durable-objects.http.auth.tokens = ""
            """);
    assertThat(e)
        .isInstanceOfAny(com.typesafe.config.ConfigException.class, IllegalStateException.class);
    assertThat(e.getMessage()).contains("durable-objects.http.auth.tokens");
    assertNoSecret(e.getMessage());
  }

  @Test
  void aTokenShorterThan16CharactersFailsAtStart() {
    String shortToken = "short-tok-15chr";
    secrets.add(shortToken);
    Throwable e =
        startFailure(
            "durable-objects.http.auth.tokens = \""
                + GatewayNode.API_TOKEN
                + ","
                + shortToken
                + "\"");
    assertThat(e)
        .isInstanceOfAny(com.typesafe.config.ConfigException.class, IllegalStateException.class);
    assertThat(e.getMessage()).contains("durable-objects.http.auth.tokens").contains("16");
    assertThat(e.getMessage())
        .as("the message must not print the token")
        .doesNotContain(shortToken);
    assertNoSecret(e.getMessage());

    String scopedShort = "short-scoped";
    secrets.add(scopedShort);
    Throwable scoped =
        startFailure("durable-objects.http.auth.tokens = \"test:" + scopedShort + "\"");
    assertThat(scoped.getMessage())
        .contains("durable-objects.http.auth.tokens")
        .doesNotContain(scopedShort);
  }

  @Test
  void aTokenLongerThan256CharactersFailsAtStart() {
    String longToken = "L".repeat(257);
    Throwable e = startFailure("durable-objects.http.auth.tokens = \"" + longToken + "\"");
    assertThat(e.getMessage())
        .contains("durable-objects.http.auth.tokens")
        .contains("256")
        .doesNotContain(longToken);
  }

  @Test
  void aShortAdminTokenFailsAtStart() {
    String shortAdmin = "adm-short";
    secrets.add(shortAdmin);
    Throwable e = startFailure("durable-objects.http.auth.admin-token = \"" + shortAdmin + "\"");
    assertThat(e)
        .isInstanceOfAny(com.typesafe.config.ConfigException.class, IllegalStateException.class);
    assertThat(e.getMessage())
        .contains("durable-objects.http.auth.admin-token")
        .doesNotContain(shortAdmin);
  }

  @Test
  void autoAuthOnANonLoopbackHostWithoutTokensFailsAtStart() {
    Throwable e =
        startFailure(
            """
            durable-objects.http.host = "0.0.0.0"
            durable-objects.http.auth.required = auto
            durable-objects.http.auth.tokens = ""
            """);
    assertThat(e)
        .isInstanceOfAny(com.typesafe.config.ConfigException.class, IllegalStateException.class);
    assertThat(e.getMessage()).contains("durable-objects.http.auth.tokens");
    assertThat(e.getMessage()).containsAnyOf("0.0.0.0", "loopback");
  }

  @Test
  void anUnknownAuthRequiredValueFailsAtStart() {
    Throwable e = startFailure("durable-objects.http.auth.required = sometimes");
    assertThat(e.getMessage()).contains("durable-objects.http.auth.required").contains("sometimes");
  }

  private static void assertNoSecret(String text) {
    for (String secret : secrets) {
      assertThat(text).doesNotContain(secret);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Logs.

  @Test
  @Order(Integer.MAX_VALUE)
  void noTokenValueEverAppearsInTheLog() throws Exception {
    // A real node with tokens, started and stopped: its log is part of what is checked below.
    try (GatewayNode node =
        GatewayNode.start(ConfigFactory.parseString("durable-objects.http.auth.required = on"))) {
      assertThat(node.get("/health/alive").statusCode()).isEqualTo(200);
      get(node, "/v1/test/by-name/x/count", "Authorization", "Bearer " + WRONG_TOKEN);
      get(node, "/admin/v1/namespaces", "Authorization", "Bearer " + WRONG_TOKEN);
    }
    // Failed attempts of every kind, then the log of the whole class (node starts included).
    for (String auth :
        List.of(
            "Bearer " + WRONG_TOKEN,
            "Basic " + WRONG_TOKEN,
            WRONG_TOKEN,
            "Bearer " + GatewayNode.API_TOKEN)) {
      get(secured, "/admin/v1/namespaces", "Authorization", auth);
      get(
          secured,
          "/v1/other/by-name/x/count",
          "Authorization",
          auth.replace(GatewayNode.API_TOKEN, SCOPED_TOKEN));
      get(secured, "/v1/test/by-name/x/count", "Authorization", auth);
      get(open, "/admin/v1/namespaces", "Authorization", auth);
    }
    // Syntactically illegal Authorization headers, which a parser might warn about, value included.
    for (String illegal :
        List.of(
            "Bearer " + WRONG_TOKEN + " trailing junk",
            "Bearer \"" + WRONG_TOKEN + "\"",
            "Bearer " + WRONG_TOKEN + ",,",
            "Bearer " + GatewayNode.API_TOKEN + " x")) {
      get(secured, "/admin/v1/namespaces", "Authorization", illegal);
      get(secured, "/v1/test/by-name/x/count", "Authorization", illegal);
    }
    get(secured, "/admin/v1/namespaces", "Authorization", ADMIN);
    List<String> leaks = new ArrayList<>();
    for (ILoggingEvent event : List.copyOf(logs.list)) {
      StringBuilder text = new StringBuilder(String.valueOf(event.getFormattedMessage()));
      event.getMDCPropertyMap().forEach((k, v) -> text.append(' ').append(k).append('=').append(v));
      for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
        text.append(' ').append(t.getClassName()).append(": ").append(t.getMessage());
        for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
          text.append(' ').append(frame.getSTEAsString());
        }
      }
      for (String secret : secrets) {
        if (text.indexOf(secret) >= 0) {
          leaks.add(event.getLevel() + " " + event.getLoggerName() + ": " + text);
        }
      }
    }
    assertThat(leaks).as("log events that contain a token").isEmpty();
  }
}

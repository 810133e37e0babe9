package io.durableobjects.gateway;

import static io.durableobjects.gateway.GatewayTestSupport.assertError;
import static io.durableobjects.gateway.GatewayTestSupport.describe;
import static io.durableobjects.gateway.GatewayTestSupport.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.gateway.testing.GatewayNode;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} with a metrics token ({@code durable-objects.http.metrics.token}, {@code
 * DO_METRICS_TOKEN}): refused without it (401, with the challenge) and with another token (403), as
 * the other routes' auth errors are; served with it; and open to all without one.
 */
class MetricsTokenTest {
  private static final String METRICS_TOKEN = "metrics-token-0123456789";

  private static ScriptedGateway guarded;
  private static ScriptedGateway open;

  @BeforeAll
  static void start() {
    guarded =
        ScriptedGateway.start(
            ConfigFactory.parseString(
                "durable-objects.http.metrics.token = \"" + METRICS_TOKEN + "\""),
            Map.of("test", (id, request) -> ScriptedGateway.echo(id, request)));
    open =
        ScriptedGateway.start(
            ConfigFactory.empty(),
            Map.of("test", (id, request) -> ScriptedGateway.echo(id, request)));
  }

  @AfterAll
  static void stop() {
    if (guarded != null) {
      guarded.close();
    }
    if (open != null) {
      open.close();
    }
  }

  @Test
  void withoutTheTokenMetricsAnswer401WithTheChallenge() throws Exception {
    HttpResponse<String> r = get(guarded.baseUrl(), "/metrics");
    assertError(r, 401, "unauthorized");
    assertThat(r.headers().firstValue("WWW-Authenticate"))
        .as(describe(r))
        .hasValue("Bearer realm=\"durable-objects\"");
    assertThat(r.body()).doesNotContain("# TYPE");
  }

  @Test
  void anotherTokenIsForbiddenEvenTheApiAndAdminTokens() throws Exception {
    for (String token :
        new String[] {"wrong-token-0123456789", GatewayNode.API_TOKEN, GatewayNode.ADMIN_TOKEN}) {
      HttpResponse<String> r =
          get(guarded.baseUrl(), "/metrics", "Authorization", "Bearer " + token);
      assertThat(assertError(r, 403, "forbidden").path("message").asText())
          .isEqualTo("the token is not the metrics token");
      assertThat(r.body()).doesNotContain(token);
    }
  }

  @Test
  void theTokenReadsTheMetrics() throws Exception {
    HttpResponse<String> r =
        get(guarded.baseUrl(), "/metrics", "Authorization", "Bearer " + METRICS_TOKEN);
    assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain"));
    // The health routes stay open: the token guards /metrics only.
    assertThat(get(guarded.baseUrl(), "/health/alive").statusCode()).isEqualTo(200);
  }

  @Test
  void withoutAConfiguredTokenMetricsAreOpen() throws Exception {
    HttpResponse<String> r = get(open.baseUrl(), "/metrics");
    assertThat(r.statusCode()).as(describe(r)).isEqualTo(200);
  }

  @Test
  void aTokenThatIsTooShortStopsTheNodeWithTheSettingsName() {
    assertThatThrownBy(
            () ->
                GatewaySettings.fromConfig(
                    DurableObjectsServer.loadConfig(
                        ConfigFactory.parseString("DO_METRICS_TOKEN = short"))))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("durable-objects.http.metrics.token")
        .hasMessageContaining("DO_METRICS_TOKEN")
        .hasMessageContaining("16 to 256 visible ASCII characters")
        .hasMessageNotContaining("short\"");
  }
}

package io.durableobjects.gateway;

import static io.durableobjects.gateway.GatewayTestSupport.assertError;
import static io.durableobjects.gateway.GatewayTestSupport.assertRequestId;
import static io.durableobjects.gateway.GatewayTestSupport.get;
import static io.durableobjects.gateway.GatewayTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.gateway.testing.GatewayNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code durable-objects.http.static-pages}: pages from the classpath, and what is refused. */
class StaticPagesTest {
  private static final String PAGE = "io/durableobjects/gateway/testing/page.html";
  private static GatewayNode node;

  @BeforeAll
  static void start() {
    node =
        GatewayNode.start(
            ConfigFactory.parseString(
                """
                durable-objects.http.static-pages {
                  "/demo/page" = "%s"
                  "/demo/page.css" = "/io/durableobjects/gateway/testing/page.css"
                }
                """
                    .formatted(PAGE)));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void aConfiguredPathAnswersTheResourceWithItsContentType() throws Exception {
    HttpResponse<String> page = get(node, "/demo/page");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=UTF-8");
    assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
    assertThat(page.body()).isEqualTo(resource(PAGE)).contains("Grüße");
    assertRequestId(page);

    HttpResponse<String> css = get(node, "/demo/page.css");
    assertThat(css.statusCode()).isEqualTo(200);
    assertThat(css.headers().firstValue("Content-Type")).hasValue("text/css; charset=UTF-8");
    assertThat(css.body()).contains("color");
  }

  @Test
  void headAnswersWithoutABodyAndOtherMethodsGet405() throws Exception {
    HttpResponse<String> head = send(node, "HEAD", "/demo/page", (byte[]) null);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();

    HttpResponse<String> post = send(node, "POST", "/demo/page", "x");
    assertError(post, 405, "method_not_allowed");
    assertThat(post.headers().firstValue("Allow"))
        .hasValueSatisfying(v -> assertThat(v).contains("GET"));
  }

  @Test
  void otherPathsAre404InTheErrorShape() throws Exception {
    assertError(get(node, "/demo/unknown"), 404, "not_found");
    assertError(get(node, "/demo/page/"), 404, "not_found");
    assertError(get(node, "/demo"), 404, "not_found");
    // The gateway's own routes are unaffected.
    assertThat(get(node, "/health/alive").statusCode()).isEqualTo(200);
    assertThat(get(node, "/v1/test/by-name/a/").statusCode()).isEqualTo(200);
  }

  @Test
  void theDefaultIsNoPages() {
    assertThat(settings("").staticPages()).isEmpty();
    assertThat(StaticPages.load(Map.of(), getClass().getClassLoader()).paths()).isEmpty();
  }

  @Test
  void pathsMustStartWithASlashAndBePlainSegments() {
    assertThatThrownBy(() -> settings("\"demo/chat\" = \"x.html\""))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("durable-objects.http.static-pages.\"demo/chat\"")
        .hasMessageContaining("must start with \"/\"");
    for (String path : List.of("/a//b", "/a/../b", "/./a", "/a b", "/a?b", "/%41")) {
      assertThatThrownBy(() -> settings("\"" + path + "\" = \"x.html\""))
          .as(path)
          .isInstanceOf(ConfigException.BadValue.class)
          .hasMessageContaining("durable-objects.http.static-pages.\"" + path + "\"")
          .hasMessageContaining("segments of letters, digits");
    }
    assertThat(settings("\"/\" = \"x.html\", \"/demo/\" = \"y.html\"").staticPages())
        .containsOnlyKeys("/", "/demo/");
  }

  @Test
  void pathsUnderTheGatewaysOwnRoutesAreRefused() {
    for (String path :
        List.of("/v1/chat", "/v1", "/admin/page", "/health/page", "/metrics", "/openapi.yaml")) {
      assertThatThrownBy(() -> settings("\"" + path + "\" = \"x.html\""))
          .as(path)
          .isInstanceOf(ConfigException.BadValue.class)
          .hasMessageContaining("durable-objects.http.static-pages.\"" + path + "\"")
          .hasMessageContaining("must not be under the gateway's own routes");
    }
    assertThat(settings("\"/v2/page\" = \"x.html\", \"/metrics.html\" = \"y.html\"").staticPages())
        .containsOnlyKeys("/v2/page", "/metrics.html");
  }

  @Test
  void theValueMustBeAResourceName() {
    assertThatThrownBy(() -> settings("\"/demo\" = \"  \""))
        .hasMessageContaining("durable-objects.http.static-pages.\"/demo\"")
        .hasMessageContaining("must be the name of a classpath resource");
    assertThatThrownBy(() -> settings("\"/demo\" { page = \"x.html\" }"))
        .hasMessageContaining("must be the name of a classpath resource");
  }

  @Test
  void aMissingResourceOrAnUnknownTypeIsNamed() {
    ClassLoader loader = getClass().getClassLoader();
    assertThatThrownBy(() -> StaticPages.load(Map.of("/demo", "no/such/page.html"), loader))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("durable-objects.http.static-pages.\"/demo\"")
        .hasMessageContaining("the resource 'no/such/page.html' is not on the classpath");
    String binary = "io/durableobjects/gateway/testing/page.bin";
    assertThatThrownBy(() -> StaticPages.load(Map.of("/demo", binary), loader))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("durable-objects.http.static-pages.\"/demo\"")
        .hasMessageContaining("must end in one of [css, html, ico, js, json, png, svg, txt]");
  }

  @Test
  void aNodeWithAMissingPageDoesNotStart() {
    assertThatThrownBy(
            () ->
                GatewayNode.start(
                    ConfigFactory.parseString(
                        "durable-objects.http.static-pages { \"/x\" = \"missing.html\" }")))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("durable-objects.http.static-pages.\"/x\"");
  }

  private static GatewaySettings settings(String pages) {
    return GatewaySettings.fromConfig(
        ConfigFactory.parseString("durable-objects.http.static-pages { " + pages + " }")
            .withFallback(ConfigFactory.defaultReference())
            .resolve());
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = StaticPagesTest.class.getClassLoader().getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}

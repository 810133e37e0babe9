package io.durableobjects.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.gateway.testing.GatewayNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's OpenAPI description ({@code io/durableobjects/gateway/openapi.yaml}, served at
 * {@code GET /openapi.yaml}) against the API contract and against a running node:
 *
 * <ol>
 *   <li>it is a sane OpenAPI 3.0 document (every reference resolves, every error uses the error
 *       schema, the headers the contract promises are documented);
 *   <li>it documents exactly the gateway's routes, listed below as the contract lists them;
 *   <li>a node answers every documented operation, called as the description says, with a status
 *       the description documents for it, in the documented shape; and serves this very file.
 * </ol>
 */
class OpenApiConformanceTest {
  private static final String RESOURCE = "/io/durableobjects/gateway/openapi.yaml";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The gateway's routes, as the API contract lists them. {@code ANY} is every method in {@link
   * #ANY_METHODS}; {@code {path...}} is the rest of the URL path, possibly with slashes, documented
   * as two templates: the object's root ({@code .../}) and {@code .../{path}}.
   *
   * <p>Pages configured in {@code durable-objects.http.static-pages} are not listed: they are an
   * operator's content at paths of the operator's choosing, not operations of the API, and a node
   * has none by default (as here). They can never hide a route of the API: see {@link
   * #noStaticPageCanTakeADocumentedPath}. Nor is the operator console ({@code /console}, {@link
   * ConsoleRoutes}): a page, not an operation (its routes are tested in ConsoleAdminRoutesTest).
   */
  private static final List<String> ROUTES =
      List.of(
          "ANY /v1/{namespace}/by-name/{name}/{path...}",
          "ANY /v1/{namespace}/by-id/{id}/{path...}",
          "POST /v1/{namespace}/ids",
          "POST /v1/{namespace}/rpc/by-name/{name}/{method}",
          "POST /v1/{namespace}/rpc/by-id/{id}/{method}",
          "GET /v1/{namespace}/changes/by-name/{name}",
          "GET /v1/{namespace}/changes/by-id/{id}",
          "GET /admin/v1/namespaces",
          "GET /admin/v1/cluster",
          "GET /admin/v1/metrics",
          "GET /admin/v1/{namespace}/stats",
          "GET /admin/v1/{namespace}/objects",
          "GET /admin/v1/{namespace}/objects/{id}",
          "DELETE /admin/v1/{namespace}/objects/{id}",
          "GET /admin/v1/{namespace}/objects/{id}/history",
          "POST /admin/v1/{namespace}/objects/{id}/restore",
          "POST /admin/v1/{namespace}/objects/{id}/fork",
          "GET /health/alive",
          "GET /health/ready",
          "GET /metrics",
          "GET /openapi.yaml");

  private static final List<String> ANY_METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
  private static final List<String> HTTP_METHODS =
      List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
  private static final Pattern TEMPLATE_PARAM = Pattern.compile("\\{([^}/]+)}");

  /** The values the running-node checks substitute for the path parameters. */
  private static final String NAMESPACE = "test";

  private static final String NAME = "conformance";
  private static final String OBJECT_PATH = "echo/a/b";

  private static GatewayNode node;

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  // ------------------------------------------------------------------ (a) a sane OpenAPI document

  @Test
  void isASaneOpenApi3Document() throws IOException {
    JsonNode doc = spec();
    assertThat(doc.path("openapi").asText()).matches("3\\.0\\.\\d+");
    assertThat(doc.path("info").path("title").asText()).isNotBlank();
    assertThat(doc.path("info").path("version").asText()).isNotBlank();
    assertThat(doc.path("info").path("description").asText()).isNotBlank();
    assertThat(doc.path("paths").size()).isPositive();

    Set<String> operationIds = new TreeSet<>();
    for (Operation op : operations(doc)) {
      assertThat(op.node.path("operationId").asText()).as("operationId of %s", op).isNotBlank();
      assertThat(operationIds.add(op.node.path("operationId").asText()))
          .as("operationId of %s is unique", op)
          .isTrue();
      assertThat(op.node.path("summary").asText()).as("summary of %s", op).isNotBlank();
      JsonNode responses = op.node.path("responses");
      assertThat(responses.isObject() && responses.size() > 0)
          .as("%s documents its responses", op)
          .isTrue();
      responses
          .fieldNames()
          .forEachRemaining(
              code ->
                  assertThat(code).as("response key of %s", op).matches("[1-5][0-9][0-9]|default"));
    }
  }

  @Test
  void everyReferenceResolves() throws IOException {
    JsonNode doc = spec();
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);
    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      assertThat(ref).as("a local reference").startsWith("#/");
      assertThat(doc.at(JsonPointer.compile(ref.substring(1))).isMissingNode())
          .as("%s resolves", ref)
          .isFalse();
    }
  }

  @Test
  void pathTemplatesAndPathParametersAgree() throws IOException {
    JsonNode doc = spec();
    for (Operation op : operations(doc)) {
      Set<String> inTemplate = new TreeSet<>();
      Matcher m = TEMPLATE_PARAM.matcher(op.path);
      while (m.find()) {
        inTemplate.add(m.group(1));
      }
      Set<String> declared = new TreeSet<>();
      for (JsonNode p : parameters(doc, op)) {
        assertThat(p.path("name").asText()).as("a parameter of %s has a name", op).isNotBlank();
        assertThat(p.path("in").asText())
            .as("parameter %s of %s", p.path("name").asText(), op)
            .isIn("path", "query", "header", "cookie");
        assertThat(p.has("schema"))
            .as("parameter %s of %s has a schema", p.path("name"), op)
            .isTrue();
        if (p.path("in").asText().equals("path")) {
          declared.add(p.path("name").asText());
          assertThat(p.path("required").asBoolean())
              .as("path parameter %s of %s is required", p.path("name").asText(), op)
              .isTrue();
        }
      }
      assertThat(declared).as("path parameters of %s", op).isEqualTo(inTemplate);
    }
  }

  @Test
  void errorResponsesUseTheErrorSchemaAndCarryTheContractsHeaders() throws IOException {
    JsonNode doc = spec();
    JsonNode error = doc.at("/components/schemas/Error");
    assertThat(error.path("type").asText()).isEqualTo("object");
    assertThat(texts(error.path("required"))).containsExactlyInAnyOrder("error", "message");
    assertThat(error.at("/properties/error/type").asText()).isEqualTo("string");
    assertThat(error.at("/properties/message/type").asText()).isEqualTo("string");

    for (Operation op : operations(doc)) {
      Iterator<Map.Entry<String, JsonNode>> it = op.node.path("responses").fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        String code = e.getKey();
        JsonNode response = resolve(doc, e.getValue());
        String what = op + " " + code;
        assertThat(response.path("description").asText())
            .as("description of %s", what)
            .isNotBlank();
        assertThat(response.path("headers").has("X-Request-Id"))
            .as("%s documents X-Request-Id", what)
            .isTrue();
        if (code.equals("default")) {
          continue;
        }
        int status = Integer.parseInt(code);
        if (status >= 400) {
          assertThat(response.at("/content/application~1json/schema/$ref").asText())
              .as("%s answers the error schema", what)
              .isEqualTo("#/components/schemas/Error");
          assertThat(response.path("content").size())
              .as("%s has one media type", what)
              .isEqualTo(1);
        }
        if (status == 429 || status == 503) {
          assertThat(response.path("headers").has("Retry-After"))
              .as("%s documents Retry-After", what)
              .isTrue();
        }
        if (status == 401) {
          assertThat(response.path("headers").has("WWW-Authenticate"))
              .as("%s documents WWW-Authenticate", what)
              .isTrue();
        }
      }
    }
    for (String header : List.of("X-Request-Id", "Retry-After", "WWW-Authenticate")) {
      assertThat(doc.path("components").path("headers").path(header).path("schema").isObject())
          .as("header %s has a schema", header)
          .isTrue();
    }
  }

  @Test
  void securityIsTheApiTokenForObjectsTheAdminTokenForAdminAndNoneForHealth() throws IOException {
    JsonNode doc = spec();
    JsonNode schemes = doc.at("/components/securitySchemes");
    for (String scheme : List.of("apiToken", "adminToken", "metricsToken")) {
      assertThat(schemes.path(scheme).path("type").asText()).as(scheme).isEqualTo("http");
      assertThat(schemes.path(scheme).path("scheme").asText()).as(scheme).isEqualTo("bearer");
    }
    assertThat(doc.has("security") && doc.path("security").size() > 0)
        .as("no document-wide security: every operation says its own")
        .isFalse();
    for (Operation op : operations(doc)) {
      JsonNode security = op.node.path("security");
      assertThat(security.isArray()).as("%s declares its security", op).isTrue();
      for (JsonNode requirement : security) {
        requirement
            .fieldNames()
            .forEachRemaining(
                name -> assertThat(schemes.has(name)).as("%s uses scheme %s", op, name).isTrue());
      }
      if (op.path.startsWith("/admin/")) {
        assertThat(security).as("security of %s", op).isEqualTo(json("[{\"adminToken\": []}]"));
      } else if (op.path.startsWith("/v1/")) {
        assertThat(security).as("security of %s", op).contains(json("{\"apiToken\": []}"));
        assertThat(security.toString()).as("security of %s", op).doesNotContain("adminToken");
      } else if (op.path.equals("/metrics")) {
        // No token, or the metrics token when one is configured (MetricsTokenTest).
        assertThat(security)
            .as("security of %s", op)
            .isEqualTo(json("[{}, {\"metricsToken\": []}]"));
      } else {
        assertThat(security).as("security of %s", op).isEmpty();
      }
    }
  }

  @Test
  void schemaExamplesMatchTheirSchemasAndTheShapeCheckCatchesDepartures() throws IOException {
    JsonNode doc = spec();
    Iterator<Map.Entry<String, JsonNode>> schemas = doc.at("/components/schemas").fields();
    while (schemas.hasNext()) {
      Map.Entry<String, JsonNode> schema = schemas.next();
      if (schema.getValue().has("example")) {
        List<String> problems = new ArrayList<>();
        validate(doc, schema.getValue(), schema.getValue().get("example"), "$", problems);
        assertThat(problems).as("the example of schema %s", schema.getKey()).isEmpty();
      }
    }
    // The check the running-node test relies on does find a wrong shape.
    List<String> problems = new ArrayList<>();
    validate(
        doc,
        json("{\"$ref\": \"#/components/schemas/ObjectView\"}"),
        json(
            "{\"id\": \"XYZ\", \"keyCount\": -1, \"entries\": [{\"key\": \"k\"}], \"name\": null}"),
        "$",
        problems);
    assertThat(problems)
        .anyMatch(p -> p.contains("$.id"))
        .anyMatch(p -> p.contains("$.keyCount"))
        .anyMatch(p -> p.contains("lacks the required property lastWriteTime"))
        .anyMatch(p -> p.contains("$.entries[0] matches 0 of the oneOf"))
        .noneMatch(p -> p.contains("$.name"));
  }

  // ------------------------------------------------------------------ (b) exactly the routes

  @Test
  void documentsExactlyTheGatewaysRoutes() throws IOException {
    Set<String> expected = new TreeSet<>();
    for (String route : ROUTES) {
      String method = route.substring(0, route.indexOf(' '));
      String template = route.substring(route.indexOf(' ') + 1);
      List<String> templates =
          template.endsWith("/{path...}")
              ? List.of(
                  template.substring(0, template.length() - "{path...}".length()),
                  template.replace("{path...}", "{path}"))
              : List.of(template);
      for (String t : templates) {
        for (String m : method.equals("ANY") ? ANY_METHODS : List.of(method)) {
          expected.add(m + " " + t);
        }
      }
    }
    Set<String> documented = new TreeSet<>();
    for (Operation op : operations(spec())) {
      documented.add(op.method.toUpperCase(Locale.ROOT) + " " + op.path);
    }
    Set<String> missing = new TreeSet<>(expected);
    missing.removeAll(documented);
    Set<String> extra = new TreeSet<>(documented);
    extra.removeAll(expected);
    assertThat(missing).as("routes the description does not document").isEmpty();
    assertThat(extra).as("operations the description documents that are no route").isEmpty();
  }

  @Test
  void noStaticPageCanTakeADocumentedPath() throws IOException {
    assertThat(GatewaySettings.fromConfig(ConfigFactory.defaultReference().resolve()).staticPages())
        .as("static pages by default")
        .isEmpty();
    for (Operation op : operations(spec())) {
      String path = TEMPLATE_PARAM.matcher(op.path).replaceAll("x");
      for (String page : List.of(path, path.endsWith("/") ? path + "page" : path + "/page")) {
        String hocon = "durable-objects.http.static-pages { \"" + page + "\" = \"page.html\" }";
        assertThatThrownBy(
                () ->
                    GatewaySettings.fromConfig(
                        ConfigFactory.parseString(hocon)
                            .withFallback(ConfigFactory.defaultReference())
                            .resolve()))
            .as("a static page at %s (%s)", page, op)
            .hasMessageContaining("must not be under the gateway's own routes");
      }
    }
  }

  // ------------------------------------------------------------------ (c) against a running node

  @Test
  void aRunningNodeAnswersEveryOperationWithADocumentedStatusAndShape() throws Exception {
    JsonNode doc = spec();
    GatewayNode node = node();
    String id = newId(node);
    // Give the objects some data, so that the admin views have entries to show.
    assertThat(
            node.send(
                    authorized(
                            HttpRequest.newBuilder(node.uri("/v1/test/by-id/" + id + "/increment")),
                            GatewayNode.API_TOKEN)
                        .POST(HttpRequest.BodyPublishers.noBody()))
                .statusCode())
        .isEqualTo(200);
    assertThat(
            node.send(
                    authorized(
                            HttpRequest.newBuilder(
                                node.uri("/v1/test/by-name/" + NAME + "/increment")),
                            GatewayNode.API_TOKEN)
                        .POST(HttpRequest.BodyPublishers.noBody()))
                .statusCode())
        .isEqualTo(200);

    List<Operation> ops = new ArrayList<>(operations(doc));
    // Deletions last, so that the views before them see data.
    ops.sort((a, b) -> Boolean.compare(a.method.equals("delete"), b.method.equals("delete")));
    List<String> failures = new ArrayList<>();
    for (Operation op : ops) {
      String requestId = "conformance-" + op.node.path("operationId").asText();
      HttpRequest.Builder request = buildRequest(doc, node, op, id, requestId);
      String token = tokenFor(op);
      if (token != null) {
        authorized(request, token);
      }
      if (isEventStream(doc, op)) {
        checkEventStream(doc, op, request, failures);
        continue;
      }
      HttpResponse<String> response = node.send(request);
      checkResponse(doc, op, response, requestId, failures);
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void aRunningNodeRefusesMissingAndWrongTokensAsDocumented() throws Exception {
    JsonNode doc = spec();
    GatewayNode node = node();
    String id = newId(node);
    List<String> failures = new ArrayList<>();
    for (Operation op : operations(doc)) {
      if (tokenFor(op) == null) {
        continue;
      }
      String requestId = "no-token-" + op.node.path("operationId").asText();
      HttpResponse<String> missing = node.send(buildRequest(doc, node, op, id, requestId));
      checkResponse(doc, op, missing, requestId, failures);
      if (missing.statusCode() != 401) {
        failures.add(op + " without a token: expected 401, got " + missing.statusCode());
      }
      requestId = "wrong-token-" + op.node.path("operationId").asText();
      HttpResponse<String> wrong =
          node.send(
              authorized(
                  buildRequest(doc, node, op, id, requestId), "wrong-token-0123456789abcdef"));
      checkResponse(doc, op, wrong, requestId, failures);
      if (wrong.statusCode() != 403) {
        failures.add(op + " with a wrong token: expected 403, got " + wrong.statusCode());
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void theRpcOperationsCalledAsDocumentedRunTheObjectsMethod() throws Exception {
    JsonNode doc = spec();
    GatewayNode node = node();
    String id = newId(node);
    for (Operation op : operations(doc)) {
      if (!op.path.contains("/rpc/")) {
        continue;
      }
      HttpRequest.Builder request = buildRequest(doc, node, op, id, "rpc-" + op.method);
      HttpResponse<String> response = node.send(authorized(request, GatewayNode.API_TOKEN));
      // The example calls add([1]) on the test object, whose counter it answers.
      assertThat(response.statusCode()).as("%s: %s", op, response.body()).isEqualTo(200);
      assertThat(mediaType(response)).isEqualTo("application/json");
      assertThat(response.body()).matches("[1-9][0-9]*");
    }
  }

  @Test
  void aRunningNodeServesThisFileAtOpenApiYaml() throws Exception {
    HttpResponse<String> response = node().get("/openapi.yaml");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(mediaType(response)).isEqualTo("application/yaml");
    assertThat(response.body()).isEqualTo(specText());
  }

  // ------------------------------------------------------------------ requests built from the spec

  private static HttpRequest.Builder buildRequest(
      JsonNode doc, GatewayNode node, Operation op, String id, String requestId) {
    Map<String, String> pathValues = Map.of("namespace", NAMESPACE, "name", NAME, "id", id);
    String path = op.path;
    StringBuilder query = new StringBuilder();
    Map<String, String> headers = new LinkedHashMap<>();
    for (JsonNode p : parameters(doc, op)) {
      String name = p.path("name").asText();
      switch (p.path("in").asText()) {
        case "path":
          String value =
              name.equals("path") ? OBJECT_PATH : pathValues.getOrDefault(name, exampleOf(p));
          assertThat(value).as("a value for path parameter %s of %s", name, op).isNotNull();
          path = path.replace("{" + name + "}", value);
          break;
        case "query":
          String example = exampleOf(p);
          if (example != null || p.path("required").asBoolean()) {
            assertThat(example).as("an example for required query parameter %s", name).isNotNull();
            query.append(query.length() == 0 ? "?" : "&");
            query
                .append(name)
                .append('=')
                .append(URLEncoder.encode(example, StandardCharsets.UTF_8));
          }
          break;
        case "header":
          if (name.equalsIgnoreCase("X-Request-Id")) {
            headers.put(name, requestId);
          } else if (p.path("required").asBoolean()) {
            headers.put(name, exampleOf(p));
          }
          break;
        default:
          throw new AssertionError("unexpected parameter location in " + op + ": " + p);
      }
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(node.uri(path + query));
    headers.forEach(request::header);
    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
    JsonNode requestBody = resolve(doc, op.node.path("requestBody"));
    if (requestBody.isObject()) {
      Map.Entry<String, JsonNode> media = requestBody.path("content").fields().next();
      JsonNode example = media.getValue().path("example");
      String text =
          example.isMissingNode()
              ? "{}"
              : example.isTextual() ? example.asText() : example.toString();
      body = HttpRequest.BodyPublishers.ofString(text);
      request.header(
          "Content-Type", media.getKey().contains("*") ? "application/json" : media.getKey());
    }
    return request.method(op.method.toUpperCase(Locale.ROOT), body);
  }

  /** Whether {@code op} answers 200 with {@code text/event-stream} (a feed: it does not end). */
  private static boolean isEventStream(JsonNode doc, Operation op) {
    return resolve(doc, op.node.path("responses").path("200"))
        .path("content")
        .has("text/event-stream");
  }

  /**
   * Calls a feed and checks its status, its media type and its first event: an {@code id} and data
   * in the shape of the schema the description names for the events' data ({@code Change}).
   */
  private static void checkEventStream(
      JsonNode doc, Operation op, HttpRequest.Builder request, List<String> failures)
      throws Exception {
    HttpResponse<java.io.InputStream> response =
        HttpClient.newHttpClient()
            .send(
                request.timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
    try (java.io.BufferedReader lines =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      if (response.statusCode() != 200 || !mediaType(response).equals("text/event-stream")) {
        failures.add(op + " answered " + response.statusCode() + " " + mediaType(response));
        return;
      }
      String id = null;
      String data = null;
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.startsWith("id:")) {
          id = line.substring(3).trim();
        } else if (line.startsWith("data:")) {
          data = line.substring(5).trim();
        } else if (line.isEmpty() && data != null) { // the event is complete
          List<String> problems = new ArrayList<>();
          JsonNode event = JSON.readTree(data);
          validate(doc, doc.at("/components/schemas/Change"), event, op + " event", problems);
          if (!event.path("seq").asText().equals(id)) {
            problems.add(op + ": the event's id " + id + " is not its seq " + event.path("seq"));
          }
          failures.addAll(problems);
          return;
        }
      }
      failures.add(op + ": the feed ended without an event");
    }
  }

  private static String exampleOf(JsonNode parameter) {
    JsonNode example =
        parameter.has("example") ? parameter.get("example") : parameter.at("/schema/example");
    return example.isMissingNode() || example.isNull() ? null : example.asText();
  }

  /** The token an operation is called with: the admin token, an API token, or none. */
  private static String tokenFor(Operation op) {
    String security = op.node.path("security").toString();
    if (security.contains("adminToken")) {
      return GatewayNode.ADMIN_TOKEN;
    }
    return security.contains("apiToken") ? GatewayNode.API_TOKEN : null;
  }

  private static HttpRequest.Builder authorized(HttpRequest.Builder request, String token) {
    return request.header("Authorization", "Bearer " + token);
  }

  private static String newId(GatewayNode node) throws Exception {
    HttpResponse<String> ids =
        node.send(
            authorized(HttpRequest.newBuilder(node.uri("/v1/test/ids")), GatewayNode.API_TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(ids.statusCode()).as("POST /v1/test/ids: %s", ids.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(ids.body());
    assertThat(body.path("namespace").asText()).isEqualTo(NAMESPACE);
    return body.path("id").asText();
  }

  // ------------------------------------------------------------------ responses against the spec

  /**
   * Records in {@code failures} every way {@code response} departs from what {@code op} documents.
   */
  private static void checkResponse(
      JsonNode doc,
      Operation op,
      HttpResponse<String> response,
      String requestId,
      List<String> failures) {
    int status = response.statusCode();
    String what = op + " -> " + status + " " + abbreviate(response.body());
    JsonNode documented = op.node.path("responses").path(Integer.toString(status));
    if (documented.isMissingNode()) {
      failures.add(
          what
              + ": status not documented (documented: "
              + texts(fieldNames(op.node.path("responses")))
              + ")");
      return;
    }
    documented = resolve(doc, documented);
    Optional<String> echoed = response.headers().firstValue("X-Request-Id");
    boolean sent = response.request().headers().firstValue("X-Request-Id").isPresent();
    if (sent
        ? !echoed.equals(Optional.of(requestId))
        : !echoed.orElse("").matches("[0-9a-f]{32}")) {
      failures.add(
          what
              + ": X-Request-Id "
              + echoed
              + ", expected "
              + (sent ? requestId : "a generated one"));
    }
    Iterator<String> headers = documented.path("headers").fieldNames();
    while (headers.hasNext()) {
      String header = headers.next();
      boolean always = !header.equals("Idempotent-Replayed");
      if (always && response.headers().firstValue(header).isEmpty()) {
        failures.add(what + ": no " + header + " header");
      }
    }
    if (op.method.equals("head") || documented.path("content").isMissingNode()) {
      return;
    }
    JsonNode content = documented.path("content");
    if (content.has("*/*")) {
      return;
    }
    String mediaType = mediaType(response);
    Set<String> documentedTypes = new LinkedHashSet<>();
    content.fieldNames().forEachRemaining(t -> documentedTypes.add(t.split(";")[0].trim()));
    if (!documentedTypes.contains(mediaType)) {
      failures.add(what + ": content type " + mediaType + ", documented " + documentedTypes);
      return;
    }
    if (mediaType.equals("application/json")) {
      JsonNode body;
      try {
        body = JSON.readTree(response.body());
      } catch (IOException e) {
        failures.add(what + ": body is not JSON");
        return;
      }
      List<String> problems = new ArrayList<>();
      validate(doc, content.path("application/json").path("schema"), body, "$", problems);
      problems.forEach(p -> failures.add(what + ": " + p));
    }
  }

  /**
   * A small JSON Schema check covering what the description uses: {@code $ref}, {@code type},
   * {@code nullable}, {@code required}, {@code properties}, {@code items}, {@code enum}, {@code
   * pattern}, {@code minimum}/{@code maximum}, {@code minLength}/{@code maxLength}, {@code format:
   * date-time}, {@code oneOf}.
   */
  private static void validate(
      JsonNode doc, JsonNode schema, JsonNode value, String at, List<String> problems) {
    schema = resolve(doc, schema);
    if (value.isNull()) {
      if (schema.has("type") && !schema.path("nullable").asBoolean()) {
        problems.add(at + " is null");
      }
      return;
    }
    String type = schema.path("type").asText("");
    boolean typeOk =
        switch (type) {
          case "object" -> value.isObject();
          case "array" -> value.isArray();
          case "string" -> value.isTextual();
          case "integer" -> value.isIntegralNumber();
          case "number" -> value.isNumber();
          case "boolean" -> value.isBoolean();
          default -> true;
        };
    if (!typeOk) {
      problems.add(at + " is not of type " + type + ": " + abbreviate(value.toString()));
      return;
    }
    if (schema.has("enum")) {
      boolean found = false;
      for (JsonNode allowed : schema.get("enum")) {
        found |= allowed.equals(value);
      }
      if (!found) {
        problems.add(at + " = " + value + " is not one of " + schema.get("enum"));
      }
    }
    if (value.isTextual()) {
      String s = value.asText();
      if (schema.has("pattern")
          && !Pattern.compile(schema.get("pattern").asText()).matcher(s).find()) {
        problems.add(
            at + " = \"" + abbreviate(s) + "\" does not match " + schema.get("pattern").asText());
      }
      if (schema.has("minLength") && s.length() < schema.get("minLength").asInt()) {
        problems.add(at + " is shorter than " + schema.get("minLength"));
      }
      if (schema.has("maxLength") && s.length() > schema.get("maxLength").asInt()) {
        problems.add(at + " is longer than " + schema.get("maxLength"));
      }
      if (schema.path("format").asText().equals("date-time")) {
        try {
          OffsetDateTime.parse(s);
        } catch (DateTimeParseException e) {
          problems.add(at + " = \"" + s + "\" is not an ISO-8601 date-time");
        }
      }
    }
    if (value.isNumber()) {
      if (schema.has("minimum") && value.asDouble() < schema.get("minimum").asDouble()) {
        problems.add(at + " = " + value + " is below " + schema.get("minimum"));
      }
      if (schema.has("maximum") && value.asDouble() > schema.get("maximum").asDouble()) {
        problems.add(at + " = " + value + " is above " + schema.get("maximum"));
      }
    }
    if (value.isObject()) {
      for (String required : texts(schema.path("required"))) {
        if (!value.has(required)) {
          problems.add(at + " lacks the required property " + required);
        }
      }
      Iterator<Map.Entry<String, JsonNode>> properties = schema.path("properties").fields();
      while (properties.hasNext()) {
        Map.Entry<String, JsonNode> p = properties.next();
        if (value.has(p.getKey())) {
          validate(doc, p.getValue(), value.get(p.getKey()), at + "." + p.getKey(), problems);
        }
      }
    }
    if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        validate(doc, schema.get("items"), value.get(i), at + "[" + i + "]", problems);
      }
    }
    if (schema.has("oneOf")) {
      int matching = 0;
      for (JsonNode alternative : schema.get("oneOf")) {
        List<String> ignored = new ArrayList<>();
        validate(doc, alternative, value, at, ignored);
        matching += ignored.isEmpty() ? 1 : 0;
      }
      if (matching != 1) {
        problems.add(at + " matches " + matching + " of the oneOf alternatives, not exactly one");
      }
    }
  }

  // ------------------------------------------------------------------ reading the description

  private record Operation(String path, String method, JsonNode pathItem, JsonNode node) {
    @Override
    public String toString() {
      return method.toUpperCase(Locale.ROOT) + " " + path;
    }
  }

  private static List<Operation> operations(JsonNode doc) {
    List<Operation> ops = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields();
    while (paths.hasNext()) {
      Map.Entry<String, JsonNode> path = paths.next();
      for (String method : HTTP_METHODS) {
        if (path.getValue().has(method)) {
          ops.add(
              new Operation(path.getKey(), method, path.getValue(), path.getValue().get(method)));
        }
      }
    }
    return ops;
  }

  /** The operation's parameters, those of its path item included, with references resolved. */
  private static List<JsonNode> parameters(JsonNode doc, Operation op) {
    Map<String, JsonNode> byKey = new LinkedHashMap<>();
    for (JsonNode list : List.of(op.pathItem.path("parameters"), op.node.path("parameters"))) {
      for (JsonNode p : list) {
        JsonNode resolved = resolve(doc, p);
        byKey.put(resolved.path("in").asText() + ":" + resolved.path("name").asText(), resolved);
      }
    }
    return new ArrayList<>(byKey.values());
  }

  private static JsonNode resolve(JsonNode doc, JsonNode node) {
    while (node.has("$ref")) {
      node = doc.at(JsonPointer.compile(node.get("$ref").asText().substring(1)));
    }
    return node;
  }

  private static void collectRefs(JsonNode node, List<String> refs) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (field.getKey().equals("$ref")) {
          refs.add(field.getValue().asText());
        } else {
          collectRefs(field.getValue(), refs);
        }
      }
    } else if (node.isArray()) {
      node.forEach(child -> collectRefs(child, refs));
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static JsonNode fieldNames(JsonNode object) {
    var array = JSON.createArrayNode();
    object.fieldNames().forEachRemaining(array::add);
    return array;
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static String mediaType(HttpResponse<?> response) {
    return response
        .headers()
        .firstValue("Content-Type")
        .map(t -> t.split(";")[0].trim().toLowerCase(Locale.ROOT))
        .orElse("");
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  private static String specText() throws IOException {
    try (InputStream in = OpenApiConformanceTest.class.getResourceAsStream(RESOURCE)) {
      assertThat(in).as("%s on the classpath", RESOURCE).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static JsonNode spec() throws IOException {
    return YAML.readTree(specText());
  }

  /** One node for the running-node checks, with auth on so that the security is exercised too. */
  private static synchronized GatewayNode node() {
    if (node == null) {
      node =
          GatewayNode.start(ConfigFactory.parseString("durable-objects.http.auth.required = on"));
    }
    return node;
  }
}

package io.durableobjects.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard {@code k8s/grafana/durable-objects-dashboard.json}: Grafana can import and
 * lay it out, every metric it queries is one the node exports (rendered from the node's own meter
 * classes by {@link NodeMetrics}), it shows every {@code durable_objects_*} metric, and its
 * kustomization renders a ConfigMap Grafana's dashboard sidecar picks up.
 */
class GrafanaDashboardTest {
  /**
   * A {@code Counter/Timer/Gauge/DistributionSummary.builder("durable_objects....")} in the code.
   */
  private static final Pattern METER_NAME =
      Pattern.compile("\\.builder\\(\\s*\"(durable_objects\\.[a-z0-9_.]*[a-z0-9_])\\.?\"");

  /** Histogram and counter series suffixes: what is left is the meter's Prometheus name. */
  private static final Pattern SERIES_SUFFIX = Pattern.compile("_(bucket|count|sum|max|total)$");

  private static String exposition;
  private static Set<String> exported;
  private static JsonNode dashboard;

  @BeforeAll
  static void load() {
    exposition = NodeMetrics.scrape();
    exported = NodeMetrics.seriesNames(exposition);
    dashboard = GrafanaDashboard.read(GrafanaDashboard.FILE);
  }

  @Test
  void isADashboardGrafanaCanImport() {
    assertThat(GrafanaDashboard.shapeProblems(dashboard)).isEmpty();
    assertThat(dashboard.path("panels").size()).isGreaterThan(20);
  }

  @Test
  void everyMetricItQueriesIsExportedByTheNodeAndFilteredByTheVariables() {
    assertThat(GrafanaDashboard.metricProblems(dashboard, exported, namespaced())).isEmpty();
    assertThat(GrafanaDashboard.expressions(dashboard)).hasSizeGreaterThan(40);
  }

  @Test
  void itShowsEveryMetricOfTheRuntimeAndTheGateway() {
    Set<String> shown =
        GrafanaDashboard.expressions(dashboard).values().stream()
            .flatMap(expr -> PromQl.metricNames(expr).stream())
            .map(GrafanaDashboardTest::meterName)
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> ours =
        exported.stream()
            .filter(n -> n.startsWith("durable_objects_"))
            .map(GrafanaDashboardTest::meterName)
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(ours).hasSizeGreaterThan(15);
    assertThat(shown).containsAll(ours);
  }

  /**
   * NodeMetrics builds the meters from the node's classes, but must exercise the ones registered
   * lazily: each meter name in core's and the gateway's sources must be among its output, so that a
   * meter added to the code and not to NodeMetrics fails here.
   */
  @Test
  void theNodesMetersAreAllAmongTheRenderedMetrics() throws IOException {
    Set<String> inCode = new TreeSet<>();
    for (String module : List.of("core", "http-gateway")) {
      try (Stream<Path> files =
          Files.walk(Manifests.REPO.resolve(module).resolve("src/main/java"))) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          Matcher m = METER_NAME.matcher(Files.readString(file, StandardCharsets.UTF_8));
          while (m.find()) {
            inCode.add(m.group(1).replace('.', '_'));
          }
        }
      }
    }
    assertThat(inCode).contains("durable_objects_http_requests", "durable_objects_alarms");
    for (String name : inCode) {
      assertThat(exported).as("series of meter %s", name).anyMatch(s -> s.startsWith(name));
    }
  }

  @Test
  void theRenderedMetricsIncludeHistogramsAndTheJvm() {
    assertThat(exported)
        .contains(
            "durable_objects_http_requests_seconds_bucket",
            "durable_objects_journal_writes_seconds_bucket",
            "durable_objects_alarms_lag_seconds_bucket",
            "durable_objects_alarms_quarantined_total",
            "jvm_memory_used_bytes",
            "jvm_gc_pause_seconds_sum",
            "process_cpu_usage");
  }

  @Test
  void findsTheMetricNamesOfAnExpression() {
    assertThat(
            PromQl.metricNames(
                "histogram_quantile(0.99, sum by (le, namespace) (rate(a_seconds_bucket{instance=~\"$instance\","
                    + " le=\"1\"}[$__rate_interval]))) / on (x) group_left sum(b_total{y=\"z\"}) > 1e3"))
        .containsExactly("a_seconds_bucket", "b_total");
    assertThat(
            PromQl.metricNames(
                "sum by (class) (label_replace(rate(c_count{a=\"b\"}[5m]), \"class\", \"${1}xx\","
                    + " \"status\", \"([0-9]).*\"))"))
        .containsExactly("c_count");
  }

  @Test
  void reportsAMetricTheNodeDoesNotExportAndAMissingFilter() {
    JsonNode bad =
        GrafanaDashboard.parse(
            """
            {"panels": [{"id": 1, "title": "p", "type": "timeseries",
              "targets": [{"refId": "A", "expr": "rate(durable_objects_http_requests_total{instance=~\\"$instance\\"}[1m])"},
                          {"refId": "B", "expr": "durable_objects_objects_active{instance=~\\"$instance\\"}"},
                          {"refId": "C", "expr": "sum(jvm_memory_used_bytes)"}]}]}
            """);
    assertThat(GrafanaDashboard.metricProblems(bad, exported, namespaced()))
        .containsExactly(
            "panel \"p\" target A: durable_objects_http_requests_total is not a metric the node exports",
            "panel \"p\" target B: durable_objects_objects_active is not filtered by namespace=~\"$namespace\"",
            "panel \"p\" target C: jvm_memory_used_bytes is not filtered by instance=~\"$instance\"");
  }

  @Test
  void reportsDuplicateIdsOverlapsAndPanelsWithoutQueries() {
    JsonNode bad =
        GrafanaDashboard.parse(
            """
            {"schemaVersion": 39, "uid": "u", "title": "t",
             "templating": {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus"},
                                     {"name": "instance", "type": "query"}]},
             "panels": [
               {"id": 1, "title": "a", "type": "stat", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 4},
                "datasource": {"uid": "${datasource}"}, "targets": [{"refId": "A", "expr": "up"}]},
               {"id": 1, "title": "b", "type": "stat", "gridPos": {"x": 6, "y": 2, "w": 20, "h": 4},
                "datasource": {"uid": "${datasource}"}, "targets": []}]}
            """);
    assertThat(GrafanaDashboard.shapeProblems(bad))
        .containsExactlyInAnyOrder(
            "panel 1 (b): id missing or not unique",
            "panel 1 (b): gridPos {\"x\":6,\"y\":2,\"w\":20,\"h\":4} is not within the 24-column grid",
            "panel 1 (b): no targets");
  }

  /**
   * The sidecar's ConfigMap: labelled {@code grafana_dashboard: "1"}, the dashboard file as its one
   * key, a fixed name, valid, and small enough for {@code kubectl apply}'s last-applied annotation
   * (256 KiB).
   */
  @Test
  void theKustomizationRendersTheSidecarsConfigMap() throws IOException {
    String json = Files.readString(GrafanaDashboard.FILE, StandardCharsets.UTF_8);
    assertThat(json.getBytes(StandardCharsets.UTF_8).length).isLessThan(256 * 1024);

    List<JsonNode> rendered = Manifests.renderOrSkip("grafana");
    assertThat(rendered).hasSize(1);
    JsonNode configMap = rendered.get(0);
    assertThat(KubernetesSchemaValidator.validate(configMap)).isEmpty();
    assertThat(configMap.path("kind").asText()).isEqualTo("ConfigMap");
    assertThat(configMap.path("metadata").path("name").asText())
        .isEqualTo("durable-objects-dashboard");
    assertThat(configMap.path("metadata").path("labels").path("grafana_dashboard").asText())
        .isEqualTo("1");
    assertThat(configMap.path("data").size()).isEqualTo(1);
    assertThat(configMap.path("data").path("durable-objects-dashboard.json").asText())
        .isEqualTo(json);
  }

  /** Names of the series that carry an object namespace tag. */
  private static Set<String> namespaced() {
    return exposition
        .lines()
        .filter(l -> !l.startsWith("#") && l.contains("namespace=\""))
        .map(l -> l.substring(0, l.indexOf('{')))
        .collect(Collectors.toSet());
  }

  private static String meterName(String series) {
    return SERIES_SUFFIX.matcher(series).replaceFirst("");
  }
}

package io.durableobjects.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checks of a Grafana dashboard JSON: its shape (what Grafana needs to import it and lay it
 * out) and its PromQL (every metric is one the node exports, filtered by the dashboard's
 * variables). Each returns the problems it finds, each naming the panel or variable.
 */
final class GrafanaDashboard {
  static final Path FILE = Manifests.K8S.resolve("grafana/durable-objects-dashboard.json");

  /** Grafana's grid is 24 columns wide. */
  private static final int GRID_COLUMNS = 24;

  private static final Pattern LABEL_VALUES =
      Pattern.compile("^\\s*label_values\\(\\s*(.*?)\\s*,\\s*\\w+\\s*\\)\\s*$");

  private static final ObjectMapper JSON = new ObjectMapper();

  private GrafanaDashboard() {}

  static JsonNode read(Path file) {
    try {
      return JSON.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Problems with what Grafana needs: ids, grid positions, data sources, targets, variables. */
  static List<String> shapeProblems(JsonNode dashboard) {
    List<String> problems = new ArrayList<>();
    if (!dashboard.path("schemaVersion").isInt() || dashboard.path("schemaVersion").asInt() < 36) {
      // 36 (Grafana 9): data source references are objects {type, uid}, as this dashboard's are.
      problems.add("schemaVersion: an integer of at least 36 expected");
    }
    for (String field : List.of("uid", "title")) {
      if (dashboard.path(field).asText().isBlank()) {
        problems.add(field + ": missing");
      }
    }
    if (!dashboard.path("panels").isArray() || dashboard.path("panels").isEmpty()) {
      problems.add("panels: none");
    }
    Set<Integer> ids = new HashSet<>();
    List<int[]> areas = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      String where = "panel " + panel.path("id") + " (" + panel.path("title").asText() + ")";
      if (!panel.path("id").isInt() || !ids.add(panel.path("id").asInt())) {
        problems.add(where + ": id missing or not unique");
      }
      JsonNode grid = panel.path("gridPos");
      int x = grid.path("x").asInt(-1);
      int y = grid.path("y").asInt(-1);
      int w = grid.path("w").asInt(0);
      int h = grid.path("h").asInt(0);
      if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > GRID_COLUMNS) {
        problems.add(where + ": gridPos " + grid + " is not within the 24-column grid");
      } else {
        for (int[] other : areas) {
          if (x < other[0] + other[2]
              && other[0] < x + w
              && y < other[1] + other[3]
              && other[1] < y + h) {
            problems.add(where + ": gridPos " + grid + " overlaps panel " + other[4]);
          }
        }
        areas.add(new int[] {x, y, w, h, panel.path("id").asInt()});
      }
      if (!"row".equals(panel.path("type").asText())) {
        problems.addAll(queryPanelProblems(where, panel));
      }
    }
    problems.addAll(variableProblems(dashboard));
    return problems;
  }

  private static List<String> queryPanelProblems(String where, JsonNode panel) {
    List<String> problems = new ArrayList<>();
    if (panel.path("type").asText().isBlank()) {
      problems.add(where + ": no type");
    }
    if (!"${datasource}".equals(panel.path("datasource").path("uid").asText())) {
      problems.add(where + ": datasource is not the ${datasource} variable");
    }
    if (!panel.path("targets").isArray() || panel.path("targets").isEmpty()) {
      problems.add(where + ": no targets");
    }
    Set<String> refIds = new HashSet<>();
    for (JsonNode target : panel.path("targets")) {
      if (target.path("expr").asText().isBlank()) {
        problems.add(where + ": a target without expr");
      }
      if (!refIds.add(target.path("refId").asText())) {
        problems.add(where + ": refId " + target.path("refId") + " missing or not unique");
      }
    }
    return problems;
  }

  private static List<String> variableProblems(JsonNode dashboard) {
    List<String> problems = new ArrayList<>();
    Map<String, JsonNode> variables = new LinkedHashMap<>();
    dashboard
        .path("templating")
        .path("list")
        .forEach(v -> variables.put(v.path("name").asText(), v));
    JsonNode datasource = variables.get("datasource");
    if (datasource == null
        || !"datasource".equals(datasource.path("type").asText())
        || !"prometheus".equals(datasource.path("query").asText())) {
      problems.add("variable datasource: a data source variable of type prometheus expected");
    }
    JsonNode instance = variables.get("instance");
    if (instance == null || !"query".equals(instance.path("type").asText())) {
      problems.add("variable instance: a query variable expected");
    }
    return problems;
  }

  /**
   * Every PromQL expression of the dashboard by where it is: the panels' targets and the query
   * variables' selectors (the metric of {@code label_values(metric{...}, label)}).
   */
  static Map<String, String> expressions(JsonNode dashboard) {
    Map<String, String> expressions = new LinkedHashMap<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        expressions.put(
            "panel \""
                + panel.path("title").asText()
                + "\" target "
                + target.path("refId").asText(),
            target.path("expr").asText());
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if ("query".equals(variable.path("type").asText())) {
        String query = variable.path("query").path("query").asText(variable.path("query").asText());
        Matcher m = LABEL_VALUES.matcher(query);
        expressions.put(
            "variable " + variable.path("name").asText(), m.matches() ? m.group(1) : query);
      }
    }
    return expressions;
  }

  /**
   * Problems with the metrics the expressions read: a name the node does not export, an expression
   * that reads none, a metric not filtered by the {@code instance} variable, or (for the metrics
   * tagged with an object namespace, {@code namespaced}) by the {@code namespace} variable.
   */
  static List<String> metricProblems(
      JsonNode dashboard, Set<String> exported, Set<String> namespaced) {
    List<String> problems = new ArrayList<>();
    expressions(dashboard)
        .forEach(
            (where, expr) -> {
              Set<String> names = PromQl.metricNames(expr);
              if (names.isEmpty()) {
                problems.add(where + ": reads no metric: " + expr);
              }
              Map<String, List<String>> selectors = PromQl.selectors(expr);
              for (String name : names) {
                if (!exported.contains(name)) {
                  problems.add(where + ": " + name + " is not a metric the node exports");
                }
                if (where.startsWith("variable ")) {
                  continue; // a variable's query lists the values the filters choose from
                }
                List<String> matchers = selectors.getOrDefault(name, List.of());
                if (matchers.isEmpty()
                    || !matchers.stream().allMatch(s -> s.contains("instance=~\"$instance\""))) {
                  problems.add(where + ": " + name + " is not filtered by instance=~\"$instance\"");
                }
                if (namespaced.contains(name)
                    && !matchers.stream().allMatch(s -> s.contains("namespace=~\"$namespace\""))) {
                  problems.add(
                      where + ": " + name + " is not filtered by namespace=~\"$namespace\"");
                }
              }
            });
    return problems;
  }
}

package io.durableobjects.k8s;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads, found lexically: enough for the dashboard's own
 * expressions (selectors, functions, aggregations with {@code by (...)}, binary operators), not a
 * PromQL parser.
 */
final class PromQl {
  private static final Pattern STRING = Pattern.compile("\"(?:\\\\.|[^\"\\\\])*\"");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");

  /** An identifier, not part of a number or another name; group 2 is set when a call follows. */
  private static final Pattern IDENTIFIER =
      Pattern.compile("(?<![\\w.:$])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");

  /** A metric name with its label matchers. */
  private static final Pattern SELECTOR =
      Pattern.compile("(?<![\\w.:$])([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)}");

  private static final Set<String> KEYWORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "and",
          "or",
          "unless",
          "offset",
          "inf",
          "nan");

  private PromQl() {}

  /** The metric names {@code expr} selects, in order of appearance. */
  static Set<String> metricNames(String expr) {
    String bare = STRING.matcher(expr).replaceAll("\"\"");
    bare = bare.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ");
    bare = GROUPING.matcher(bare).replaceAll(" ");
    Set<String> names = new LinkedHashSet<>();
    Matcher m = IDENTIFIER.matcher(bare);
    while (m.find()) {
      if (m.group(2) == null && !KEYWORDS.contains(m.group(1).toLowerCase())) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** Each metric name of {@code expr} written with label matchers, and those matchers' texts. */
  static Map<String, List<String>> selectors(String expr) {
    Map<String, List<String>> selectors = new LinkedHashMap<>();
    Matcher m = SELECTOR.matcher(expr);
    while (m.find()) {
      selectors.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(m.group(2));
    }
    return selectors;
  }
}

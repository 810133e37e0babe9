package io.durableobjects.loadtest.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one sample out of the node's {@code /metrics} page (Prometheus text format). */
final class PrometheusText {
  private PrometheusText() {}

  /**
   * The value of the sample {@code name} whose labels include {@code label="value"}, or 0 when the
   * node has not reported it yet.
   */
  static double value(String page, String name, String label, String value) {
    Pattern sample =
        Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\}\\s+(\\S+)$", Pattern.MULTILINE);
    Matcher m = sample.matcher(page);
    String wanted = label + "=\"" + value + "\"";
    while (m.find()) {
      if (m.group(1).contains(wanted)) {
        return Double.parseDouble(m.group(2));
      }
    }
    return 0;
  }

  /**
   * The sum of the samples {@code name} whose labels include {@code label="value"}, leaving out
   * negative ones (-1: a memory pool without a maximum); 0 if none.
   */
  static double sum(String page, String name, String label, String value) {
    Pattern sample =
        Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\}\\s+(\\S+)$", Pattern.MULTILINE);
    Matcher m = sample.matcher(page);
    String wanted = label + "=\"" + value + "\"";
    double sum = 0;
    while (m.find()) {
      double found = Double.parseDouble(m.group(2));
      if (m.group(1).contains(wanted) && found > 0) {
        sum += found;
      }
    }
    return sum;
  }
}

package io.durableobjects.cassandra.embedded.internal;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * INTERNAL API
 *
 * <p>Argument validation of {@code EmbeddedCassandra.Builder}, with precise messages.
 */
public final class BuilderChecks {

  private static final Pattern HEAP_SIZE = Pattern.compile("[1-9][0-9]*[kKmMgG]");
  private static final Pattern YAML_KEY = Pattern.compile("[a-z][a-z0-9_]*");

  private BuilderChecks() {}

  public static int port(String name, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          name + " must be between 0 and 65535 (0 picks a free port), but was " + port);
    }
    return port;
  }

  public static String heapSize(String heapSize) {
    if (heapSize == null || !HEAP_SIZE.matcher(heapSize).matches()) {
      throw new IllegalArgumentException(
          "heapSize must be a positive JVM memory size such as \"512m\" or \"1g\", but was "
              + (heapSize == null ? "null" : "\"" + heapSize + "\""));
    }
    return heapSize;
  }

  public static Duration positive(String name, Duration duration) {
    if (duration == null || duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException(
          name + " must be a positive duration, but was " + duration);
    }
    return duration;
  }

  public static void yamlSetting(String key, String value) {
    if (key == null || !YAML_KEY.matcher(key).matches()) {
      throw new IllegalArgumentException(
          "yaml key must be a top-level cassandra.yaml key like \"concurrent_writes\", but was "
              + (key == null ? "null" : "\"" + key + "\""));
    }
    if (NodeFiles.MANAGED_YAML_KEYS.contains(key)) {
      throw new IllegalArgumentException(
          "yaml key \""
              + key
              + "\" is managed by EmbeddedCassandra (ports, addresses, directories, cluster name"
              + " and seeds follow from the builder) and cannot be overridden");
    }
    if (value == null || value.isBlank() || value.contains("\n") || value.contains("\r")) {
      throw new IllegalArgumentException(
          "yaml value for \""
              + key
              + "\" must be a non-blank single-line YAML scalar, but was "
              + (value == null ? "null" : "\"" + value + "\""));
    }
  }
}

package io.durableobjects.cassandra.internal;

import java.util.regex.Pattern;

/**
 * INTERNAL API
 *
 * <p>Validation of the values that are spliced into CQL text ({@code schema.cql}) and into the
 * plugin configuration, with messages that say exactly what is wrong.
 */
public final class CqlValidation {

  /** Longest keyspace name Cassandra accepts. */
  public static final int MAX_KEYSPACE_LENGTH = 48;

  private static final Pattern KEYSPACE = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]{0,47}");
  private static final Pattern CLASS_ENTRY = Pattern.compile("'class'\\s*:\\s*'[^']+'");

  private CqlValidation() {}

  /**
   * Checks an unquoted keyspace name: 1 to 48 ASCII letters, digits and underscores, starting with
   * a letter (unquoted names are case-insensitive; Cassandra stores them in lower case).
   *
   * @param what names the setting in the message, e.g. "journal keyspace"
   * @return {@code name}
   * @throws IllegalArgumentException saying which rule is broken
   */
  public static String keyspace(String what, String name) {
    if (name == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
    if (KEYSPACE.matcher(name).matches()) {
      return name;
    }
    String rule =
        " is not a valid Cassandra keyspace name (1 to 48 letters, digits or underscores,"
            + " starting with a letter): ";
    String reason;
    if (name.isEmpty()) {
      reason = "it is empty";
    } else if (name.length() > MAX_KEYSPACE_LENGTH) {
      reason = "it has " + name.length() + " characters";
    } else if (!isAsciiLetter(name.charAt(0))) {
      reason = "it starts with '" + name.charAt(0) + "'";
    } else {
      int bad = firstInvalid(name);
      reason = "it contains '" + name.charAt(bad) + "' at index " + bad;
    }
    throw new IllegalArgumentException(what + " \"" + name + "\"" + rule + reason);
  }

  /**
   * Checks that {@code replication} looks like a CQL replication map, e.g. {@code {'class':
   * 'SimpleStrategy', 'replication_factor': 1}}. Cassandra validates the strategy and its options
   * when the keyspace is created; this only keeps the value from breaking out of the statement.
   *
   * @return {@code replication}, trimmed
   * @throws IllegalArgumentException saying what is wrong
   */
  public static String replication(String replication) {
    if (replication == null) {
      throw new IllegalArgumentException("replication must not be null");
    }
    String value = replication.strip();
    String reason = null;
    if (value.isEmpty()) {
      reason = "it is empty";
    } else if (!value.startsWith("{") || !value.endsWith("}")) {
      reason = "it is not enclosed in { and }";
    } else if (value.contains(";") || value.contains("--") || value.contains("//")) {
      reason = "it contains ';' or a comment";
    } else if (value.chars().filter(c -> c == '\'').count() % 2 != 0) {
      reason = "its single quotes are unbalanced";
    } else if (!CLASS_ENTRY.matcher(value).find()) {
      reason = "it has no 'class' entry";
    }
    if (reason != null) {
      throw new IllegalArgumentException(
          "replication must be a CQL map such as {'class': 'SimpleStrategy', 'replication_factor':"
              + " 1} or {'class': 'NetworkTopologyStrategy', 'dc1': 3}, but "
              + reason
              + ": "
              + replication);
    }
    return value;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static int firstInvalid(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '_';
      if (!ok) {
        return i;
      }
    }
    return 0;
  }
}

package io.durableobjects.cassandra.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * INTERNAL API
 *
 * <p>Reads a CQL script resource and splits it into statements: lines starting with {@code --} and
 * blank lines are dropped, a statement ends with a {@code ;} at the end of a line (the semicolon is
 * removed).
 */
public final class SchemaScript {

  private SchemaScript() {}

  /** The statements of a classpath resource, placeholders untouched. */
  public static List<String> load(String resource) {
    try (InputStream in = SchemaScript.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("resource " + resource + " is missing from the classpath");
      }
      return split(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  /** Splits script text into statements. */
  public static List<String> split(String script) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\r?\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      if (current.length() > 0) {
        current.append('\n');
      }
      if (trimmed.endsWith(";")) {
        current.append(line, 0, line.lastIndexOf(';'));
        statements.add(current.toString().strip());
        current.setLength(0);
      } else {
        current.append(line);
      }
    }
    if (current.length() > 0) {
      throw new IllegalStateException(
          "the CQL script ends with an unterminated statement: " + current.toString().strip());
    }
    return statements;
  }
}

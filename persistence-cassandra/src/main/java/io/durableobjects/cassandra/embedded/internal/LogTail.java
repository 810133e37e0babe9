package io.durableobjects.cassandra.embedded.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * INTERNAL API
 *
 * <p>The last lines of a log file, for error messages. Reads at most the last 64 KiB.
 */
public final class LogTail {

  private static final int MAX_BYTES = 64 * 1024;

  private LogTail() {}

  /** The last {@code lines} lines of {@code file}, or a note that it is missing or empty. */
  public static String of(Path file, int lines) {
    if (!Files.isRegularFile(file)) {
      return "(" + file + " does not exist)";
    }
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      int size = (int) Math.min(length, MAX_BYTES);
      byte[] bytes = new byte[size];
      in.seek(length - size);
      in.readFully(bytes);
      List<String> all = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\r?\n"));
      if (size == 0 || all.isEmpty()) {
        return "(" + file + " is empty)";
      }
      List<String> tail = all.subList(Math.max(0, all.size() - lines), all.size());
      return String.join(System.lineSeparator(), tail);
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }

  /** Both logs of a node, each under a heading, for an exception message. */
  public static String ofNode(NodeFiles files, int lines) {
    String nl = System.lineSeparator();
    return nl
        + "--- last lines of "
        + files.logFile()
        + " ---"
        + nl
        + of(files.logFile(), lines)
        + nl
        + "--- last lines of "
        + files.stdoutLogFile()
        + " ---"
        + nl
        + of(files.stdoutLogFile(), lines);
  }
}

package io.durableobjects.loadtest.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results of every run and the one table the suite ends with: one row per fault, with the runs,
 * the requests sent, the writes acknowledged and left ambiguous, the acknowledged writes lost, the
 * values acknowledged twice (or applied twice), the duplicated journal sequence numbers, the
 * reminders not delivered, and the longest time until every object answered again.
 */
final class Summary {
  /** One run of one fault. {@code error} is set when the run could not be completed. */
  record RunResult(
      Fault fault,
      long requests,
      long acknowledged,
      long ambiguous,
      long lost,
      long duplicated,
      long journalDuplicates,
      long alarms,
      long alarmsMissing,
      Duration recovery,
      String error,
      List<String> problems) {
    boolean failed() {
      return error != null
          || lost > 0
          || duplicated > 0
          || journalDuplicates > 0
          || alarmsMissing > 0;
    }
  }

  private final List<RunResult> results = new ArrayList<>();
  private final Map<Fault, String> notRun = new LinkedHashMap<>();

  synchronized void add(RunResult result) {
    results.add(result);
  }

  /** A fault that could not run at all here, and why. */
  synchronized void notRun(Fault fault, String why) {
    notRun.put(fault, why);
  }

  synchronized boolean failed() {
    return results.stream().anyMatch(RunResult::failed);
  }

  /** The table, as aligned text. */
  synchronized String table(List<Fault> order) {
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "fault",
          "runs",
          "requests",
          "acknowledged",
          "ambiguous",
          "lost",
          "duplicated",
          "journal dups",
          "alarms missing",
          "recovery max"
        });
    for (Fault fault : order) {
      List<RunResult> mine = results.stream().filter(r -> r.fault() == fault).toList();
      if (mine.isEmpty() && fault == Fault.RECHECK) {
        continue;
      }
      if (mine.isEmpty()) {
        String why = notRun.getOrDefault(fault, "not run");
        rows.add(
            new String[] {fault.id, "0", "-", "-", "-", "-", "-", "-", "-", "NOT RUN: " + why});
        continue;
      }
      long errors = mine.stream().filter(r -> r.error() != null).count();
      Duration recovery =
          mine.stream()
              .map(RunResult::recovery)
              .filter(d -> d != null)
              .max(Duration::compareTo)
              .orElse(null);
      rows.add(
          new String[] {
            fault.id,
            mine.size() + (errors > 0 ? " (" + errors + " failed)" : ""),
            Long.toString(mine.stream().mapToLong(RunResult::requests).sum()),
            Long.toString(mine.stream().mapToLong(RunResult::acknowledged).sum()),
            Long.toString(mine.stream().mapToLong(RunResult::ambiguous).sum()),
            Long.toString(mine.stream().mapToLong(RunResult::lost).sum()),
            Long.toString(mine.stream().mapToLong(RunResult::duplicated).sum()),
            Long.toString(mine.stream().mapToLong(RunResult::journalDuplicates).sum()),
            mine.stream().mapToLong(RunResult::alarmsMissing).sum()
                + "/"
                + mine.stream().mapToLong(RunResult::alarms).sum(),
            recovery == null
                ? "-"
                : String.format(Locale.ROOT, "%.1f s", recovery.toMillis() / 1000.0)
          });
    }
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder text = new StringBuilder();
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        String cell =
            i == 0 || i == row.length - 1
                ? pad(row[i], widths[i], false)
                : pad(row[i], widths[i], true);
        text.append(cell).append(i == row.length - 1 ? "" : "  ");
      }
      text.append(System.lineSeparator());
    }
    return text.toString().replaceAll(" +\\R", System.lineSeparator());
  }

  /** The table as Markdown, with the problems of each failed run below it. */
  synchronized String markdown(List<Fault> order, String header) {
    StringBuilder md = new StringBuilder("# Chaos suite\n\n").append(header).append("\n\n");
    String[] lines = table(order).split("\\R");
    for (int i = 0; i < lines.length; i++) {
      String[] cells = lines[i].trim().split("\\s{2,}");
      md.append("| ").append(String.join(" | ", cells)).append(" |\n");
      if (i == 0) {
        md.append("|").append(" --- |".repeat(cells.length)).append("\n");
      }
    }
    List<RunResult> failed = results.stream().filter(RunResult::failed).toList();
    if (!failed.isEmpty()) {
      md.append("\n## Problems\n\n");
      for (RunResult r : failed) {
        if (r.error() != null) {
          md.append("- ")
              .append(r.fault().id)
              .append(": run failed: ")
              .append(r.error())
              .append('\n');
        }
        r.problems()
            .forEach(p -> md.append("- ").append(r.fault().id).append(": ").append(p).append('\n'));
      }
    }
    return md.toString();
  }

  void write(Path dir, List<Fault> order, String header) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("summary.txt"), header + System.lineSeparator() + table(order));
    Files.writeString(dir.resolve("summary.md"), markdown(order, header));
  }

  private static String pad(String s, int width, boolean right) {
    String spaces = " ".repeat(Math.max(0, width - s.length()));
    return right ? spaces + s : s + spaces;
  }
}

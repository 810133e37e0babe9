package io.durableobjects.loadtest.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The checks after a run, once the cluster is healthy again and the load has stopped: each
 * counter's final count (read through every gateway, which must agree) against its {@link Ledger},
 * and every acknowledged reminder delivered. See {@link Ledger} for why each check is exact.
 */
final class Verifier {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration READ_WITHIN = Duration.ofSeconds(90);

  /**
   * The outcome: acknowledged writes lost, values acknowledged twice (of which {@code countersLost}
   * and {@code countersDuplicated} from the counters' final counts alone), reminders not delivered,
   * and the counters that did not answer at all (their writes could not be checked).
   */
  record Verdict(
      long lost,
      long duplicated,
      long countersLost,
      long countersDuplicated,
      long alarms,
      long alarmsMissing,
      List<String> problems,
      List<String> unreadable) {}

  private final Http http;
  private final List<String> gateways;
  private final List<String> problems = new ArrayList<>();
  private final List<String> unreadable = new ArrayList<>();
  private long lost;
  private long duplicated;

  Verifier(Http http, List<String> gateways) {
    this.http = http;
    this.gateways = List.copyOf(gateways);
  }

  /** Every check of a run: counters, the reads made during the run, reminders. */
  Verdict check(Ledger ledger, Duration alarmMargin) {
    ledger.unkeyed.forEach(this::checkUnkeyed);
    ledger.keyed.forEach(this::checkKeyed);
    long countersLost = lost;
    long countersDuplicated = duplicated;
    for (Ledger.StaleRead read : ledger.staleReads) {
      lost++;
      problems.add(
          "lost: a read of "
              + read.counter()
              + " answered "
              + read.read()
              + " after "
              + read.acknowledgedBefore()
              + " was acknowledged");
    }
    long missing = checkReminders(ledger, alarmMargin);
    return new Verdict(
        lost,
        duplicated,
        countersLost,
        countersDuplicated,
        ledger.reminders.size(),
        missing,
        List.copyOf(problems),
        List.copyOf(unreadable));
  }

  /** The counters' final counts only (to read them again later: the ledger is complete by then). */
  Verdict checkCounters(Ledger ledger) {
    ledger.unkeyed.forEach(this::checkUnkeyed);
    ledger.keyed.forEach(this::checkKeyed);
    return new Verdict(
        lost, duplicated, lost, duplicated, 0, 0, List.copyOf(problems), List.copyOf(unreadable));
  }

  private void checkUnkeyed(String counter, Ledger.Unkeyed ledger) {
    List<Long> values = Ledger.values(ledger.acks);
    long[] count = finalCount(counter);
    if (count == null) {
      return;
    }
    checkValues(counter, values, count);
    long atMost = values.size() + ledger.ambiguous.get();
    if (count[1] > atMost) {
      duplicated += count[1] - atMost;
      problems.add(
          "duplicated: "
              + counter
              + " counts "
              + count[1]
              + " but at most "
              + atMost
              + " increments were sent ("
              + values.size()
              + " acknowledged, "
              + ledger.ambiguous.get()
              + " ambiguous): some applied twice");
    }
  }

  private void checkKeyed(String counter, Ledger.Keyed ledger) {
    List<Long> values = Ledger.values(ledger.acks.values());
    long[] count = finalCount(counter);
    if (count == null) {
      return;
    }
    checkValues(counter, values, count);
    for (String mismatch : ledger.replayMismatches) {
      duplicated++;
      problems.add(
          "duplicated: " + counter + " answered a key twice with different counts: " + mismatch);
    }
    long atMost = values.size() + ledger.abandonedMaybeApplied.get();
    if (count[1] > atMost) {
      duplicated += count[1] - atMost;
      problems.add(
          "duplicated: "
              + counter
              + " counts "
              + count[1]
              + " but only "
              + values.size()
              + " keys were acknowledged and "
              + ledger.abandonedMaybeApplied.get()
              + " given up: a key applied twice");
    }
  }

  /** Distinct values, none above the final count ({@code count[0]} the lowest gateway's answer). */
  private void checkValues(String counter, List<Long> values, long[] count) {
    Map<Long, Integer> times = new TreeMap<>();
    values.forEach(v -> times.merge(v, 1, Integer::sum));
    List<String> twice = new ArrayList<>();
    times.forEach(
        (value, n) -> {
          if (n > 1) {
            duplicated += n - 1;
            twice.add(value + (n > 2 ? " (" + n + " times)" : ""));
          }
        });
    if (!twice.isEmpty()) {
      // Either two instances of the object wrote at once, or an acknowledged write was lost and its
      // count handed out again.
      problems.add(
          "duplicated: "
              + counter
              + " acknowledged these values more than once: "
              + twice
              + " (two writers, or acknowledged writes lost and their counts given again)");
    }
    List<Long> above = times.keySet().stream().filter(v -> v > count[0]).toList();
    if (!above.isEmpty()) {
      lost += above.size();
      problems.add(
          "lost: "
              + counter
              + " counts "
              + count[0]
              + " but acknowledged "
              + above.size()
              + " values above it, up to "
              + above.get(above.size() - 1));
    }
  }

  /**
   * {lowest, highest} of the counter's count as every gateway answers it; null (and the counter
   * noted as unreadable) if it does not answer.
   */
  private long[] finalCount(String counter) {
    long low = Long.MAX_VALUE;
    long high = Long.MIN_VALUE;
    Set<Long> answers = new HashSet<>();
    for (String gateway : gateways) {
      long value;
      try {
        value = read(gateway + Workload.counterPath(counter));
      } catch (IllegalStateException e) {
        unreadable.add(counter);
        problems.add("unreadable: " + e.getMessage());
        return null;
      }
      answers.add(value);
      low = Math.min(low, value);
      high = Math.max(high, value);
    }
    if (answers.size() > 1) {
      problems.add(
          "inconsistent: the gateways answer different counts for " + counter + ": " + answers);
    }
    return new long[] {low, high};
  }

  private long read(String url) {
    long deadline = System.nanoTime() + READ_WITHIN.toNanos();
    Http.Result last = null;
    while (System.nanoTime() < deadline) {
      last = http.send(Http.request(url).GET().build(), 200);
      if (last.ok()) {
        return Long.parseLong(last.body().strip());
      }
      Processes.sleep(500);
    }
    throw new IllegalStateException(url + " did not answer within " + READ_WITHIN + ": " + last);
  }

  /**
   * Waits until every acknowledged reminder is delivered, or its due time plus {@code margin} has
   * passed; answers how many were not delivered.
   */
  private long checkReminders(Ledger ledger, Duration margin) {
    Map<String, Map<Long, String>> expected = new HashMap<>();
    Instant latestDue = Instant.now();
    for (Ledger.Reminder r : ledger.reminders) {
      String earlier =
          expected.computeIfAbsent(r.object(), k -> new HashMap<>()).put(r.id(), r.text());
      if (earlier != null && !earlier.equals(r.text())) {
        duplicated++;
        problems.add(
            "duplicated: "
                + r.object()
                + " acknowledged reminder "
                + r.id()
                + " for two different schedules");
      }
      latestDue = latestDue.isAfter(r.due()) ? latestDue : r.due();
    }
    Instant deadline = latestDue.plus(margin);
    Map<String, Map<Long, String>> undelivered = new HashMap<>();
    expected.forEach((object, byId) -> undelivered.put(object, new HashMap<>(byId)));
    while (true) {
      for (var entry : undelivered.entrySet()) {
        if (entry.getValue().isEmpty()) {
          continue;
        }
        Http.Result list =
            http.send(
                Http.request(gateways.get(0) + "/v1/reminder/by-name/" + entry.getKey() + "/")
                    .GET()
                    .build(),
                200);
        if (!list.ok()) {
          continue;
        }
        try {
          for (JsonNode delivered : JSON.readTree(list.body()).path("delivered")) {
            long id = delivered.path("id").asLong();
            String text = entry.getValue().remove(id);
            if (text != null && !text.equals(delivered.path("text").asText())) {
              lost++;
              problems.add(
                  "lost: "
                      + entry.getKey()
                      + " delivered reminder "
                      + id
                      + " with the text '"
                      + delivered.path("text").asText()
                      + "', scheduled as '"
                      + text
                      + "'");
            }
          }
        } catch (Exception e) {
          problems.add("unexpected reminder list: " + Http.abbreviate(list.body()));
        }
      }
      long left = undelivered.values().stream().mapToLong(Map::size).sum();
      if (left == 0 || Instant.now().isAfter(deadline)) {
        if (left > 0) {
          undelivered.forEach(
              (object, ids) -> {
                if (!ids.isEmpty()) {
                  problems.add(
                      "alarm missing: "
                          + object
                          + " did not deliver reminders "
                          + ids.keySet()
                          + " by their due time + "
                          + margin.toSeconds()
                          + " s");
                }
              });
        }
        return left;
      }
      Processes.sleep(500);
    }
  }
}

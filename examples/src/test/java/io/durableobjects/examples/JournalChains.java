package io.durableobjects.examples;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The journal check of the chaos suite ({@code loadtest}'s {@code JournalDuplicates}), for the
 * fault tests here: every object's journal must be one chain written by one instance at a time. For
 * each object in the {@code events} table: no sequence number missing between the first and the
 * last, the fence's {@code highest_sequence_nr} equal to the last, and each writer's events one run
 * (once another instance wrote, the earlier one never wrote again). Needs events that were not
 * deleted on a snapshot (the fixture's nodes snapshot every 1000 events only).
 */
final class JournalChains {
  private JournalChains() {}

  /** Every break of an object's chain in {@code keyspace}, one line each; empty if none. */
  static List<String> breaks(CqlSession session, String keyspace) {
    Map<String, TreeMap<Long, String>> events = new LinkedHashMap<>();
    Map<String, Long> fences = new LinkedHashMap<>();
    SimpleStatement scan =
        SimpleStatement.newInstance(
                "SELECT persistence_id, sequence_nr, writer_uuid, highest_sequence_nr FROM "
                    + keyspace
                    + ".events")
            .setTimeout(Duration.ofSeconds(30));
    for (Row row : session.execute(scan)) {
      String id = row.getString(0);
      if (!row.isNull(3)) {
        fences.merge(id, row.getLong(3), Math::max);
      }
      if (row.getLong(1) > 0) { // row 0 is the partition's fence
        events.computeIfAbsent(id, k -> new TreeMap<>()).put(row.getLong(1), row.getString(2));
      }
    }
    List<String> breaks = new ArrayList<>();
    events.forEach((id, chain) -> check(id, chain, fences.get(id), breaks));
    return breaks;
  }

  private static void check(
      String id, TreeMap<Long, String> chain, Long fence, List<String> breaks) {
    long expected = chain.firstKey();
    String writer = null;
    Set<String> replaced = new HashSet<>();
    for (Map.Entry<Long, String> event : chain.entrySet()) {
      if (event.getKey() != expected) {
        breaks.add(
            id + ": sequence_nr " + expected + " missing (next present: " + event.getKey() + ")");
      }
      expected = event.getKey() + 1;
      String current = String.valueOf(event.getValue());
      if (!current.equals(writer)) {
        if (replaced.contains(current)) {
          breaks.add(
              id
                  + ": sequence_nr "
                  + event.getKey()
                  + " written by an instance another had replaced");
        }
        if (writer != null) {
          replaced.add(writer);
        }
        writer = current;
      }
    }
    if (fence == null || fence != chain.lastKey().longValue()) {
      breaks.add(
          id
              + ": the fence says the last sequence number is "
              + fence
              + ", not "
              + chain.lastKey());
    }
  }
}

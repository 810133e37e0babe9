package io.durableobjects.loadtest.chaos;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The journal check: every object's journal is one chain written by one instance at a time, which
 * is what two instances of one object writing at once would break.
 *
 * <p>This is the one place that knows the journal's table: {@code durable_objects.events}, {@code
 * PRIMARY KEY ((persistence_id, partition_nr), sequence_nr)}, one row per sequence number (a second
 * write of one would overwrite the first, which the journal's fence prevents), numbered from 1, and
 * row 0 of each partition, the fence ({@code writer} and {@code highest_sequence_nr}). For each
 * object it checks:
 *
 * <ul>
 *   <li>no sequence number missing between 1 and the last (a write that overwrote or skipped);
 *   <li>the fence's highest sequence number is the last event's (nothing acknowledged beyond it);
 *   <li>each writer's events are one run: once another instance wrote, the earlier one never wrote
 *       again (a stale instance's write that got through).
 * </ul>
 *
 * <p>The events must not be deleted on snapshots for the check to see them: the suite runs its
 * nodes with {@code durable-objects.journal.delete-events-on-snapshot = off}.
 */
final class JournalDuplicates {
  static final String TABLE = "durable_objects.events";

  /**
   * A break of one object's chain at {@code sequenceNr}: {@code rows} events found there (0: a gap)
   * and {@code writers} instances involved; {@code what} says which rule it breaks.
   */
  record Duplicate(String persistenceId, long sequenceNr, int rows, int writers, String what) {}

  private JournalDuplicates() {}

  /** Scans the whole journal; answers every break of an object's chain. */
  static List<Duplicate> find(InetSocketAddress contactPoint) {
    DriverConfigLoader config =
        DriverConfigLoader.programmaticBuilder()
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
            .withInt(DefaultDriverOption.REQUEST_PAGE_SIZE, 5000)
            // Without it, closing the session waits out Netty's 2 s quiet period.
            .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
            .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0)
            .build();
    try (CqlSession session =
        CqlSession.builder()
            .addContactPoint(contactPoint)
            .withLocalDatacenter("datacenter1")
            .withConfigLoader(config)
            .build()) {
      Map<String, TreeMap<Long, String>> events = new LinkedHashMap<>();
      Map<String, Long> fences = new LinkedHashMap<>();
      for (Row row :
          session.execute(
              SimpleStatement.newInstance(
                  "SELECT persistence_id, sequence_nr, writer_uuid, highest_sequence_nr FROM "
                      + TABLE))) {
        String id = row.getString(0);
        if (!row.isNull(3)) {
          fences.merge(id, row.getLong(3), Math::max);
        }
        if (row.getLong(1) > 0) { // row 0 is the partition's fence
          events.computeIfAbsent(id, k -> new TreeMap<>()).put(row.getLong(1), row.getString(2));
        }
      }
      List<Duplicate> breaks = new ArrayList<>();
      events.forEach((id, chain) -> check(id, chain, fences.get(id), breaks));
      return breaks;
    }
  }

  /** The breaks of one object's chain (package-private for tests). */
  static void check(String id, TreeMap<Long, String> chain, Long fence, List<Duplicate> breaks) {
    long expected = 1;
    String writer = null;
    Set<String> finished = new HashSet<>();
    for (Map.Entry<Long, String> event : chain.entrySet()) {
      long sequenceNr = event.getKey();
      if (sequenceNr != expected) {
        breaks.add(new Duplicate(id, expected, 0, 0, "missing (next present: " + sequenceNr + ")"));
      }
      expected = sequenceNr + 1;
      String current = String.valueOf(event.getValue());
      if (!current.equals(writer)) {
        if (finished.contains(current)) {
          breaks.add(
              new Duplicate(
                  id, sequenceNr, 1, 2, "written by an instance that another had replaced"));
        }
        if (writer != null) {
          finished.add(writer);
        }
        writer = current;
      }
    }
    long last = chain.lastKey();
    if (fence == null || fence != last) {
      breaks.add(
          new Duplicate(id, last, 1, 1, "the fence says the last sequence number is " + fence));
    }
  }

  /** One line for the run's problems. */
  static String describe(Duplicate d) {
    return "journal: " + d.persistenceId() + " sequence_nr " + d.sequenceNr() + " " + d.what();
  }
}

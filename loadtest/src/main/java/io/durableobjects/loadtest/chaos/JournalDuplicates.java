package io.durableobjects.loadtest.chaos;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The journal check: no two journal rows of one object with the same sequence number, which is
 * what two instances of one object writing at once leave behind (replay then has to choose).
 *
 * <p>This is the one place that knows the journal's table. Today it is pekko-persistence-cassandra's
 * {@code durable_objects.messages}, {@code PRIMARY KEY ((persistence_id, partition_nr),
 * sequence_nr, timestamp)}: two writers of one sequence number leave two rows that differ in
 * {@code timestamp}, adjacent in the partition's clustering order, so a full scan finds them. (With a
 * journal whose key ends at {@code sequence_nr}, a second write of a sequence number overwrites
 * the first instead; such a journal must prevent it with a conditional write, and this check then
 * looks for what its fence records instead.) The events must not be deleted on snapshots for the
 * check to see them: the suite runs its nodes with {@code
 * durable-objects.journal.delete-events-on-snapshot = off}.
 */
final class JournalDuplicates {
  static final String TABLE = "durable_objects.messages";

  /**
   * One sequence number written more than once for one persistence id, by {@code writers}
   * different journal writers (pekko-persistence-cassandra's {@code writer_uuid}: one per
   * incarnation of the object's journal actor).
   */
  record Duplicate(String persistenceId, long sequenceNr, int rows, int writers) {}

  /** The rows seen so far of one sequence number of one persistence id. */
  private static final class Run {
    final long sequenceNr;
    int rows;
    final java.util.Set<String> writers = new java.util.HashSet<>();

    Run(long sequenceNr) {
      this.sequenceNr = sequenceNr;
    }
  }

  private JournalDuplicates() {}

  /** Scans the whole journal; answers every duplicated sequence number. */
  static List<Duplicate> find(InetSocketAddress contactPoint) {
    DriverConfigLoader config =
        DriverConfigLoader.programmaticBuilder()
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
            .withInt(DefaultDriverOption.REQUEST_PAGE_SIZE, 5000)
            .build();
    try (CqlSession session =
        CqlSession.builder()
            .addContactPoint(contactPoint)
            .withLocalDatacenter("datacenter1")
            .withConfigLoader(config)
            .build()) {
      List<Duplicate> duplicates = new ArrayList<>();
      Map<String, Run> last = new HashMap<>();
      for (Row row :
          session.execute(
              SimpleStatement.newInstance(
                  "SELECT persistence_id, sequence_nr, writer_uuid FROM " + TABLE))) {
        String id = row.getString(0);
        long sequenceNr = row.getLong(1);
        Run seen = last.get(id);
        if (seen == null || seen.sequenceNr != sequenceNr) {
          if (seen != null && seen.rows > 1) {
            duplicates.add(new Duplicate(id, seen.sequenceNr, seen.rows, seen.writers.size()));
          }
          seen = new Run(sequenceNr);
          last.put(id, seen);
        }
        seen.rows++;
        seen.writers.add(String.valueOf(row.getString(2)));
      }
      last.forEach(
          (id, seen) -> {
            if (seen.rows > 1) {
              duplicates.add(new Duplicate(id, seen.sequenceNr, seen.rows, seen.writers.size()));
            }
          });
      return duplicates;
    }
  }
}

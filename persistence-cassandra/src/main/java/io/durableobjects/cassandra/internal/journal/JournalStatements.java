package io.durableobjects.cassandra.internal.journal;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.durableobjects.cassandra.internal.PreparedOnce;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * INTERNAL API
 *
 * <p>The CQL of table {@value #TABLE} (see {@code schema.cql}), each statement prepared once. Row
 * {@value #FENCE_ROW} of a partition, its columns {@code writer} and {@code highest_sequence_nr},
 * is the fence: every write is a conditional batch on it (a lightweight transaction), applied only
 * if the writer and the highest sequence number are what the writing instance expects.
 *
 * <p>The fence is a row of its own rather than static columns because of what a condition reads:
 * Cassandra reads a condition on static columns with a slice of the partition that stops at the
 * first live row, so it steps over every event deleted after a snapshot (until compaction purges
 * them, {@code gc_grace_seconds} later), and a hot object's every write grew slower with its
 * history. A condition on one row reads that row only. Events are numbered from 1, so the fence
 * never mixes with them: replays and deletes cover sequence numbers from 1 up.
 */
final class JournalStatements {

  static final String TABLE = "events";

  /** The clustering key of each partition's fence row. */
  static final long FENCE_ROW = 0;

  /** One row of the table, serialized. */
  record EventRow(
      long sequenceNr,
      long writtenAt,
      String writerUuid,
      int serId,
      String manifest,
      ByteBuffer bytes) {}

  /** The fence of a partition: its fence row, absent when the partition has none yet. */
  record Head(String writer, long highest) {
    static Optional<Head> of(Row row) {
      if (row == null
          || !row.getColumnDefinitions().contains("writer")
          || row.isNull("writer")
          || row.isNull("highest_sequence_nr")) {
        return Optional.empty();
      }
      return Optional.of(new Head(row.getString("writer"), row.getLong("highest_sequence_nr")));
    }
  }

  /** A conditional statement's outcome: applied, or the partition's current fence. */
  record Outcome(boolean applied, Optional<Head> current) {
    static Outcome of(AsyncResultSet result) {
      boolean applied = result.wasApplied();
      return new Outcome(applied, applied ? Optional.empty() : Head.of(result.one()));
    }
  }

  private final CassandraSession session;
  private final PreparedOnce insertEvent;
  private final PreparedOnce guard;
  private final PreparedOnce openPartition;
  private final PreparedOnce claim;
  private final PreparedOnce takeFence;
  private final PreparedOnce readHead;
  private final PreparedOnce replay;
  private final PreparedOnce deleteTo;
  private final PreparedOnce firstEvent;
  private final String readProfile;
  private final String writeProfile;

  JournalStatements(
      CassandraSession session, String keyspace, String readProfile, String writeProfile) {
    this.session = session;
    this.readProfile = readProfile;
    this.writeProfile = writeProfile;
    String table = keyspace + "." + TABLE;
    this.insertEvent =
        new PreparedOnce(
            session,
            "INSERT INTO "
                + table
                + " (persistence_id, partition_nr, sequence_nr, written_at, writer_uuid, ser_id,"
                + " ser_manifest, event) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    this.guard =
        new PreparedOnce(
            session,
            "UPDATE "
                + table
                + " SET writer = ?, highest_sequence_nr = ?"
                + " WHERE persistence_id = ? AND partition_nr = ? AND sequence_nr = "
                + FENCE_ROW
                + " IF writer = ? AND highest_sequence_nr = ?");
    this.openPartition =
        new PreparedOnce(
            session,
            "INSERT INTO "
                + table
                + " (persistence_id, partition_nr, sequence_nr, writer, highest_sequence_nr)"
                + " VALUES (?, ?, "
                + FENCE_ROW
                + ", ?, ?) IF NOT EXISTS");
    this.claim =
        new PreparedOnce(
            session,
            "UPDATE "
                + table
                + " SET writer = ? WHERE persistence_id = ? AND partition_nr = ? AND sequence_nr = "
                + FENCE_ROW
                + " IF writer = ? AND highest_sequence_nr = ?");
    this.takeFence =
        new PreparedOnce(
            session,
            "UPDATE "
                + table
                + " SET writer = ? WHERE persistence_id = ? AND partition_nr = ? AND sequence_nr = "
                + FENCE_ROW
                + " IF EXISTS");
    this.readHead =
        new PreparedOnce(
            session,
            "SELECT writer, highest_sequence_nr FROM "
                + table
                + " WHERE persistence_id = ? AND partition_nr = ? AND sequence_nr = "
                + FENCE_ROW);
    this.replay =
        new PreparedOnce(
            session,
            "SELECT sequence_nr, written_at, writer_uuid, ser_id, ser_manifest, event FROM "
                + table
                + " WHERE persistence_id = ? AND partition_nr = ? AND sequence_nr >= ?"
                + " AND sequence_nr <= ?");
    this.deleteTo =
        new PreparedOnce(
            session,
            "DELETE FROM "
                + table
                + " WHERE persistence_id = ? AND partition_nr = ? AND sequence_nr > "
                + FENCE_ROW
                + " AND sequence_nr <= ?");
    this.firstEvent =
        new PreparedOnce(
            session,
            "SELECT sequence_nr FROM "
                + table
                + " WHERE persistence_id = ? AND partition_nr = ? AND sequence_nr > "
                + FENCE_ROW
                + " LIMIT 1");
  }

  /**
   * Writes {@code rows} into partition {@code partitionNr} and sets the fence to ({@code
   * newWriter}, the last row's sequence number), if the fence is ({@code expectedWriter}, {@code
   * expectedHighest}); one atomic, conditional batch.
   */
  CompletionStage<Outcome> write(
      String persistenceId,
      long partitionNr,
      List<EventRow> rows,
      String expectedWriter,
      long expectedHighest,
      String newWriter) {
    long highest = rows.get(rows.size() - 1).sequenceNr();
    return insertEvent
        .get()
        .thenCombine(
            guard.get(),
            (PreparedStatement insert, PreparedStatement update) -> {
              BatchStatementBuilder batch = BatchStatement.builder(BatchType.UNLOGGED);
              for (EventRow row : rows) {
                batch.addStatement(
                    insert.bind(
                        persistenceId,
                        partitionNr,
                        row.sequenceNr(),
                        row.writtenAt(),
                        row.writerUuid(),
                        row.serId(),
                        row.manifest(),
                        row.bytes()));
              }
              batch.addStatement(
                  update.bind(
                      newWriter,
                      highest,
                      persistenceId,
                      partitionNr,
                      expectedWriter,
                      expectedHighest));
              return batch.setExecutionProfileName(writeProfile).build().setIdempotent(false);
            })
        .thenCompose(this::execute)
        .thenApply(Outcome::of);
  }

  /** Creates the fence of a partition that has none yet ({@code IF NOT EXISTS}). */
  CompletionStage<Outcome> openPartition(
      String persistenceId, long partitionNr, String writer, long highest) {
    return openPartition
        .get()
        .thenCompose(
            statement ->
                execute(write(statement.bind(persistenceId, partitionNr, writer, highest))))
        .thenApply(Outcome::of);
  }

  /** Sets the partition's writer to {@code writer} if its fence is still {@code current}. */
  CompletionStage<Outcome> claim(
      String persistenceId, long partitionNr, String writer, Head current) {
    return claim
        .get()
        .thenCompose(
            statement ->
                execute(
                    write(
                        statement.bind(
                            writer,
                            persistenceId,
                            partitionNr,
                            current.writer(),
                            current.highest()))))
        .thenApply(Outcome::of);
  }

  /**
   * Sets the partition's writer to {@code writer} whatever the fence holds, if the partition has a
   * fence; the outcome carries no fence (read it with {@link #readHead} once applied).
   */
  CompletionStage<Boolean> takeFence(String persistenceId, long partitionNr, String writer) {
    return takeFence
        .get()
        .thenCompose(
            statement -> execute(write(statement.bind(writer, persistenceId, partitionNr))))
        .thenApply(AsyncResultSet::wasApplied);
  }

  /** The fence of a partition, read at the journal's read consistency. */
  CompletionStage<Optional<Head>> readHead(String persistenceId, long partitionNr) {
    return readHead
        .get()
        .thenCompose(statement -> execute(read(statement.bind(persistenceId, partitionNr))))
        .thenApply(result -> Head.of(result.one()));
  }

  /** The first page of the rows from {@code from} to {@code to} of one partition. */
  CompletionStage<AsyncResultSet> replay(
      String persistenceId, long partitionNr, long from, long to, int pageSize) {
    return replay
        .get()
        .thenCompose(
            statement ->
                execute(
                    read(statement.bind(persistenceId, partitionNr, from, to))
                        .setPageSize(pageSize)));
  }

  /** Whether one partition still holds an event (a row after its fence). */
  CompletionStage<Boolean> hasEvents(String persistenceId, long partitionNr) {
    return firstEvent
        .get()
        .thenCompose(statement -> execute(read(statement.bind(persistenceId, partitionNr))))
        .thenApply(
            result -> {
              return result.one() != null;
            });
  }

  /** Deletes the rows up to {@code to} of one partition (never its fence). */
  CompletionStage<AsyncResultSet> deleteTo(String persistenceId, long partitionNr, long to) {
    return deleteTo
        .get()
        .thenCompose(
            statement ->
                execute(
                    statement
                        .bind(persistenceId, partitionNr, to)
                        .setExecutionProfileName(writeProfile)));
  }

  private BoundStatement read(BoundStatement statement) {
    return statement.setExecutionProfileName(readProfile);
  }

  private BoundStatement write(BoundStatement statement) {
    // A conditional write retried after it was applied would report "not applied": the journal
    // tells such a retry apart itself (see FencedCassandraJournal), the driver must not retry.
    return statement.setExecutionProfileName(writeProfile).setIdempotent(false);
  }

  private CompletionStage<AsyncResultSet> execute(Statement<?> statement) {
    return session.underlying().thenCompose(cql -> cql.executeAsync(statement));
  }
}

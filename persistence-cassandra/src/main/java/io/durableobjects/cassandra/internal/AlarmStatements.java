package io.durableobjects.cassandra.internal;

import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * INTERNAL API
 *
 * <p>The CQL of the Cassandra alarm index (tables {@value #INDEX_TABLE}, {@value #BUCKETS_TABLE}
 * and {@value #ROWS_TABLE} of the journal keyspace, see {@code schema.cql}), each statement
 * prepared once, and bound with the journal's execution profiles so that the index is read and
 * written at the journal's consistency. Every statement is idempotent.
 */
public final class AlarmStatements {

  /** The rows by time bucket: what {@code due} reads. */
  public static final String INDEX_TABLE = "alarm_index";

  /** The buckets that may hold rows, in one partition. */
  public static final String BUCKETS_TABLE = "alarm_index_buckets";

  /**
   * The bucket each row that was overdue when added was written into, by object and due time: what
   * {@code remove} reads.
   */
  public static final String ROWS_TABLE = "alarm_index_rows";

  /** The one partition of {@value #BUCKETS_TABLE}. */
  public static final String KIND = "alarms";

  private final PreparedOnce insertRow;
  private final PreparedOnce deleteRow;
  private final PreparedOnce selectDue;
  private final PreparedOnce selectAnyRow;
  private final PreparedOnce register;
  private final PreparedOnce deregister;
  private final PreparedOnce selectRegistered;
  private final PreparedOnce insertLookup;
  private final PreparedOnce selectLookups;
  private final PreparedOnce deleteLookup;
  private final String readProfile;
  private final String writeProfile;

  /**
   * @param keyspace the journal keyspace (already validated)
   * @param readProfile the driver execution profile of reads
   * @param writeProfile the driver execution profile of writes
   */
  public AlarmStatements(
      CassandraSession session, String keyspace, String readProfile, String writeProfile) {
    String index = keyspace + "." + INDEX_TABLE;
    String buckets = keyspace + "." + BUCKETS_TABLE;
    String rows = keyspace + "." + ROWS_TABLE;
    String rowKey = " WHERE bucket = ? AND due_at = ? AND namespace = ? AND object_id = ?";
    // The name column is always written (null when unknown): an add overwrites the whole row.
    this.insertRow =
        new PreparedOnce(
            session,
            "INSERT INTO "
                + index
                + " (bucket, due_at, namespace, object_id, object_name) VALUES (?, ?, ?, ?, ?)");
    this.deleteRow = new PreparedOnce(session, "DELETE FROM " + index + rowKey);
    this.selectDue =
        new PreparedOnce(
            session,
            "SELECT due_at, namespace, object_id, object_name FROM "
                + index
                + " WHERE bucket = ? AND due_at <= ? LIMIT ?");
    this.selectAnyRow =
        new PreparedOnce(session, "SELECT due_at FROM " + index + " WHERE bucket = ? LIMIT 1");
    this.register =
        new PreparedOnce(session, "INSERT INTO " + buckets + " (kind, bucket) VALUES (?, ?)");
    this.deregister =
        new PreparedOnce(session, "DELETE FROM " + buckets + " WHERE kind = ? AND bucket = ?");
    this.selectRegistered =
        new PreparedOnce(
            session,
            "SELECT bucket FROM " + buckets + " WHERE kind = ? AND bucket >= ? AND bucket <= ?");
    this.insertLookup =
        new PreparedOnce(
            session,
            "INSERT INTO " + rows + " (namespace, object_id, due_at, bucket) VALUES (?, ?, ?, ?)");
    this.selectLookups =
        new PreparedOnce(
            session,
            "SELECT bucket FROM " + rows + " WHERE namespace = ? AND object_id = ? AND due_at = ?");
    this.deleteLookup =
        new PreparedOnce(
            session,
            "DELETE FROM "
                + rows
                + " WHERE namespace = ? AND object_id = ? AND due_at = ? AND bucket = ?");
    this.readProfile = readProfile;
    this.writeProfile = writeProfile;
  }

  /** Upserts the index row; {@code name} may be null. */
  public CompletionStage<BoundStatement> insertRow(
      long bucket, Instant dueAt, String namespace, String id, String name) {
    return insertRow.get().thenApply(s -> write(s, bucket, dueAt, namespace, id, name));
  }

  /** Deletes one index row. */
  public CompletionStage<BoundStatement> deleteRow(
      long bucket, Instant dueAt, String namespace, String id) {
    return deleteRow.get().thenApply(s -> write(s, bucket, dueAt, namespace, id));
  }

  /** The first {@code limit} rows of a bucket due at or before {@code upTo}, earliest first. */
  public CompletionStage<BoundStatement> selectDue(long bucket, Instant upTo, int limit) {
    return selectDue.get().thenApply(s -> read(s, bucket, upTo, limit));
  }

  /** One row of a bucket, whatever its due time: none when the bucket is empty. */
  public CompletionStage<BoundStatement> selectAnyRow(long bucket) {
    return selectAnyRow.get().thenApply(s -> read(s, bucket));
  }

  /** Records that {@code bucket} may hold rows. */
  public CompletionStage<BoundStatement> register(long bucket) {
    return register.get().thenApply(s -> write(s, KIND, bucket));
  }

  /** Forgets {@code bucket}. */
  public CompletionStage<BoundStatement> deregister(long bucket) {
    return deregister.get().thenApply(s -> write(s, KIND, bucket));
  }

  /** The registered buckets from {@code from} to {@code to} (both included), ascending. */
  public CompletionStage<BoundStatement> selectRegistered(long from, long to) {
    return selectRegistered.get().thenApply(s -> read(s, KIND, from, to));
  }

  /** Records that the overdue row of this object due at {@code dueAt} goes into {@code bucket}. */
  public CompletionStage<BoundStatement> insertLookup(
      String namespace, String id, Instant dueAt, long bucket) {
    return insertLookup.get().thenApply(s -> write(s, namespace, id, dueAt, bucket));
  }

  /** The buckets the row of this object due at {@code dueAt} was written into when overdue. */
  public CompletionStage<BoundStatement> selectLookups(String namespace, String id, Instant dueAt) {
    return selectLookups.get().thenApply(s -> read(s, namespace, id, dueAt));
  }

  /** Forgets one bucket of the row of this object due at {@code dueAt}. */
  public CompletionStage<BoundStatement> deleteLookup(
      String namespace, String id, Instant dueAt, long bucket) {
    return deleteLookup.get().thenApply(s -> write(s, namespace, id, dueAt, bucket));
  }

  private BoundStatement write(PreparedStatement statement, Object... values) {
    return statement.bind(values).setExecutionProfileName(writeProfile).setIdempotent(true);
  }

  private BoundStatement read(PreparedStatement statement, Object... values) {
    return statement.bind(values).setExecutionProfileName(readProfile).setIdempotent(true);
  }
}

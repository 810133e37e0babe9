package io.durableobjects.cassandra.internal;

import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.durableobjects.core.spi.CatalogEntry;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * INTERNAL API
 *
 * <p>The CQL of the Cassandra object catalog (table {@value #TABLE} of the journal keyspace, see
 * {@code schema.cql}), each statement prepared once, and bound with the journal's execution
 * profiles so that the catalog is read and written at the journal's consistency.
 */
public final class CatalogStatements {

  /** The catalog table, in the journal keyspace. */
  public static final String TABLE = "object_catalog";

  private final PreparedOnce upsertWithName;
  private final PreparedOnce upsertWithoutName;
  private final PreparedOnce selectBucket;
  private final PreparedOnce selectBucketAfter;
  private final PreparedOnce selectRange;
  private final PreparedOnce selectRangeAfter;
  private final PreparedOnce ping;
  private final String readProfile;
  private final String writeProfile;

  /**
   * @param keyspace the journal keyspace (already validated)
   * @param readProfile the driver execution profile of reads
   * @param writeProfile the driver execution profile of writes
   */
  public CatalogStatements(
      CassandraSession session, String keyspace, String readProfile, String writeProfile) {
    String table = keyspace + "." + TABLE;
    // The write time is the entry's updatedAt: a retried, older record never overwrites a newer
    // one, whatever order the writes arrive in.
    this.upsertWithName =
        new PreparedOnce(
            session,
            "INSERT INTO "
                + table
                + " (namespace, bucket, id, name, has_data, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
                + " USING TIMESTAMP ?");
    // Without the name column at all: binding null would write a tombstone over a known name.
    this.upsertWithoutName =
        new PreparedOnce(
            session,
            "INSERT INTO "
                + table
                + " (namespace, bucket, id, has_data, updated_at) VALUES (?, ?, ?, ?, ?)"
                + " USING TIMESTAMP ?");
    String select = "SELECT id, name, has_data, updated_at FROM " + table;
    this.selectBucket =
        new PreparedOnce(session, select + " WHERE namespace = ? AND bucket = ? LIMIT ?");
    this.selectBucketAfter =
        new PreparedOnce(
            session, select + " WHERE namespace = ? AND bucket = ? AND id > ? LIMIT ?");
    // The IDs of one prefix: a slice of one bucket's clustering order, never a filtered scan.
    this.selectRange =
        new PreparedOnce(
            session,
            select + " WHERE namespace = ? AND bucket = ? AND id >= ? AND id <= ? LIMIT ?");
    this.selectRangeAfter =
        new PreparedOnce(
            session, select + " WHERE namespace = ? AND bucket = ? AND id > ? AND id <= ? LIMIT ?");
    this.ping = new PreparedOnce(session, "SELECT release_version FROM system.local");
    this.readProfile = readProfile;
    this.writeProfile = writeProfile;
  }

  /**
   * The upsert of a valid entry (ID checked with {@link CatalogIds#require}).
   *
   * @throws IllegalArgumentException if {@code entry.updatedAt()} is outside the range of a
   *     Cassandra write time (microseconds since the epoch in a signed 64-bit number)
   */
  public CompletionStage<BoundStatement> upsert(CatalogEntry entry) {
    long writeTime = writeTimeMicros(entry.updatedAt());
    int bucket = CatalogIds.bucket(entry.id());
    if (entry.name().isPresent()) {
      return upsertWithName
          .get()
          .thenApply(
              statement ->
                  write(
                      statement,
                      entry.namespace(),
                      bucket,
                      entry.id(),
                      entry.name().get(),
                      entry.hasData(),
                      entry.updatedAt(),
                      writeTime));
    }
    return upsertWithoutName
        .get()
        .thenApply(
            statement ->
                write(
                    statement,
                    entry.namespace(),
                    bucket,
                    entry.id(),
                    entry.hasData(),
                    entry.updatedAt(),
                    writeTime));
  }

  /**
   * The first {@code limit} entries of one bucket of a namespace, in ascending order of ID, only
   * those after {@code afterId} if present.
   */
  public CompletionStage<BoundStatement> selectBucket(
      String namespace, int bucket, Optional<String> afterId, int limit) {
    if (afterId.isPresent()) {
      return selectBucketAfter
          .get()
          .thenApply(statement -> read(statement, namespace, bucket, afterId.get(), limit));
    }
    return selectBucket.get().thenApply(statement -> read(statement, namespace, bucket, limit));
  }

  /**
   * The first {@code limit} entries of one bucket of a namespace from {@code from} to {@code to}
   * (both IDs of that bucket), in ascending order of ID; {@code from} itself only if {@code
   * inclusive}.
   */
  public CompletionStage<BoundStatement> selectRange(
      String namespace, int bucket, String from, boolean inclusive, String to, int limit) {
    return (inclusive ? selectRange : selectRangeAfter)
        .get()
        .thenApply(statement -> read(statement, namespace, bucket, from, to, limit));
  }

  /** A trivial query of the node-local system table. */
  public CompletionStage<BoundStatement> ping() {
    return ping.get().thenApply(PreparedStatement::bind);
  }

  private BoundStatement write(PreparedStatement statement, Object... values) {
    return statement.bind(values).setExecutionProfileName(writeProfile).setIdempotent(true);
  }

  private BoundStatement read(PreparedStatement statement, Object... values) {
    return statement.bind(values).setExecutionProfileName(readProfile).setIdempotent(true);
  }

  private static long writeTimeMicros(Instant time) {
    try {
      return Math.addExact(
          Math.multiplyExact(time.getEpochSecond(), 1_000_000L), time.getNano() / 1000);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "updatedAt " + time + " is outside the range of a Cassandra write time", e);
    }
  }
}

package io.durableobjects.cassandra;

import com.datastax.oss.driver.api.core.cql.Row;
import com.typesafe.config.Config;
import io.durableobjects.cassandra.internal.AlarmBuckets;
import io.durableobjects.cassandra.internal.AlarmStatements;
import io.durableobjects.cassandra.internal.CatalogIds;
import io.durableobjects.core.spi.AlarmIndex;
import io.durableobjects.core.spi.AlarmIndexEntry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.connectors.cassandra.CassandraSessionSettings;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link AlarmIndex} in Cassandra: tables {@code alarm_index}, {@code alarm_index_buckets} and
 * {@code alarm_index_rows} of the journal keyspace, created with the rest of the schema from {@code
 * schema.cql}. This module's {@code reference.conf} names it in {@code
 * durable-objects.alarms.index-class}. Like {@link CassandraObjectCatalog}, it uses the journal's
 * driver session and its read and write execution profiles, and never closes the session.
 *
 * <p>Layout. {@code alarm_index} is partitioned by time bucket ({@code
 * durable-objects.cassandra.alarm-index.bucket-size}, 10 s by default) and clustered by due time,
 * so {@link #due} reads a few small partitions in order. {@code alarm_index_buckets} lists, in one
 * partition, the buckets that may hold rows, so that {@code due} never probes empty time ranges,
 * however long the cluster was stopped.
 *
 * <p>Writes. A row goes into the bucket of {@code max(dueAt, now)}: never into a bucket that is
 * already over, while {@code due_at} keeps the real time. So a row is in the bucket of its due time
 * (its home bucket) unless it was overdue when added; then it is in the bucket that was current at
 * that time, before that bucket's own rows, and {@code alarm_index_rows} records which bucket that
 * is. {@link #add} writes the bucket registration (skipped when this node already wrote it; a small
 * node-local cache) and the row in parallel, in one round trip: a row whose registration is not
 * written yet is merely not visible yet, and the add has not completed. An overdue row is written
 * only after its {@code alarm_index_rows} entry, so that it can always be removed.
 *
 * <p>Removal. {@link #remove} deletes the row in its home bucket, and reads {@code
 * alarm_index_rows} for the buckets it was written into when overdue: it deletes the row in each,
 * and only then those entries (one by one, so that an entry written by a concurrent add of the same
 * row survives). A row that comes back after its deletion (a replica that missed the delete for
 * longer than {@code gc_grace_seconds}) is thus removable again, unless it was overdue when added
 * and its entry did not come back with it.
 *
 * <p>Deregistration. {@code due} deregisters a bucket it finds empty once the bucket ended at least
 * {@code durable-objects.cassandra.alarm-index.deregistration-delay} ago (5 min by default). That
 * is safe only because rows are never written into past buckets: no node writes into such a bucket
 * any more, provided the clocks of the nodes differ by less than that delay (minus the time an add
 * takes between choosing its bucket and writing it). The same bound lets each node skip the
 * registrations (and their tombstones) below the lowest bucket it saw registered.
 *
 * <p>All nodes must use the same bucket size, and it must not change while rows exist. Invalid
 * arguments fail the returned stage with an {@link IllegalArgumentException}. Thread-safe.
 */
public final class CassandraAlarmIndex implements AlarmIndex {

  private static final Logger log = LoggerFactory.getLogger(CassandraAlarmIndex.class);

  /** Bucket registrations remembered by this node; past ones are evicted first. */
  private static final int CACHED_REGISTRATIONS = 1024;

  private static final Comparator<AlarmIndexEntry> EARLIEST_FIRST =
      Comparator.comparing(AlarmIndexEntry::dueAt)
          .thenComparing(AlarmIndexEntry::namespace)
          .thenComparing(AlarmIndexEntry::id);

  private final CassandraSession session;
  private final AlarmStatements statements;
  private final AlarmBuckets buckets;
  private final Clock clock;
  private final Set<Long> registered = ConcurrentHashMap.newKeySet();
  // No bucket below this one is registered, nor will be (see the class comment).
  private final AtomicLong floor = new AtomicLong(Long.MIN_VALUE);

  /**
   * An alarm index on the journal's session of {@code system}. Does not wait for Cassandra: the
   * session connects in the background, and the statements are prepared on first use.
   *
   * @throws IllegalArgumentException if the {@code durable-objects.cassandra} settings are invalid
   */
  public CassandraAlarmIndex(ActorSystem<?> system) {
    this(system, Clock.systemUTC());
  }

  /** With another clock: for tests that need time to pass. */
  CassandraAlarmIndex(ActorSystem<?> system, Clock clock) {
    Objects.requireNonNull(system, "system");
    this.clock = Objects.requireNonNull(clock, "clock");
    Config config = system.settings().config();
    CassandraSettings settings = CassandraSettings.fromConfig(config);
    Config plugin = config.getConfig(CassandraSettings.PLUGIN_PATH);
    this.buckets = AlarmBuckets.fromConfig(config);
    // Same registry key as the journal (its plugin path without ".journal"): the same session.
    this.session =
        CassandraSessionRegistry.get(system)
            .sessionFor(CassandraSessionSettings.create(CassandraSettings.PLUGIN_PATH));
    this.statements =
        new AlarmStatements(
            session,
            settings.journalKeyspace(),
            plugin.getString("read-profile"),
            plugin.getString("write-profile"));
  }

  /**
   * {@inheritDoc}
   *
   * <p>The due time is stored with millisecond precision (truncated). Without a name, the row's
   * name column is cleared.
   *
   * @throws IllegalArgumentException (failing the stage) if the namespace is empty, the ID is not
   *     64 lowercase hex characters, or {@code dueAt} is outside the years 1 to 9999
   */
  @Override
  public CompletionStage<Done> add(AlarmIndexEntry entry) {
    try {
      requireArgument(entry != null, "entry must not be null");
      requireNamespace("entry.namespace", entry.namespace());
      CatalogIds.require("entry.id", entry.id());
      AlarmBuckets.requireDueAt("entry.dueAt", entry.dueAt());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    long bucket = buckets.writeBucket(entry.dueAt(), clock.instant());
    long home = buckets.bucketOf(entry.dueAt().toEpochMilli());
    CompletionStage<Done> registered = register(bucket);
    if (bucket == home) {
      return registered.thenCombine(writeRow(entry, bucket), (registration, row) -> row);
    }
    // Overdue: remove finds this row only through its entry, so the entry comes first.
    CompletionStage<Done> written =
        statements
            .insertLookup(entry.namespace(), entry.id(), entry.dueAt(), bucket)
            .thenCompose(session::executeWrite)
            .thenCompose(lookup -> writeRow(entry, bucket));
    return registered.thenCombine(written, (registration, row) -> row);
  }

  private CompletionStage<Done> writeRow(AlarmIndexEntry entry, long bucket) {
    return statements
        .insertRow(bucket, entry.dueAt(), entry.namespace(), entry.id(), entry.name().orElse(null))
        .thenCompose(session::executeWrite);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException (failing the stage) as {@link #add} does
   */
  @Override
  public CompletionStage<Done> remove(String namespace, String id, Instant dueAt) {
    try {
      requireNamespace("namespace", namespace);
      CatalogIds.require("id", id);
      AlarmBuckets.requireDueAt("dueAt", dueAt);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    long home = buckets.bucketOf(dueAt.toEpochMilli());
    CompletionStage<Done> homeDeleted =
        statements.deleteRow(home, dueAt, namespace, id).thenCompose(session::executeWrite);
    return statements
        .selectLookups(namespace, id, dueAt)
        .thenCompose(session::selectAll)
        .thenCompose(
            rows -> {
              List<CompletableFuture<Done>> steps = new ArrayList<>();
              steps.add(homeDeleted.toCompletableFuture());
              for (Row row : rows) {
                long bucket = row.getLong("bucket");
                CompletionStage<Done> rowDeleted =
                    bucket == home
                        ? homeDeleted
                        : statements
                            .deleteRow(bucket, dueAt, namespace, id)
                            .thenCompose(session::executeWrite);
                // The entry goes only after the row it points at: never a row without its entry.
                steps.add(
                    rowDeleted
                        .thenCompose(
                            deleted -> statements.deleteLookup(namespace, id, dueAt, bucket))
                        .thenCompose(session::executeWrite)
                        .toCompletableFuture());
              }
              return CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new))
                  .thenApply(all -> Done.getInstance());
            });
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads the registered buckets up to that of {@code upTo} (or of now, if later: a row written
   * when overdue sits in the bucket that was current then) in ascending order, each for as many
   * rows as are still wanted, and returns them earliest first. Buckets come in order, and rows
   * within a bucket too, so the rows returned are the earliest due except for rows that were added
   * when already overdue: those compete with the rows of the bucket they were written into. Each
   * due row is returned by some call as the earlier ones are removed. Empty buckets that are over
   * (see the class comment) are deregistered on the way.
   *
   * @throws IllegalArgumentException (failing the stage) if {@code limit < 1} or {@code upTo} is
   *     null
   */
  @Override
  public CompletionStage<List<AlarmIndexEntry>> due(Instant upTo, int limit) {
    Optional<Instant> bound;
    try {
      requireArgument(upTo != null, "upTo must not be null");
      requireArgument(limit >= 1, "limit must be at least 1, but was " + limit);
      bound = AlarmBuckets.clampUpTo(upTo);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (bound.isEmpty()) {
      return CompletableFuture.completedFuture(List.of()); // before any storable due time
    }
    Instant now = clock.instant();
    long from = floor.get();
    long to = buckets.lastBucketToRead(bound.get(), now);
    Map<RowKey, AlarmIndexEntry> collected = new LinkedHashMap<>();
    return statements
        .selectRegistered(from, to)
        .thenCompose(session::selectAll)
        .thenCompose(
            rows -> {
              List<Long> found = new ArrayList<>(rows.size());
              rows.forEach(row -> found.add(row.getLong("bucket")));
              // Registrations made during this read are at or above lowestWritableBucket(now).
              long lowest = found.isEmpty() ? Long.MAX_VALUE : found.get(0);
              floor.accumulateAndGet(
                  Math.min(lowest, buckets.lowestWritableBucket(now)), Math::max);
              return collect(found, 0, bound.get(), limit, now, collected);
            })
        .thenApply(
            done -> {
              List<AlarmIndexEntry> result = new ArrayList<>(collected.values());
              result.sort(EARLIEST_FIRST);
              return List.copyOf(result);
            });
  }

  // One bucket after another, each asked for only as many rows as are still wanted.
  private CompletionStage<Done> collect(
      List<Long> found,
      int next,
      Instant upTo,
      int limit,
      Instant now,
      Map<RowKey, AlarmIndexEntry> collected) {
    if (next >= found.size() || collected.size() >= limit) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    long bucket = found.get(next);
    return statements
        .selectDue(bucket, upTo, limit - collected.size())
        .thenCompose(session::selectAll)
        .thenCompose(
            rows -> {
              for (Row row : rows) {
                AlarmIndexEntry entry = entry(row);
                // A row added twice while overdue may sit in two buckets: return it once.
                collected.putIfAbsent(RowKey.of(entry), entry);
              }
              CompletionStage<Done> cleaned =
                  rows.isEmpty() && buckets.isSettled(bucket, now)
                      ? deregisterIfEmpty(bucket)
                      : CompletableFuture.completedFuture(Done.getInstance());
              return cleaned.thenCompose(
                  done -> collect(found, next + 1, upTo, limit, now, collected));
            });
  }

  // Rows due after upTo are not in the answer above: look at the whole bucket before forgetting it.
  // A failure only leaves the bucket registered until the next call.
  private CompletionStage<Done> deregisterIfEmpty(long bucket) {
    return statements
        .selectAnyRow(bucket)
        .thenCompose(session::selectOne)
        .thenCompose(
            row -> {
              if (row.isPresent()) {
                return CompletableFuture.completedFuture(Done.getInstance());
              }
              registered.remove(bucket);
              return statements.deregister(bucket).thenCompose(session::executeWrite);
            })
        .exceptionally(
            error -> {
              log.debug("Could not deregister empty alarm bucket {}: {}", bucket, error.toString());
              return Done.getInstance();
            });
  }

  private CompletionStage<Done> register(long bucket) {
    if (registered.contains(bucket)) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    return statements
        .register(bucket)
        .thenCompose(session::executeWrite)
        .thenApply(
            done -> {
              remember(bucket);
              return done;
            });
  }

  // Bounded: past buckets are never written again, so they go first; if that is not enough, all.
  private void remember(long bucket) {
    if (registered.size() >= CACHED_REGISTRATIONS) {
      long current = buckets.bucketOf(clock.millis());
      registered.removeIf(cached -> cached < current);
      if (registered.size() >= CACHED_REGISTRATIONS) {
        registered.clear();
      }
    }
    registered.add(bucket);
  }

  private static AlarmIndexEntry entry(Row row) {
    return new AlarmIndexEntry(
        row.getString("namespace"),
        row.getString("object_id"),
        Optional.ofNullable(row.getString("object_name")),
        row.getInstant("due_at"));
  }

  private static void requireNamespace(String what, String namespace) {
    requireArgument(namespace != null, what + " must not be null");
    requireArgument(!namespace.isEmpty(), what + " must not be empty");
  }

  private static void requireArgument(boolean valid, String message) {
    if (!valid) {
      throw new IllegalArgumentException(message);
    }
  }

  /** What identifies a row. */
  private record RowKey(String namespace, String id, Instant dueAt) {
    static RowKey of(AlarmIndexEntry entry) {
      return new RowKey(entry.namespace(), entry.id(), entry.dueAt());
    }
  }
}

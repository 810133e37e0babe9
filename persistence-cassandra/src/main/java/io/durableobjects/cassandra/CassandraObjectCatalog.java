package io.durableobjects.cassandra;

import com.datastax.oss.driver.api.core.cql.Row;
import com.typesafe.config.Config;
import io.durableobjects.cassandra.internal.CatalogIds;
import io.durableobjects.cassandra.internal.CatalogStatements;
import io.durableobjects.core.spi.CatalogEntry;
import io.durableobjects.core.spi.CatalogPage;
import io.durableobjects.core.spi.IdPrefix;
import io.durableobjects.core.spi.ObjectCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.connectors.cassandra.CassandraSessionSettings;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * The {@link ObjectCatalog} in Cassandra: table {@code object_catalog} of the journal keyspace
 * ({@code durable-objects.cassandra.journal-keyspace}), created with the rest of the schema from
 * {@code schema.cql}. This module's {@code reference.conf} names it in {@code
 * durable-objects.catalog.class}.
 *
 * <p>It uses the journal's own driver session (pekko-connectors-cassandra's session registry, key
 * {@value CassandraSettings#PLUGIN_PATH}), so a node holds one connection pool, and the journal's
 * read and write execution profiles ({@code durable-objects.cassandra.plugin.read-profile} and
 * {@code write-profile}, QUORUM by default), so the catalog is as consistent as the journal. The
 * session belongs to the registry, which closes it when the actor system terminates; this class
 * never closes it. Statements are prepared on first use and then reused.
 *
 * <p>Layout: partition {@code (namespace, bucket)}, clustered by {@code id}, where the bucket is
 * the value of the ID's first hex character. A namespace is thus spread over 16 partitions instead
 * of one unbounded one, and reading the buckets in order gives all IDs in ascending order: a page
 * cursor is simply the last ID returned. A {@link #list} call reads at most 16 partitions.
 *
 * <p>Writes carry the entry's {@code updatedAt} as their Cassandra write time, so that a record
 * that is retried late never overwrites a newer one: the entry with the latest {@code updatedAt}
 * wins, column by column. Invalid arguments fail the returned stage with an {@link
 * IllegalArgumentException}. Thread-safe.
 */
public final class CassandraObjectCatalog implements ObjectCatalog {

  private final CassandraSession session;
  private final CatalogStatements statements;
  private final Duration pingTimeout;

  /**
   * A catalog on the journal's session of {@code system}. Does not wait for Cassandra: the session
   * connects in the background, and the first statements are prepared on first use.
   *
   * @throws IllegalArgumentException if the {@code durable-objects.cassandra} settings are invalid
   */
  public CassandraObjectCatalog(ActorSystem<?> system) {
    Objects.requireNonNull(system, "system");
    Config config = system.settings().config();
    CassandraSettings settings = CassandraSettings.fromConfig(config);
    Config plugin = config.getConfig(CassandraSettings.PLUGIN_PATH);
    // Same registry key as the journal (its plugin path without ".journal"): the same session.
    this.session =
        CassandraSessionRegistry.get(system)
            .sessionFor(CassandraSessionSettings.create(CassandraSettings.PLUGIN_PATH));
    this.statements =
        new CatalogStatements(
            session,
            settings.journalKeyspace(),
            plugin.getString("read-profile"),
            plugin.getString("write-profile"));
    // The plugin's own health check timeout: ping serves the same readiness purpose.
    this.pingTimeout = plugin.getDuration("healthcheck.timeout");
  }

  /**
   * Upserts the entry. Without a name, the name column is not written at all, so a name recorded
   * earlier stays.
   */
  @Override
  public CompletionStage<Done> record(CatalogEntry entry) {
    try {
      Objects.requireNonNull(entry, "entry");
      CatalogIds.require("entry.id", entry.id());
      return statements.upsert(entry).thenCompose(session::executeWrite);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads the bucket of {@code afterId} (or bucket 0) and the following ones until the page is
   * full, asking for one entry more than {@code limit}: {@code nextCursor} is present exactly when
   * more entries followed at the time of reading. With a prefix, it reads one slice of the prefix's
   * bucket instead (one query: the IDs of a prefix are contiguous in clustering order). The whole
   * page is held in memory, so callers should bound {@code limit}.
   *
   * @throws IllegalArgumentException (failing the stage) if {@code limit < 1}, {@code afterId} is
   *     not 64 lowercase hex characters or {@code idPrefix} is not a valid {@link IdPrefix}
   */
  @Override
  public CompletionStage<CatalogPage> list(
      String namespace, String idPrefix, Optional<String> afterId, int limit) {
    IdPrefix prefix;
    try {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(afterId, "afterId");
      if (limit < 1) {
        throw new IllegalArgumentException("limit must be at least 1, but was " + limit);
      }
      afterId.ifPresent(id -> CatalogIds.require("afterId", id));
      prefix = new IdPrefix(idPrefix);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    long wanted = limit + 1L; // one more than the page, to tell whether more follow
    if (!prefix.isEmpty()) {
      return range(namespace, prefix, afterId, wanted).thenApply(entries -> page(entries, limit));
    }
    int firstBucket = afterId.map(CatalogIds::bucket).orElse(0);
    return collect(namespace, firstBucket, afterId, wanted, new ArrayList<>())
        .thenApply(entries -> page(entries, limit));
  }

  // The IDs of a prefix all lie in the bucket of its first character, in one contiguous range.
  private CompletionStage<List<CatalogEntry>> range(
      String namespace, IdPrefix prefix, Optional<String> afterId, long wanted) {
    String highest = prefix.highest();
    if (afterId.isPresent() && afterId.get().compareTo(highest) >= 0) {
      return CompletableFuture.completedFuture(List.of());
    }
    boolean fromCursor = afterId.isPresent() && afterId.get().compareTo(prefix.lowest()) >= 0;
    String from = fromCursor ? afterId.get() : prefix.lowest();
    int limit = (int) Math.min(Integer.MAX_VALUE, wanted);
    return statements
        .selectRange(namespace, CatalogIds.bucket(from), from, !fromCursor, highest, limit)
        .thenCompose(session::selectAll)
        .thenApply(rows -> rows.stream().map(row -> entry(namespace, row)).toList());
  }

  /**
   * Completes when Cassandra answers {@code SELECT release_version FROM system.local}; fails when
   * it does not within the plugin's {@code healthcheck.timeout} (also while the session is still
   * connecting, which otherwise waits for Cassandra indefinitely).
   */
  @Override
  public CompletionStage<Done> ping() {
    return statements
        .ping()
        .thenCompose(session::selectOne)
        .thenApply(row -> Done.getInstance())
        .toCompletableFuture()
        .orTimeout(pingTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(
            error -> {
              if (unwrap(error) instanceof TimeoutException) {
                throw new CompletionException(
                    new TimeoutException(
                        "Cassandra did not answer within " + pingTimeout.toMillis() + " ms"));
              }
              throw error instanceof CompletionException c ? c : new CompletionException(error);
            });
  }

  // One bucket after another, each asked for only as many entries as are still wanted.
  private CompletionStage<List<CatalogEntry>> collect(
      String namespace,
      int bucket,
      Optional<String> afterId,
      long wanted,
      List<CatalogEntry> collected) {
    if (bucket >= CatalogIds.BUCKETS || collected.size() >= wanted) {
      return CompletableFuture.completedFuture(collected);
    }
    int limit = (int) Math.min(Integer.MAX_VALUE, wanted - collected.size());
    return statements
        .selectBucket(namespace, bucket, afterId, limit)
        .thenCompose(session::selectAll)
        .thenCompose(
            rows -> {
              rows.forEach(row -> collected.add(entry(namespace, row)));
              return collect(namespace, bucket + 1, Optional.empty(), wanted, collected);
            });
  }

  private static CatalogPage page(List<CatalogEntry> entries, int limit) {
    if (entries.size() <= limit) {
      return new CatalogPage(entries, Optional.empty());
    }
    List<CatalogEntry> page = entries.subList(0, limit);
    return new CatalogPage(page, Optional.of(page.get(limit - 1).id()));
  }

  private static CatalogEntry entry(String namespace, Row row) {
    Instant updatedAt = row.getInstant("updated_at");
    return new CatalogEntry(
        namespace,
        row.getString("id"),
        Optional.ofNullable(row.getString("name")),
        row.getBoolean("has_data"),
        updatedAt == null ? Instant.EPOCH : updatedAt); // always written; defensive only
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }
}

package io.durableobjects.cassandra.internal;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * INTERNAL API
 *
 * <p>One CQL statement, prepared on first use and then reused. Concurrent first uses share one
 * preparation. A failed preparation is not kept: Cassandra may not be up yet, or the table not
 * created yet, and the next use should try again rather than fail forever. Thread-safe.
 */
public final class PreparedOnce {

  private final CassandraSession session;
  private final String cql;
  private final AtomicReference<CompletableFuture<PreparedStatement>> prepared =
      new AtomicReference<>();

  public PreparedOnce(CassandraSession session, String cql) {
    this.session = Objects.requireNonNull(session, "session");
    this.cql = Objects.requireNonNull(cql, "cql");
  }

  /** The prepared statement, once Cassandra has prepared it. */
  public CompletionStage<PreparedStatement> get() {
    while (true) {
      CompletableFuture<PreparedStatement> current = prepared.get();
      if (current != null) {
        return current.minimalCompletionStage(); // callers cannot complete the shared future
      }
      CompletableFuture<PreparedStatement> mine = new CompletableFuture<>();
      if (prepared.compareAndSet(null, mine)) {
        prepare(mine);
        return mine.minimalCompletionStage();
      }
      // Another caller started (or just forgot a failed) preparation: look again.
    }
  }

  private void prepare(CompletableFuture<PreparedStatement> result) {
    session
        .prepare(cql)
        .whenComplete(
            (statement, error) -> {
              if (error == null) {
                result.complete(statement);
              } else {
                prepared.compareAndSet(result, null); // forget the failure: the next use retries
                result.completeExceptionally(error);
              }
            });
  }

  /** The CQL text. */
  public String cql() {
    return cql;
  }
}

package io.durableobjects.core.internal;

import io.durableobjects.core.spi.AlarmIndex;
import io.durableobjects.core.spi.AlarmIndexEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.pekko.Done;

/**
 * INTERNAL API: an {@link AlarmIndex} in this JVM's memory, used when no durable one is configured
 * (unit tests with an in-memory journal). It is lost with the JVM.
 */
public final class InMemoryAlarmIndex implements AlarmIndex {
  private record Row(Instant dueAt, String namespace, String id) {}

  private static final Comparator<Row> ORDER =
      Comparator.comparing(Row::dueAt).thenComparing(Row::namespace).thenComparing(Row::id);

  private final ConcurrentSkipListMap<Row, AlarmIndexEntry> rows =
      new ConcurrentSkipListMap<>(ORDER);

  @Override
  public CompletionStage<Done> add(AlarmIndexEntry entry) {
    Objects.requireNonNull(entry, "entry");
    rows.put(new Row(entry.dueAt(), entry.namespace(), entry.id()), entry);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<Done> remove(String namespace, String id, Instant dueAt) {
    rows.remove(new Row(dueAt, namespace, id));
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<List<AlarmIndexEntry>> due(Instant upTo, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
    List<AlarmIndexEntry> result = new ArrayList<>();
    for (AlarmIndexEntry entry : rows.headMap(new Row(upTo, "\uffff", "\uffff"), true).values()) {
      if (result.size() >= limit) {
        break;
      }
      result.add(entry);
    }
    return CompletableFuture.completedFuture(result);
  }

  /** The number of rows, for tests. */
  public int size() {
    return rows.size();
  }
}

package io.durableobjects.core;

import io.durableobjects.core.internal.InMemoryAlarmIndex;
import io.durableobjects.core.spi.AlarmIndex;
import io.durableobjects.core.spi.AlarmIndexEntry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The in-memory alarm index behind a switch that makes its writes fail, as a Cassandra outage
 * would, while reads go on. One per JVM (static), for {@link AlarmIndexFaultsTest}'s node, which
 * names it in {@code durable-objects.alarms.index-class}.
 */
public final class FlakyAlarmIndex implements AlarmIndex {
  /** The rows, shared by every instance (the node creates one). */
  static final InMemoryAlarmIndex rows = new InMemoryAlarmIndex();

  private static volatile boolean failWrites;
  private static final AtomicInteger failedWrites = new AtomicInteger();

  public FlakyAlarmIndex(ActorSystem<?> system) {}

  /** From now on writes fail (true) or reach the rows again (false). */
  static void failWrites(boolean fail) {
    failWrites = fail;
  }

  /** How many writes failed so far. */
  static int failedWrites() {
    return failedWrites.get();
  }

  @Override
  public CompletionStage<Done> add(AlarmIndexEntry entry) {
    return failWrites ? failed("add") : rows.add(entry);
  }

  @Override
  public CompletionStage<Done> remove(String namespace, String id, Instant dueAt) {
    return failWrites ? failed("remove") : rows.remove(namespace, id, dueAt);
  }

  @Override
  public CompletionStage<List<AlarmIndexEntry>> due(Instant upTo, int limit) {
    return rows.due(upTo, limit);
  }

  private static CompletionStage<Done> failed(String what) {
    failedWrites.incrementAndGet();
    return CompletableFuture.failedFuture(
        new IllegalStateException("the alarm index is down (" + what + ")"));
  }
}

package io.durableobjects.core.spi;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * The durable index of pending alarms, by due time: what wakes an evicted object (or one whose node
 * died, or a whole cluster restarted) when its alarm is due. Objects with alarms far in the future
 * cost a row here and nothing in memory.
 *
 * <p>The runtime keeps this invariant: while an object has a durable alarm due at time T, the index
 * holds a row of that object due at or before T. It writes a row before acknowledging a transaction
 * that makes the object's earliest alarm earlier, and removes rows that are no longer needed only
 * after the row for the new earliest alarm exists. Rows left behind by a crash only cause a
 * spurious wake-up, which the object answers by removing them. One exception: a row that stays due
 * unhandled for {@code durable-objects.alarms.quarantine-after} (its namespace is not on the
 * poller's node, or its object cannot start) is moved ahead by the poller (a new row, then the old
 * one removed), so that such rows cannot fill {@link #due}'s answers and starve the others.
 *
 * <p>A row is identified by (namespace, id, dueAt): an object may have several rows for a while.
 * Writes are idempotent upserts; removing an absent row is not an error.
 *
 * <p>An implementation is a public class with a public constructor taking the node's {@code
 * org.apache.pekko.actor.typed.ActorSystem<?>}, named by {@code
 * durable-objects.alarms.index-class}. Its methods may be called from any thread and concurrently.
 */
public interface AlarmIndex {

  /** Creates (or overwrites) the row of {@code entry}. */
  CompletionStage<Done> add(AlarmIndexEntry entry);

  /** Removes the row of this object due at exactly {@code dueAt}, if there is one. */
  CompletionStage<Done> remove(String namespace, String id, Instant dueAt);

  /**
   * The rows due at or before {@code upTo}, earliest first (ties in any order), at most {@code
   * limit}. Rows due long ago (a cluster that was stopped for days) are included.
   *
   * @param upTo the latest due time to include
   * @param limit the most rows to return, at least 1
   */
  CompletionStage<List<AlarmIndexEntry>> due(Instant upTo, int limit);
}

package io.durableobjects.core.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * INTERNAL API: when an object's journal writes a snapshot ({@code durable-objects.journal}).
 *
 * <p>A snapshot is written every {@link #every()} events, which bounds how many events an
 * activation replays, and also once the events written since the last snapshot take more bytes than
 * the larger of {@link #afterBytes()} and the object's data: replaying that many bytes costs more
 * than reading a snapshot, while snapshotting more often would write the state again and again for
 * little (an object of 10 MiB writing 1 KiB transactions snapshots after 10 MiB of them, not after
 * each 1 MiB). Only the counted snapshots delete old events ({@link #deleteEvents()}), so an object
 * pays at most one range delete per {@link #every()} events.
 *
 * @param every a snapshot every this many events
 * @param keep snapshots kept per object
 * @param deleteEvents whether a counted snapshot deletes the events older than the oldest kept one
 * @param afterBytes the least bytes of events since the last snapshot that call for one
 * @param beforeStopAfter an object that goes idle (passivation) with at least this many events
 *     since its last snapshot writes one first, so that its next activation replays none: a hot
 *     object, never idle, snapshots only every {@code every} events, an object read again after
 *     idling starts from a snapshot
 */
public record SnapshotPolicy(
    int every, int keep, boolean deleteEvents, long afterBytes, int beforeStopAfter) {

  /** Reads the policy from the {@code durable-objects.journal} section. */
  static SnapshotPolicy fromConfig(Config durableObjects) {
    int every = DurableObjectsSettings.atLeast(durableObjects, "journal.snapshot-every", 1);
    int keep = DurableObjectsSettings.atLeast(durableObjects, "journal.keep-snapshots", 1);
    boolean deleteEvents = durableObjects.getBoolean("journal.delete-events-on-snapshot");
    long afterBytes = durableObjects.getBytes("journal.snapshot-after-size");
    if (afterBytes < 1024) {
      throw new ConfigException.BadValue(
          durableObjects.origin(),
          "durable-objects.journal.snapshot-after-size",
          "must be at least 1 KiB, got " + afterBytes + " bytes");
    }
    int beforeStopAfter =
        DurableObjectsSettings.atLeast(durableObjects, "journal.snapshot-before-stop-after", 1);
    return new SnapshotPolicy(every, keep, deleteEvents, afterBytes, beforeStopAfter);
  }

  /** Snapshots kept when a namespace keeps history: all of them, until the history is pruned. */
  static final int KEEP_ALL = 1_000_000;

  /** This policy, deleting no events and no snapshots (a namespace that keeps its history). */
  public SnapshotPolicy keepingHistory() {
    return new SnapshotPolicy(every, KEEP_ALL, false, afterBytes, beforeStopAfter);
  }

  /**
   * Whether a snapshot is due by size: {@code bytesSinceSnapshot} of events have been written since
   * the last one, and the object's data takes {@code dataBytes}.
   */
  public boolean dueBySize(long bytesSinceSnapshot, long dataBytes) {
    return bytesSinceSnapshot >= Math.max(afterBytes, dataBytes);
  }
}

package io.durableobjects.core.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.durableobjects.core.Storage;
import io.durableobjects.core.internal.storage.ObjectSize;
import io.durableobjects.core.internal.storage.StorageSettings;

/**
 * INTERNAL API: the startup check that the limits given in bytes leave room in an object's snapshot
 * ({@code durable-objects.storage.max-snapshot-size}): a full object's data, idempotency records,
 * alarms and auto-response pair must fit together, so that none of them is refused early because
 * another is full. What is bounded only by a count (the framing of each key, WebSockets and their
 * attachments) is checked at each write instead.
 */
final class SnapshotBudget {
  /** The most an alarm takes in a snapshot: its longest name with its length, and 20 bytes. */
  static final long ALARM_BYTES = ObjectSize.stringBytes("") + Storage.MAX_ALARM_NAME_BYTES + 20;

  /** The most the auto-response pair takes: two strings of 1024 characters of 3 bytes. */
  static final long AUTO_RESPONSE_BYTES = 2 * (ObjectSize.stringBytes("") + 3 * 1024);

  private SnapshotBudget() {}

  /**
   * Checks the node's limits against {@code durable-objects.storage.max-snapshot-size}.
   *
   * @throws ConfigException.BadValue naming every part and its size, if they do not fit
   */
  static void check(Config root, long maxRecordsBytes, int maxAlarms) {
    StorageSettings storage = StorageSettings.fromConfig(root);
    long alarms = maxAlarms * ALARM_BYTES;
    long needed =
        ObjectSize.HEADER_BYTES
            + storage.maxObjectBytes()
            + maxRecordsBytes
            + alarms
            + AUTO_RESPONSE_BYTES;
    if (needed > storage.maxSnapshotBytes()) {
      throw new ConfigException.BadValue(
          root.getValue("durable-objects.storage.max-snapshot-size").origin(),
          "durable-objects.storage.max-snapshot-size",
          "is "
              + storage.maxSnapshotBytes()
              + " bytes, less than what an object may hold by the other limits: "
              + needed
              + " bytes (storage.max-object-size "
              + storage.maxObjectBytes()
              + " + idempotency.max-records-size "
              + maxRecordsBytes
              + " + alarms.max-per-object "
              + maxAlarms
              + " x "
              + ALARM_BYTES
              + " + auto-response "
              + AUTO_RESPONSE_BYTES
              + " + "
              + ObjectSize.HEADER_BYTES
              + " fixed); lower those, or raise max-snapshot-size if Cassandra takes a larger"
              + " write (half its commitlog_segment_size, less room for the row)");
    }
  }
}

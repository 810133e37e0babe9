package io.durableobjects.cassandra.embedded;

import java.util.Locale;
import java.util.Map;

/**
 * When the embedded Cassandra acknowledges a write, relative to syncing its commit log to disk
 * ({@code commitlog_sync} in cassandra.yaml).
 *
 * <ul>
 *   <li>{@link #BATCH} (the default): after the sync; concurrent writes share one sync. A write
 *       that was acknowledged survives {@code kill -9} of any process and a power loss.
 *   <li>{@link #GROUP}: after the next sync, which runs every 10 ms for all writes since the last;
 *       as durable as batch, with fewer syncs under load and 10 ms more latency when idle.
 *   <li>{@link #PERIODIC}: before the sync, which runs every 10 s. Not durable on one node: after a
 *       {@code kill -9} Cassandra replays its commit log only up to the last sync marker and drops
 *       the writes acknowledged after it. For measurements only.
 * </ul>
 */
public enum CommitLogSync {
  BATCH(Map.of("commitlog_sync", "batch")),
  GROUP(Map.of("commitlog_sync", "group", "commitlog_sync_group_window", "10ms")),
  PERIODIC(Map.of("commitlog_sync", "periodic", "commitlog_sync_period", "10000ms"));

  private final Map<String, String> yaml;

  CommitLogSync(Map<String, String> yaml) {
    this.yaml = yaml;
  }

  /** The cassandra.yaml keys of this mode. */
  Map<String, String> yamlSettings() {
    return yaml;
  }

  /**
   * Parses {@code batch}, {@code group} or {@code periodic} (any case).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static CommitLogSync parse(String value) {
    if (value != null) {
      for (CommitLogSync mode : values()) {
        if (mode.name().equalsIgnoreCase(value.strip())) {
          return mode;
        }
      }
    }
    throw new IllegalArgumentException(
        "commit log sync must be batch, group or periodic, but was "
            + (value == null ? "null" : "\"" + value + "\""));
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}

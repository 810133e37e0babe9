package io.durableobjects.core.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.Optional;

/**
 * INTERNAL API: how long a namespace's journal keeps each object's transactions ({@code
 * history.retention} of the namespace entry): {@code 0} (the default) keeps only what recovery
 * needs (events since the oldest kept snapshot), a duration keeps every transaction that long (then
 * {@code HistoryPruner} deletes it), {@code forever} never deletes one.
 *
 * @param keep how long; empty: the default, nothing beyond recovery's needs
 * @param forever whether nothing is ever pruned
 */
public record HistoryRetention(Optional<Duration> keep, boolean forever) {
  /** The default: only what recovery needs. */
  public static final HistoryRetention OFF = new HistoryRetention(Optional.empty(), false);

  /** Whether transactions are kept beyond what recovery needs (no deletes on snapshots). */
  public boolean enabled() {
    return forever || keep.isPresent();
  }

  /** Reads {@code history.retention} of a namespace entry at {@code path}. */
  static HistoryRetention fromConfig(Config entry, String path) {
    if (!entry.hasPath("history.retention")) {
      return OFF;
    }
    String keyPath = path + ".history.retention";
    String raw = entry.getValue("history.retention").unwrapped().toString().trim();
    if (raw.equals("forever")) {
      return new HistoryRetention(Optional.empty(), true);
    }
    if (raw.equals("0") || raw.equals("off")) {
      return OFF;
    }
    Duration keep;
    try {
      keep = entry.getDuration("history.retention");
    } catch (ConfigException.BadValue | ConfigException.WrongType e) {
      throw new ConfigException.BadValue(
          entry.getValue("history.retention").origin(),
          keyPath,
          "expected 0, a duration such as 30d, or forever; got '" + raw + "'",
          e);
    }
    if (keep.isNegative() || keep.compareTo(Duration.ofMinutes(1)) < 0 && !keep.isZero()) {
      throw new ConfigException.BadValue(
          entry.getValue("history.retention").origin(),
          keyPath,
          "must be 0, forever, or at least 1 minute; got " + raw);
    }
    return keep.isZero() ? OFF : new HistoryRetention(Optional.of(keep), false);
  }
}

package io.durableobjects.core.admin;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An object as it was at a point of its history ({@link ObjectAdmin#inspectAsOf}), read from the
 * journal without touching the running object.
 *
 * @param inspection the state then, in the shape of a live inspection
 * @param sequenceNr the last transaction at or before the point (0: before the first)
 * @param time when that transaction committed, if known
 */
public record PastInspection(ObjectInspection inspection, long sequenceNr, Optional<Instant> time) {
  public PastInspection {
    Objects.requireNonNull(inspection, "inspection");
    Objects.requireNonNull(time, "time");
  }
}

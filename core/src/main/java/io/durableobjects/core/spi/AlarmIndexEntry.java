package io.durableobjects.core.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One row of the {@link AlarmIndex}: an object that has an alarm due at {@code dueAt} (its earliest
 * one when the row was written).
 *
 * @param namespace the object's namespace
 * @param id the object's ID, 64 lowercase hex characters
 * @param name the name the ID was derived from, when known ({@code idFromName}), so that an object
 *     woken by its alarm knows it
 * @param dueAt when the object must be woken (millisecond precision)
 */
public record AlarmIndexEntry(String namespace, String id, Optional<String> name, Instant dueAt) {
  public AlarmIndexEntry {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dueAt, "dueAt");
  }
}

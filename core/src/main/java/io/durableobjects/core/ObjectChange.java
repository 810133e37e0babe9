package io.durableobjects.core;

import io.durableobjects.core.admin.StoredEntry;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One committed transaction of an object, as its change feed ({@link
 * DurableObjectStub#changes(long)}, {@code GET /v1/{ns}/changes/...}) and its history show it.
 *
 * <p>Transactions that change no key and no alarm (a remembered idempotent response, a WebSocket
 * accepted) are not shown, so sequence numbers may skip; none that changes data is ever left out.
 *
 * @param sequenceNr the transaction's journal sequence number: increasing, the feed's resume point
 * @param time when it committed
 * @param deleteAll whether every key and alarm was deleted first ({@code deleteAll()}, an
 *     operator's delete, a restore)
 * @param put the keys written after that, with their new values, in key order
 * @param deleted the keys deleted after that, in key order
 * @param alarms the alarms set or deleted
 */
public record ObjectChange(
    long sequenceNr,
    Instant time,
    boolean deleteAll,
    List<StoredEntry> put,
    List<String> deleted,
    List<AlarmChange> alarms) {
  public ObjectChange {
    Objects.requireNonNull(time, "time");
    put = List.copyOf(put);
    deleted = List.copyOf(deleted);
    alarms = List.copyOf(alarms);
  }

  /**
   * An alarm set (with its time) or deleted (no time; also once delivered).
   *
   * @param scheduledTime when it is due, empty if it was deleted
   */
  public record AlarmChange(String name, Optional<Instant> scheduledTime) {
    public AlarmChange {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(scheduledTime, "scheduledTime");
    }
  }
}

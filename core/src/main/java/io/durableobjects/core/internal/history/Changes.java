package io.durableobjects.core.internal.history;

import io.durableobjects.core.ObjectChange;
import io.durableobjects.core.admin.StoredEntry;
import io.durableobjects.core.internal.entity.TransactionCommitted;
import io.durableobjects.core.internal.storage.AlarmRules;
import io.durableobjects.core.internal.storage.ValueCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** INTERNAL API: journal events as the change feed and the history show them. */
public final class Changes {
  private Changes() {}

  /**
   * The change {@code event} made at {@code sequenceNr}, keys filtered by {@code filter}; empty if
   * it shows nothing (no key, no alarm and no delete-all left).
   *
   * @param writtenMillis when the journal wrote it, for events without a commit time
   */
  public static Optional<ObjectChange> of(
      long sequenceNr, TransactionCommitted event, long writtenMillis, KeyFilter filter) {
    List<StoredEntry> put = new ArrayList<>();
    List<String> deleted = new ArrayList<>();
    for (TransactionCommitted.Change change : event.changes()) {
      if (!filter.shows(change.key())) {
        continue;
      }
      if (change.isDelete()) {
        deleted.add(change.key());
      } else {
        put.add(ValueCodec.toStoredEntry(change.key(), change.value()));
      }
    }
    List<ObjectChange.AlarmChange> alarms = new ArrayList<>();
    for (TransactionCommitted.AlarmChange alarm : event.alarmChanges()) {
      if (alarm.name().equals(AlarmRules.EXPIRY)) {
        continue; // the runtime's, not the object's
      }
      alarms.add(
          new ObjectChange.AlarmChange(
              alarm.name(),
              alarm.isDelete()
                  ? Optional.empty()
                  : Optional.of(Instant.ofEpochMilli(alarm.alarm().scheduledMillis()))));
    }
    if (!event.deleteAll() && put.isEmpty() && deleted.isEmpty() && alarms.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new ObjectChange(
            sequenceNr,
            Instant.ofEpochMilli(commitMillis(event, writtenMillis)),
            event.deleteAll(),
            put,
            deleted,
            alarms));
  }

  /** When {@code event} committed: its own time, else when the journal wrote it. */
  static long commitMillis(TransactionCommitted event, long writtenMillis) {
    return event.committedAtMillis() > 0 ? event.committedAtMillis() : writtenMillis;
  }
}

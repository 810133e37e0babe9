package io.durableobjects.core.internal.entity;

import io.durableobjects.core.internal.storage.KeyValueState;

/**
 * INTERNAL API: the durable state of one object, as the journal recovers it (snapshot + events) and
 * as snapshots store it.
 *
 * <p>Persistent format: written by {@code JournalSerializer} under the stable manifest {@code
 * object-snapshot} with a version byte.
 */
public record CommittedState(KeyValueState data) {

  public static final CommittedState EMPTY = new CommittedState(KeyValueState.empty());

  /**
   * The state after {@code event}; the event handler and recovery both use this. A delete-all
   * applies first, then the event's changes.
   */
  public CommittedState apply(TransactionCommitted event) {
    KeyValueState next = event.deleteAll() ? KeyValueState.empty() : data;
    for (TransactionCommitted.Change change : event.changes()) {
      next = change.isDelete() ? next.remove(change.key()) : next.put(change.key(), change.value());
    }
    return new CommittedState(next);
  }
}

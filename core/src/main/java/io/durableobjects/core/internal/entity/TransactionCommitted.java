package io.durableobjects.core.internal.entity;

import java.util.List;

/**
 * INTERNAL API: the journal event of one committed transaction: every key it put (with its encoded
 * value) or deleted, in the order of the last write to each key.
 *
 * <p>Persistent format: written by {@code JournalSerializer} under the stable manifest {@code
 * transaction-committed} with a version byte. Never rename or reorder; add versions instead.
 */
public record TransactionCommitted(List<Change> changes) {

  public TransactionCommitted {
    changes = List.copyOf(changes);
  }

  /**
   * One key's change.
   *
   * @param key the key
   * @param value the encoded value, or {@code null} if the key was deleted
   */
  public record Change(String key, byte[] value) {
    public boolean isDelete() {
      return value == null;
    }
  }
}

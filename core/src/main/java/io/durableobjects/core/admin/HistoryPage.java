package io.durableobjects.core.admin;

import io.durableobjects.core.ObjectChange;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One page of an object's history ({@link ObjectAdmin#history}): its transactions in order of
 * sequence number.
 *
 * @param oldestSequenceNr the oldest transaction the journal still holds (0 if none)
 * @param lastSequenceNr the object's last transaction (0 if none)
 * @param transactions the transactions of this page; those that change no key and no alarm are left
 *     out
 * @param nextSequenceNr where the next page starts, empty after the last page
 */
public record HistoryPage(
    String namespace,
    String id,
    long oldestSequenceNr,
    long lastSequenceNr,
    List<ObjectChange> transactions,
    OptionalLong nextSequenceNr) {
  public HistoryPage {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(id, "id");
    transactions = List.copyOf(transactions);
    Objects.requireNonNull(nextSequenceNr, "nextSequenceNr");
  }
}

package io.durableobjects.core.admin;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link ObjectAdmin#inspect} sees of one object.
 *
 * @param namespace the object's namespace
 * @param id the object's ID
 * @param name the name its ID was derived from, if the object knows it
 * @param keyCount the number of stored keys
 * @param bytes the stored size: keys in UTF-8 plus serialized values (what the object size limit
 *     counts)
 * @param lastSequenceNr the journal sequence number of the object's last transaction (0 if none)
 * @param lastWriteTime when the last transaction committed, if recorded
 * @param entries one page of stored entries, in key order
 * @param nextCursor the key to pass as {@code afterKey} for the next page; empty on the last page
 * @param alarms the object's pending alarms, in order of name
 * @param sockets the WebSockets the object holds open, in the order it accepted them
 * @param lastActivationTime when the object's current activation started (its actor on the node
 *     that holds it now), if known
 */
public record ObjectInspection(
    String namespace,
    String id,
    Optional<String> name,
    int keyCount,
    long bytes,
    long lastSequenceNr,
    Optional<Instant> lastWriteTime,
    List<StoredEntry> entries,
    Optional<String> nextCursor,
    List<PendingAlarm> alarms,
    List<OpenSocket> sockets,
    Optional<Instant> lastActivationTime) {
  public ObjectInspection {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(lastWriteTime, "lastWriteTime");
    entries = List.copyOf(entries);
    Objects.requireNonNull(nextCursor, "nextCursor");
    alarms = List.copyOf(alarms);
    sockets = List.copyOf(sockets);
    Objects.requireNonNull(lastActivationTime, "lastActivationTime");
  }
}

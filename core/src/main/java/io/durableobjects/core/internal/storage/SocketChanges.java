package io.durableobjects.core.internal.storage;

import io.durableobjects.core.internal.entity.TransactionCommitted;
import io.durableobjects.core.internal.socket.OutgoingFrame;
import java.util.ArrayList;
import java.util.List;

/**
 * INTERNAL API: what one transaction of {@link TransactionalStorage} does to the object's sockets:
 * the registry it ends with, the sockets it added or removed, whether it changed the automatic
 * response, and the frames it queued for the sockets' connections (sent once its writes are
 * durable). {@link #savepoint()} and {@link #restore} serve nested transactions in O(1).
 */
final class SocketChanges {
  private static final scala.collection.immutable.TreeMap<String, SocketRecord> NONE =
      new scala.collection.immutable.TreeMap<>(KeyValueState.ORDERING);

  /** A state to return to: the persistent maps as they were and the outbox's length. */
  record Savepoint(
      SocketRegistry sockets,
      scala.collection.immutable.TreeMap<String, SocketRecord> changes,
      boolean autoResponseChanged,
      int outboxSize) {}

  private SocketRegistry sockets;

  /** The socket each changed ID ends with, {@code null} for a removed one. */
  private scala.collection.immutable.TreeMap<String, SocketRecord> changes = NONE;

  private boolean autoResponseChanged;

  // Allocated by the first send: most requests send nothing.
  private List<OutgoingFrame> outbox = List.of();

  SocketChanges(SocketRegistry sockets) {
    this.sockets = sockets;
  }

  SocketRegistry result() {
    return sockets;
  }

  void put(SocketRecord record) {
    sockets = sockets.with(record);
    changes = changes.updated(record.id(), record);
  }

  boolean remove(String id) {
    if (sockets.get(id).isEmpty()) {
      return false;
    }
    sockets = sockets.without(id);
    changes = changes.updated(id, null);
    return true;
  }

  void setAutoResponse(String request, String response) {
    sockets = sockets.withAutoResponse(request, response);
    autoResponseChanged = true;
  }

  void send(OutgoingFrame frame) {
    if (outbox.isEmpty()) {
      outbox = new ArrayList<>();
    }
    outbox.add(frame);
  }

  List<OutgoingFrame> outbox() {
    return outbox.isEmpty() ? List.of() : List.copyOf(outbox);
  }

  /** Whether the transaction changed a socket or the automatic response (frames do not count). */
  boolean hasChanges() {
    return !changes.isEmpty() || autoResponseChanged;
  }

  Savepoint savepoint() {
    // The outbox only grows: a savepoint is its length.
    return new Savepoint(sockets, changes, autoResponseChanged, outbox.size());
  }

  void restore(Savepoint saved) {
    sockets = saved.sockets();
    changes = saved.changes();
    autoResponseChanged = saved.autoResponseChanged();
    if (outbox.size() > saved.outboxSize()) {
      outbox.subList(saved.outboxSize(), outbox.size()).clear();
    }
  }

  /** The socket changes for the transaction's event, in ID order. */
  List<TransactionCommitted.SocketChange> toEvent() {
    return KeyValueState.inOrder(changes, TransactionCommitted.SocketChange::new);
  }

  /** The automatic response for the event, or null if the transaction did not change it. */
  TransactionCommitted.AutoResponse autoResponseEvent() {
    return autoResponseChanged
        ? new TransactionCommitted.AutoResponse(sockets.autoRequest(), sockets.autoResponse())
        : null;
  }
}

package io.durableobjects.core.internal.storage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import scala.Option;
import scala.collection.immutable.TreeMap;

/**
 * INTERNAL API: the WebSockets an object holds, and its auto-response pair; immutable (a persistent
 * map, shared by savepoints and the committed state). It survives eviction as part of the object's
 * durable state, so that a re-activated object still knows its sockets.
 */
public final class SocketRegistry {
  private static final SocketRegistry EMPTY =
      new SocketRegistry(new TreeMap<>(KeyValueState.ORDERING), 0, null, null, 0);

  private final TreeMap<String, SocketRecord> sockets;
  private final long nextOrder;
  private final String autoRequest;
  private final String autoResponse;
  // What the sockets and the auto-response pair take in a snapshot (ObjectSize).
  private final long bytes;

  private SocketRegistry(
      TreeMap<String, SocketRecord> sockets,
      long nextOrder,
      String autoRequest,
      String autoResponse,
      long bytes) {
    this.sockets = sockets;
    this.nextOrder = nextOrder;
    this.autoRequest = autoRequest;
    this.autoResponse = autoResponse;
    this.bytes = bytes;
  }

  public static SocketRegistry empty() {
    return EMPTY;
  }

  public Optional<SocketRecord> get(String id) {
    Option<SocketRecord> record = sockets.get(id);
    return record.isDefined() ? Optional.of(record.get()) : Optional.empty();
  }

  public SocketRegistry with(SocketRecord record) {
    Option<SocketRecord> previous = sockets.get(record.id());
    long delta =
        ObjectSize.socketBytes(record)
            - (previous.isDefined() ? ObjectSize.socketBytes(previous.get()) : 0);
    return new SocketRegistry(
        sockets.updated(record.id(), record),
        Math.max(nextOrder, record.order() + 1),
        autoRequest,
        autoResponse,
        bytes + delta);
  }

  public SocketRegistry without(String id) {
    Option<SocketRecord> previous = sockets.get(id);
    return previous.isDefined()
        ? new SocketRegistry(
            sockets.removed(id),
            nextOrder,
            autoRequest,
            autoResponse,
            bytes - ObjectSize.socketBytes(previous.get()))
        : this;
  }

  public SocketRegistry withAutoResponse(String request, String response) {
    long delta =
        ObjectSize.autoResponseBytes(request, response)
            - ObjectSize.autoResponseBytes(autoRequest, autoResponse);
    return new SocketRegistry(sockets, nextOrder, request, response, bytes + delta);
  }

  /** This registry with the next order number {@code order} (restoring a snapshot). */
  public SocketRegistry withNextOrder(long order) {
    return new SocketRegistry(
        sockets, Math.max(nextOrder, order), autoRequest, autoResponse, bytes);
  }

  /** What the sockets and the auto-response pair take in a snapshot ({@link ObjectSize}). */
  public long bytes() {
    return bytes;
  }

  /** The order number the next accepted socket gets. */
  public long nextOrder() {
    return nextOrder;
  }

  public int size() {
    return sockets.size();
  }

  public boolean isEmpty() {
    return sockets.isEmpty() && autoRequest == null;
  }

  /** The request text the gateway answers by itself, or null. */
  public String autoRequest() {
    return autoRequest;
  }

  /** The answer to {@link #autoRequest()}, or null. */
  public String autoResponse() {
    return autoResponse;
  }

  /** Every socket, in the order accepted. */
  public List<SocketRecord> all() {
    List<SocketRecord> list = new ArrayList<>(sockets.size());
    sockets.valuesIterator().foreach(list::add);
    list.sort(Comparator.comparingLong(SocketRecord::order));
    return list;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SocketRegistry other
        && sockets.equals(other.sockets)
        && nextOrder == other.nextOrder
        && java.util.Objects.equals(autoRequest, other.autoRequest)
        && java.util.Objects.equals(autoResponse, other.autoResponse);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(sockets, nextOrder, autoRequest, autoResponse);
  }

  @Override
  public String toString() {
    return "SocketRegistry" + all();
  }
}

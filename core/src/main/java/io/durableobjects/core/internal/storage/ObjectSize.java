package io.durableobjects.core.internal.storage;

import java.util.List;

/**
 * INTERNAL API: what an object's committed state takes in its snapshot, in bytes, by part: the
 * snapshot is one journal row, and Cassandra refuses a row above half its commit log segment, so
 * the runtime refuses any write that would take {@link #total()} above {@code
 * durable-objects.storage.max-snapshot-size}.
 *
 * <p>Each part is what {@code SnapshotFormat} writes for it (its length prefixes included), so
 * {@link #total()} is the size of the snapshot in the newest format, and an upper bound for the
 * older ones it writes when it can.
 *
 * @param data the keys and values, with their length prefixes
 * @param remembered the idempotency records ({@code IdempotencyRecords#snapshotBytes()})
 * @param sockets the WebSocket records and the auto-response pair
 * @param alarms the pending alarms
 */
public record ObjectSize(long data, long remembered, long sockets, long alarms) {

  /**
   * The snapshot's fixed fields: version (1), entry count (4), record count (4), last write time
   * (8), alarm count (4), next socket order (8), socket count (4) and auto-response kind (1).
   */
  public static final long HEADER_BYTES = 1 + 4 + 4 + 8 + 4 + 8 + 4 + 1;

  /** The length prefixes of one key-value entry (key length, value length). */
  public static final long ENTRY_FRAMING_BYTES = 8;

  /** The size of an object with this data, records, sockets and alarms. */
  public static ObjectSize of(
      KeyValueState data, long rememberedBytes, SocketRegistry sockets, AlarmSchedule alarms) {
    return new ObjectSize(dataBytes(data), rememberedBytes, sockets.bytes(), alarms.bytes());
  }

  /** What the snapshot takes: the fixed fields plus every part. */
  public long total() {
    return HEADER_BYTES + data + remembered + sockets + alarms;
  }

  /**
   * What an operator sees (the admin view's {@code bytes}): {@link #total()}, or 0 for an object
   * that stores nothing (its snapshot's fixed fields are no data of its).
   */
  public long reported() {
    return data + remembered + sockets + alarms == 0 ? 0 : total();
  }

  /** This size with other idempotency records. */
  public ObjectSize withRemembered(long rememberedBytes) {
    return new ObjectSize(data, rememberedBytes, sockets, alarms);
  }

  /** This size with other sockets. */
  public ObjectSize withSockets(long socketBytes) {
    return new ObjectSize(data, remembered, socketBytes, alarms);
  }

  /** This size with other alarms. */
  public ObjectSize withAlarms(long alarmBytes) {
    return new ObjectSize(data, remembered, sockets, alarmBytes);
  }

  /** The parts, for a message that says what fills the object. */
  public String describe() {
    return "keys and values "
        + data
        + ", idempotency records "
        + remembered
        + ", WebSockets "
        + sockets
        + ", alarms "
        + alarms;
  }

  /** The key-value entries as the snapshot writes them. */
  public static long dataBytes(KeyValueState data) {
    return data.bytes() + ENTRY_FRAMING_BYTES * data.size();
  }

  /** A string as the snapshot writes it: its UTF-8 bytes after their length. */
  public static long stringBytes(String s) {
    return 4L + Keys.utf8Length(s);
  }

  /** One alarm: its name, then scheduled time (8), retry count (4) and due time (8). */
  static long alarmBytes(ScheduledAlarm alarm) {
    return stringBytes(alarm.name()) + 20;
  }

  /** One socket: ID, gateway, tag count and tags, attachment with its length, order (8). */
  static long socketBytes(SocketRecord socket) {
    long size = stringBytes(socket.id()) + stringBytes(socket.gateway()) + 4 + 4 + 8;
    List<String> tags = socket.tags();
    for (String tag : tags) {
      size += stringBytes(tag);
    }
    return socket.attachment() == null ? size : size + socket.attachment().length;
  }

  /** The auto-response pair beyond its kind byte (which {@link #HEADER_BYTES} counts). */
  static long autoResponseBytes(String request, String response) {
    return request == null ? 0 : stringBytes(request) + stringBytes(response);
  }
}

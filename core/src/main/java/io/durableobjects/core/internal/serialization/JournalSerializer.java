package io.durableobjects.core.internal.serialization;

import io.durableobjects.core.Header;
import io.durableobjects.core.Response;
import io.durableobjects.core.internal.entity.CommittedState;
import io.durableobjects.core.internal.entity.IdempotencyRecords;
import io.durableobjects.core.internal.entity.TransactionCommitted;
import io.durableobjects.core.internal.storage.AlarmSchedule;
import io.durableobjects.core.internal.storage.KeyValueState;
import io.durableobjects.core.internal.storage.ScheduledAlarm;
import io.durableobjects.core.internal.storage.SocketRecord;
import io.durableobjects.core.internal.storage.SocketRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * INTERNAL API: the persistent binary format of journal events and snapshots.
 *
 * <p>Compact and explicit, because it is stored forever: each payload starts with a format version
 * byte that the reader checks, and the manifests are stable type names. Strings are length-prefixed
 * UTF-8; a value length of -1 marks a deleted key.
 *
 * <pre>
 * transaction-committed, version 1:
 *   byte version = 1, byte flags (bit 0: delete all keys first; bit 1: remembers a response),
 *   int count, count × (int keyLength, UTF-8 key, int valueLength or -1, value),
 *   [if bit 1: remembered], [if bit 2: long committedAtMillis],
 *   [if bit 3: int alarmCount, alarmCount × (string name, byte 0 (deleted) or 1 (set), [if 1: alarm])],
 *   [if bit 4: int socketCount, socketCount × (string id, byte 0 (forgotten) or 1 (held), [if 1: socket])],
 *   [if bit 5: auto-response]
 * object-snapshot, version 1 (written when no idempotency key is remembered), 2, 3 (written when
 * the last write time is known) and 4 (written when alarms are pending):
 *   byte version, int count, count × (int keyLength, UTF-8 key, int valueLength, value),
 *   [version 2 to 4: int records, records × remembered, oldest first],
 *   [version 3 and 4: long lastWriteMillis],
 *   [version 4 and 5: int alarmCount, alarmCount × (string name, alarm)],
 *   [version 5: long nextSocketOrder, int socketCount, socketCount × socket, auto-response]
 * socket:
 *   string id, string gateway, int tagCount, tagCount × string, int attachmentLength or -1,
 *   attachment, long order
 * auto-response:
 *   byte 0 (none) or 1, [if 1: string request, string response]
 * alarm:
 *   long scheduledMillis, int retryCount, long dueMillis
 * remembered:
 *   string key, long atMillis, long retentionMillis, int maxKeys, int status,
 *   int headers, headers × (string name, string value), int bodyLength, body
 * </pre>
 */
public final class JournalSerializer extends SerializerWithStringManifest {
  /** Registered in reference.conf; must never change. */
  public static final int IDENTIFIER = 1_704_117;

  static final String TRANSACTION_MANIFEST = "transaction-committed";
  static final String SNAPSHOT_MANIFEST = "object-snapshot";
  static final byte TRANSACTION_VERSION = 1;
  static final byte SNAPSHOT_VERSION = 1;
  static final byte SNAPSHOT_VERSION_WITH_RECORDS = 2;
  static final byte SNAPSHOT_VERSION_WITH_WRITE_TIME = 3;
  static final byte SNAPSHOT_VERSION_WITH_ALARMS = 4;
  static final byte SNAPSHOT_VERSION_WITH_SOCKETS = 5;

  /**
   * Bit 0 of a transaction's flags byte: every key was deleted before the changes. Version 1 was
   * first written with the flags byte always 0 (reserved), so every payload written then reads the
   * same now: adding a flag keeps the version at 1. A reader refuses flags it does not know.
   */
  static final byte FLAG_DELETE_ALL = 0x01;

  /** Bit 1: the transaction remembers a response under an idempotency key (after the changes). */
  static final byte FLAG_REMEMBERED = 0x02;

  /** Bit 2: the transaction's commit time follows (after the remembered response, if any). */
  static final byte FLAG_COMMITTED_AT = 0x04;

  /** Bit 3: alarm changes follow (after the commit time, if any). */
  static final byte FLAG_ALARMS = 0x08;

  /** Bit 4: WebSocket changes follow (after the alarm changes, if any). */
  static final byte FLAG_SOCKETS = 0x10;

  /** Bit 5: the auto-response pair follows (after the socket changes, if any). */
  static final byte FLAG_AUTO_RESPONSE = 0x20;

  private static final int KNOWN_TRANSACTION_FLAGS =
      FLAG_DELETE_ALL
          | FLAG_REMEMBERED
          | FLAG_COMMITTED_AT
          | FLAG_ALARMS
          | FLAG_SOCKETS
          | FLAG_AUTO_RESPONSE;

  /** An entry has at least its two length fields. */
  private static final int MIN_ENTRY_BYTES = 8;

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof TransactionCommitted) {
      return TRANSACTION_MANIFEST;
    }
    if (o instanceof CommittedState) {
      return SNAPSHOT_MANIFEST;
    }
    throw new IllegalArgumentException("cannot serialize " + o.getClass().getName());
  }

  @Override
  public byte[] toBinary(Object o) {
    try {
      if (o instanceof TransactionCommitted tx) {
        return transactionToBinary(tx);
      }
      if (o instanceof CommittedState state) {
        return snapshotToBinary(state);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalArgumentException("cannot serialize " + o.getClass().getName());
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
      switch (manifest) {
        case TRANSACTION_MANIFEST:
          return transactionFromBinary(in);
        case SNAPSHOT_MANIFEST:
          return snapshotFromBinary(in);
        default:
          throw new NotSerializableException("unknown manifest '" + manifest + "'");
      }
    } catch (IOException e) {
      NotSerializableException failure =
          new NotSerializableException("corrupt " + manifest + ": " + e.getMessage());
      failure.initCause(e);
      throw failure;
    }
  }

  private static byte[] transactionToBinary(TransactionCommitted tx) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeByte(TRANSACTION_VERSION);
    out.writeByte(
        (tx.deleteAll() ? FLAG_DELETE_ALL : 0)
            | (tx.remembered() != null ? FLAG_REMEMBERED : 0)
            | (tx.committedAtMillis() > 0 ? FLAG_COMMITTED_AT : 0)
            | (tx.alarmChanges().isEmpty() ? 0 : FLAG_ALARMS)
            | (tx.socketChanges().isEmpty() ? 0 : FLAG_SOCKETS)
            | (tx.autoResponse() == null ? 0 : FLAG_AUTO_RESPONSE));
    out.writeInt(tx.changes().size());
    for (TransactionCommitted.Change change : tx.changes()) {
      writeEntry(out, change.key(), change.value());
    }
    if (tx.remembered() != null) {
      writeRemembered(out, tx.remembered());
    }
    if (tx.committedAtMillis() > 0) {
      out.writeLong(tx.committedAtMillis());
    }
    if (!tx.alarmChanges().isEmpty()) {
      out.writeInt(tx.alarmChanges().size());
      for (TransactionCommitted.AlarmChange change : tx.alarmChanges()) {
        writeString(out, change.name());
        if (change.isDelete()) {
          out.writeByte(0);
        } else {
          out.writeByte(1);
          writeAlarm(out, change.alarm());
        }
      }
    }
    if (!tx.socketChanges().isEmpty()) {
      out.writeInt(tx.socketChanges().size());
      for (TransactionCommitted.SocketChange change : tx.socketChanges()) {
        writeString(out, change.id());
        if (change.isDelete()) {
          out.writeByte(0);
        } else {
          out.writeByte(1);
          writeSocket(out, change.socket());
        }
      }
    }
    if (tx.autoResponse() != null) {
      writeAutoResponse(out, tx.autoResponse().request(), tx.autoResponse().response());
    }
    return bytes.toByteArray();
  }

  private static TransactionCommitted transactionFromBinary(DataInputStream in) throws IOException {
    checkVersion(in.readByte(), TRANSACTION_VERSION, TRANSACTION_MANIFEST);
    byte flags = in.readByte();
    if ((flags & ~KNOWN_TRANSACTION_FLAGS) != 0) {
      // A later writer's flag this node cannot apply: refuse rather than replay a wrong state.
      throw new IOException(
          String.format(
              "%s has unknown flags 0x%02x; this node knows 0x%02x",
              TRANSACTION_MANIFEST, flags & 0xff, KNOWN_TRANSACTION_FLAGS));
    }
    int count = in.readInt();
    if (count < 0 || count > in.available() / MIN_ENTRY_BYTES) {
      throw new IOException("bad change count " + count);
    }
    List<TransactionCommitted.Change> changes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String key = readString(in);
      changes.add(new TransactionCommitted.Change(key, readValue(in)));
    }
    IdempotencyRecords.Remembered remembered =
        (flags & FLAG_REMEMBERED) != 0 ? readRemembered(in) : null;
    long committedAt = (flags & FLAG_COMMITTED_AT) != 0 ? in.readLong() : 0L;
    List<TransactionCommitted.AlarmChange> alarms = List.of();
    if ((flags & FLAG_ALARMS) != 0) {
      int alarmCount = in.readInt();
      if (alarmCount < 0 || alarmCount > in.available() / 5) {
        throw new IOException("bad alarm change count " + alarmCount);
      }
      alarms = new ArrayList<>(alarmCount);
      for (int i = 0; i < alarmCount; i++) {
        String name = readString(in);
        byte kind = in.readByte();
        if (kind != 0 && kind != 1) {
          throw new IOException("bad alarm change kind " + kind + " for alarm '" + name + "'");
        }
        alarms.add(new TransactionCommitted.AlarmChange(name, kind == 0 ? null : readAlarm(in, name)));
      }
    }
    List<TransactionCommitted.SocketChange> sockets = List.of();
    if ((flags & FLAG_SOCKETS) != 0) {
      int socketCount = in.readInt();
      if (socketCount < 0 || socketCount > in.available() / 5) {
        throw new IOException("bad socket change count " + socketCount);
      }
      sockets = new ArrayList<>(socketCount);
      for (int i = 0; i < socketCount; i++) {
        String id = readString(in);
        byte kind = in.readByte();
        if (kind != 0 && kind != 1) {
          throw new IOException("bad socket change kind " + kind + " for socket '" + id + "'");
        }
        sockets.add(new TransactionCommitted.SocketChange(id, kind == 0 ? null : readSocket(in)));
      }
    }
    TransactionCommitted.AutoResponse auto = null;
    if ((flags & FLAG_AUTO_RESPONSE) != 0) {
      String[] pair = readAutoResponse(in);
      auto = new TransactionCommitted.AutoResponse(pair[0], pair[1]);
    }
    return new TransactionCommitted(
        (flags & FLAG_DELETE_ALL) != 0, changes, remembered, committedAt, alarms, sockets, auto);
  }

  private static byte[] snapshotToBinary(CommittedState state) throws IOException {
    KeyValueState data = state.data();
    ByteArrayOutputStream bytes =
        new ByteArrayOutputStream((int) Math.min(data.bytes() + 64, 1 << 30));
    DataOutputStream out = new DataOutputStream(bytes);
    List<IdempotencyRecords.Remembered> records = state.idempotency().oldestFirst();
    byte version =
        !state.sockets().isEmpty() || state.sockets().nextOrder() > 0
            ? SNAPSHOT_VERSION_WITH_SOCKETS
            : !state.alarms().isEmpty()
            ? SNAPSHOT_VERSION_WITH_ALARMS
            : state.lastWriteMillis() > 0
                ? SNAPSHOT_VERSION_WITH_WRITE_TIME
                : records.isEmpty() ? SNAPSHOT_VERSION : SNAPSHOT_VERSION_WITH_RECORDS;
    out.writeByte(version);
    out.writeInt(data.size());
    for (Iterator<Map.Entry<String, byte[]>> it = data.iterator(); it.hasNext(); ) {
      Map.Entry<String, byte[]> entry = it.next();
      writeEntry(out, entry.getKey(), entry.getValue());
    }
    if (version != SNAPSHOT_VERSION) {
      out.writeInt(records.size());
      for (IdempotencyRecords.Remembered record : records) {
        writeRemembered(out, record);
      }
    }
    if (version >= SNAPSHOT_VERSION_WITH_WRITE_TIME) {
      out.writeLong(state.lastWriteMillis());
    }
    if (version >= SNAPSHOT_VERSION_WITH_ALARMS) {
      List<ScheduledAlarm> alarms = state.alarms().all();
      out.writeInt(alarms.size());
      for (ScheduledAlarm alarm : alarms) {
        writeString(out, alarm.name());
        writeAlarm(out, alarm);
      }
    }
    if (version == SNAPSHOT_VERSION_WITH_SOCKETS) {
      SocketRegistry sockets = state.sockets();
      out.writeLong(sockets.nextOrder());
      List<SocketRecord> held = sockets.all();
      out.writeInt(held.size());
      for (SocketRecord record : held) {
        writeSocket(out, record);
      }
      writeAutoResponse(out, sockets.autoRequest(), sockets.autoResponse());
    }
    return bytes.toByteArray();
  }

  private static CommittedState snapshotFromBinary(DataInputStream in) throws IOException {
    byte version = in.readByte();
    if (version < SNAPSHOT_VERSION || version > SNAPSHOT_VERSION_WITH_SOCKETS) {
      throw new IOException(
          SNAPSHOT_MANIFEST + " has format version " + version + "; this node reads versions 1 to 5");
    }
    int count = in.readInt();
    if (count < 0 || count > in.available() / MIN_ENTRY_BYTES) {
      throw new IOException("bad entry count " + count);
    }
    KeyValueState data = KeyValueState.empty();
    for (int i = 0; i < count; i++) {
      String key = readString(in);
      byte[] value = readValue(in);
      if (value == null) {
        throw new IOException("snapshot entry '" + key + "' has no value");
      }
      data = data.put(key, value);
    }
    IdempotencyRecords idempotency = IdempotencyRecords.EMPTY;
    if (version != SNAPSHOT_VERSION) {
      int records = in.readInt();
      if (records < 0 || records > in.available()) {
        throw new IOException("bad record count " + records);
      }
      for (int i = 0; i < records; i++) {
        idempotency = idempotency.remember(readRemembered(in));
      }
    }
    long lastWrite = version >= SNAPSHOT_VERSION_WITH_WRITE_TIME ? in.readLong() : 0L;
    AlarmSchedule alarms = AlarmSchedule.empty();
    if (version >= SNAPSHOT_VERSION_WITH_ALARMS) {
      int alarmCount = in.readInt();
      if (alarmCount < 0 || alarmCount > in.available() / 24) {
        throw new IOException("bad alarm count " + alarmCount);
      }
      for (int i = 0; i < alarmCount; i++) {
        alarms = alarms.with(readAlarm(in, readString(in)));
      }
    }
    SocketRegistry sockets = SocketRegistry.empty();
    if (version == SNAPSHOT_VERSION_WITH_SOCKETS) {
      long nextOrder = in.readLong();
      int socketCount = in.readInt();
      if (socketCount < 0 || socketCount > in.available() / 8) {
        throw new IOException("bad socket count " + socketCount);
      }
      for (int i = 0; i < socketCount; i++) {
        sockets = sockets.with(readSocket(in));
      }
      String[] pair = readAutoResponse(in);
      sockets = sockets.withAutoResponse(pair[0], pair[1]).withNextOrder(nextOrder);
    }
    return new CommittedState(data, idempotency, lastWrite, alarms, sockets);
  }

  private static void writeSocket(DataOutputStream out, SocketRecord socket) throws IOException {
    writeString(out, socket.id());
    writeString(out, socket.gateway());
    out.writeInt(socket.tags().size());
    for (String tag : socket.tags()) {
      writeString(out, tag);
    }
    byte[] attachment = socket.attachment();
    out.writeInt(attachment == null ? -1 : attachment.length);
    if (attachment != null) {
      out.write(attachment);
    }
    out.writeLong(socket.order());
  }

  private static SocketRecord readSocket(DataInputStream in) throws IOException {
    String id = readString(in);
    String gateway = readString(in);
    int tagCount = in.readInt();
    if (tagCount < 0 || tagCount > in.available() / 4) {
      throw new IOException("bad tag count " + tagCount + " of socket '" + id + "'");
    }
    List<String> tags = new ArrayList<>(tagCount);
    for (int i = 0; i < tagCount; i++) {
      tags.add(readString(in));
    }
    byte[] attachment = readValue(in);
    return new SocketRecord(id, gateway, tags, attachment, in.readLong());
  }

  private static void writeAutoResponse(DataOutputStream out, String request, String response)
      throws IOException {
    if (request == null) {
      out.writeByte(0);
    } else {
      out.writeByte(1);
      writeString(out, request);
      writeString(out, response);
    }
  }

  private static String[] readAutoResponse(DataInputStream in) throws IOException {
    byte kind = in.readByte();
    if (kind == 0) {
      return new String[2];
    }
    if (kind != 1) {
      throw new IOException("bad auto-response kind " + kind);
    }
    return new String[] {readString(in), readString(in)};
  }

  private static void writeAlarm(DataOutputStream out, ScheduledAlarm alarm) throws IOException {
    out.writeLong(alarm.scheduledMillis());
    out.writeInt(alarm.retryCount());
    out.writeLong(alarm.dueMillis());
  }

  private static ScheduledAlarm readAlarm(DataInputStream in, String name) throws IOException {
    long scheduled = in.readLong();
    int retryCount = in.readInt();
    long due = in.readLong();
    if (retryCount < 0) {
      throw new IOException("alarm '" + name + "' has a negative retry count " + retryCount);
    }
    return new ScheduledAlarm(name, scheduled, retryCount, due);
  }

  private static void writeRemembered(DataOutputStream out, IdempotencyRecords.Remembered record)
      throws IOException {
    writeString(out, record.key());
    out.writeLong(record.atMillis());
    out.writeLong(record.retentionMillis());
    out.writeInt(record.maxKeys());
    Response response = record.response();
    out.writeInt(response.status());
    out.writeInt(response.headers().size());
    for (Header header : response.headers()) {
      writeString(out, header.name());
      writeString(out, header.value());
    }
    byte[] body = response.body();
    out.writeInt(body.length);
    out.write(body);
  }

  private static IdempotencyRecords.Remembered readRemembered(DataInputStream in)
      throws IOException {
    String key = readString(in);
    long at = in.readLong();
    long retention = in.readLong();
    int maxKeys = in.readInt();
    int status = in.readInt();
    int headerCount = in.readInt();
    if (headerCount < 0 || headerCount > in.available()) {
      throw new IOException("bad header count " + headerCount);
    }
    List<Header> headers = new ArrayList<>(headerCount);
    for (int i = 0; i < headerCount; i++) {
      headers.add(new Header(readString(in), readString(in)));
    }
    byte[] body = readValue(in);
    if (body == null) {
      throw new IOException("remembered response of '" + key + "' has no body");
    }
    try {
      Response response = Response.status(status).withBody(body).withHeaders(headers);
      return new IdempotencyRecords.Remembered(key, at, retention, maxKeys, response);
    } catch (IllegalArgumentException e) {
      throw new IOException("bad remembered response of '" + key + "': " + e.getMessage(), e);
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static void writeEntry(DataOutputStream out, String key, byte[] value)
      throws IOException {
    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
    out.writeInt(keyBytes.length);
    out.write(keyBytes);
    if (value == null) {
      out.writeInt(-1);
    } else {
      out.writeInt(value.length);
      out.write(value);
    }
  }

  private static String readString(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      throw new IOException("bad string length " + length);
    }
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  private static byte[] readValue(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length == -1) {
      return null;
    }
    if (length < 0 || length > in.available()) {
      throw new IOException("bad value length " + length);
    }
    return in.readNBytes(length);
  }

  private static void checkVersion(byte actual, byte supported, String manifest)
      throws IOException {
    if (actual != supported) {
      throw new IOException(
          manifest + " has format version " + actual + "; this node reads version " + supported);
    }
  }
}

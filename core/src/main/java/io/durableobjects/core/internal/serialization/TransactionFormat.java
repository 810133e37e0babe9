package io.durableobjects.core.internal.serialization;

import static io.durableobjects.core.internal.serialization.BinaryFields.*;
import static io.durableobjects.core.internal.serialization.JournalSerializer.*;

import io.durableobjects.core.internal.entity.IdempotencyRecords;
import io.durableobjects.core.internal.entity.TransactionCommitted;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * INTERNAL API: the {@code transaction-committed} payload of {@link JournalSerializer} (version 1,
 * optional parts announced by the flags byte; see the format there).
 */
final class TransactionFormat {
  private TransactionFormat() {}

  static byte[] toBinary(TransactionCommitted tx) throws IOException {
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

  static TransactionCommitted fromBinary(DataInputStream in) throws IOException {
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
        alarms.add(
            new TransactionCommitted.AlarmChange(name, kind == 0 ? null : readAlarm(in, name)));
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
}

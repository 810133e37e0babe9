package io.durableobjects.core.internal.serialization;

import static io.durableobjects.core.internal.serialization.BinaryFields.*;
import static io.durableobjects.core.internal.serialization.JournalSerializer.*;

import io.durableobjects.core.internal.entity.IdempotencyRecords;
import io.durableobjects.core.internal.entity.TransactionCommitted;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * INTERNAL API: the {@code transaction-committed} payload of {@link JournalSerializer} (versions 1
 * and 2, the lowest that holds the transaction is written; optional parts announced by the flags;
 * see the format there).
 */
final class TransactionFormat {
  private TransactionFormat() {}

  static byte[] toBinary(TransactionCommitted tx) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    write(tx, new DataOutputStream(bytes));
    return bytes.toByteArray();
  }

  /** The length of {@link #toBinary}'s result, counted without keeping the bytes. */
  static int size(TransactionCommitted tx) throws IOException {
    DataOutputStream out = new DataOutputStream(OutputStream.nullOutputStream());
    write(tx, out);
    return out.size();
  }

  private static void write(TransactionCommitted tx, DataOutputStream out) throws IOException {
    // Version 1 where it holds the transaction, so that nodes of the version before read it.
    boolean version2 = tx.remembered() != null || tx.forgetsRemembered();
    int flags =
        (tx.deleteAll() ? FLAG_DELETE_ALL : 0)
            | (tx.remembered() != null ? FLAG_REMEMBERED : 0)
            | (tx.committedAtMillis() > 0 ? FLAG_COMMITTED_AT : 0)
            | (tx.alarmChanges().isEmpty() ? 0 : FLAG_ALARMS)
            | (tx.socketChanges().isEmpty() ? 0 : FLAG_SOCKETS)
            | (tx.autoResponse() == null ? 0 : FLAG_AUTO_RESPONSE)
            | (tx.forgetsRemembered() ? FLAG_FORGET_REMEMBERED : 0);
    if (version2) {
      out.writeByte(TRANSACTION_VERSION_WITH_BOUND_RECORDS);
      out.writeShort(flags);
    } else {
      out.writeByte(TRANSACTION_VERSION);
      out.writeByte(flags);
    }
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
  }

  static TransactionCommitted fromBinary(DataInputStream in) throws IOException {
    byte version = in.readByte();
    if (version != TRANSACTION_VERSION && version != TRANSACTION_VERSION_WITH_BOUND_RECORDS) {
      throw new IOException(
          TRANSACTION_MANIFEST
              + " has format version "
              + version
              + "; this node reads versions 1 and 2");
    }
    boolean version2 = version == TRANSACTION_VERSION_WITH_BOUND_RECORDS;
    int flags = version2 ? in.readUnsignedShort() : in.readUnsignedByte();
    int known = version2 ? KNOWN_TRANSACTION_FLAGS_2 : KNOWN_TRANSACTION_FLAGS;
    if ((flags & ~known) != 0) {
      // A later writer's flag this node cannot apply: refuse rather than replay a wrong state.
      throw new IOException(
          String.format(
              "%s has unknown flags 0x%02x; this node knows 0x%02x in version %d",
              TRANSACTION_MANIFEST, flags, known, version));
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
    IdempotencyRecords.Remembered remembered = null;
    if ((flags & FLAG_REMEMBERED) != 0) {
      remembered = version2 ? readRemembered(in) : readRememberedLayout1(in);
    }
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
    TransactionCommitted tx =
        new TransactionCommitted(
            (flags & FLAG_DELETE_ALL) != 0,
            changes,
            remembered,
            committedAt,
            alarms,
            sockets,
            auto);
    return (flags & FLAG_FORGET_REMEMBERED) != 0 ? tx.forgettingRemembered() : tx;
  }
}

package io.durableobjects.core.internal.serialization;

import static io.durableobjects.core.internal.serialization.BinaryFields.*;
import static io.durableobjects.core.internal.serialization.JournalSerializer.*;

import io.durableobjects.core.internal.entity.CommittedState;
import io.durableobjects.core.internal.entity.IdempotencyRecords;
import io.durableobjects.core.internal.storage.AlarmSchedule;
import io.durableobjects.core.internal.storage.KeyValueState;
import io.durableobjects.core.internal.storage.ScheduledAlarm;
import io.durableobjects.core.internal.storage.SocketRecord;
import io.durableobjects.core.internal.storage.SocketRegistry;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * INTERNAL API: the {@code object-snapshot} payload of {@link JournalSerializer} (versions 1 to 6,
 * the lowest that holds the state is written; see the format there).
 */
final class SnapshotFormat {
  private SnapshotFormat() {}

  static byte[] toBinary(CommittedState state) throws IOException {
    KeyValueState data = state.data();
    ByteArrayOutputStream bytes =
        new ByteArrayOutputStream((int) Math.min(data.bytes() + 64, 1 << 30));
    DataOutputStream out = new DataOutputStream(bytes);
    List<IdempotencyRecords.Remembered> records = state.idempotency().oldestFirst();
    byte version =
        !records.isEmpty()
            ? SNAPSHOT_VERSION_WITH_BOUND_RECORDS
            : !state.sockets().isEmpty() || state.sockets().nextOrder() > 0
                ? SNAPSHOT_VERSION_WITH_SOCKETS
                : !state.alarms().isEmpty()
                    ? SNAPSHOT_VERSION_WITH_ALARMS
                    : state.lastWriteMillis() > 0
                        ? SNAPSHOT_VERSION_WITH_WRITE_TIME
                        : SNAPSHOT_VERSION;
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
    if (version >= SNAPSHOT_VERSION_WITH_SOCKETS) {
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

  static CommittedState fromBinary(DataInputStream in) throws IOException {
    byte version = in.readByte();
    if (version < SNAPSHOT_VERSION || version > SNAPSHOT_VERSION_WITH_BOUND_RECORDS) {
      throw new IOException(
          SNAPSHOT_MANIFEST
              + " has format version "
              + version
              + "; this node reads versions 1 to 6");
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
        idempotency =
            idempotency.remember(
                version == SNAPSHOT_VERSION_WITH_BOUND_RECORDS
                    ? readRemembered(in)
                    : readRememberedLayout1(in));
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
    if (version >= SNAPSHOT_VERSION_WITH_SOCKETS) {
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
}

package io.durableobjects.core.internal.serialization;

import io.durableobjects.core.internal.entity.CommittedState;
import io.durableobjects.core.internal.entity.TransactionCommitted;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.UncheckedIOException;
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
 *
 * <p>{@link TransactionFormat} writes and reads the first, {@link SnapshotFormat} the second, and
 * {@link BinaryFields} the fields they share.
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

  static final int KNOWN_TRANSACTION_FLAGS =
      FLAG_DELETE_ALL
          | FLAG_REMEMBERED
          | FLAG_COMMITTED_AT
          | FLAG_ALARMS
          | FLAG_SOCKETS
          | FLAG_AUTO_RESPONSE;

  /** An entry has at least its two length fields. */
  static final int MIN_ENTRY_BYTES = 8;

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
        return TransactionFormat.toBinary(tx);
      }
      if (o instanceof CommittedState state) {
        return SnapshotFormat.toBinary(state);
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
          return TransactionFormat.fromBinary(in);
        case SNAPSHOT_MANIFEST:
          return SnapshotFormat.fromBinary(in);
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
}

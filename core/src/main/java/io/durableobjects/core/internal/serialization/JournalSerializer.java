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
 * transaction-committed, version 1 (written when no idempotency key is remembered or forgotten)
 * and 2 (version 1 with two flag bytes and the remembered request in layout 2):
 *   byte version, flags (version 1: byte; version 2: short) (bit 0: delete all keys first;
 *   bit 1: remembers a request; bit 6, version 2 only: forgets every remembered request first),
 *   int count, count × (int keyLength, UTF-8 key, int valueLength or -1, value),
 *   [if bit 1: remembered (version 1: layout 1; version 2: layout 2)],
 *   [if bit 2: long committedAtMillis],
 * object-snapshot, version 1 (written when no idempotency key is remembered), 2, 3 (written when
 * the last write time is known), 4 (written when alarms are pending), 5 (sockets) and 6 (written
 * when idempotency keys are remembered: version 5 with records in layout 2):
 *   byte version, int count, count × (int keyLength, UTF-8 key, int valueLength, value),
 *   [version 2 to 5: int records, records × remembered (layout 1), oldest first],
 *   [version 6: int records, records × remembered (layout 2), oldest first],
 *   [version 3 to 6: long lastWriteMillis],
 *   [version 4 to 6: int alarmCount, alarmCount × (string name, alarm)],
 *   [version 5 and 6: long nextSocketOrder, int socketCount, socketCount × socket, auto-response]
 * socket:
 *   string id, string gateway, int tagCount, tagCount × string, int attachmentLength or -1,
 *   attachment, long order
 * auto-response:
 *   byte 0 (none) or 1, [if 1: string request, string response]
 * alarm:
 *   long scheduledMillis, int retryCount, long dueMillis
 * remembered, layout 1 (written before requests were fingerprinted; read only):
 *   string key, long atMillis, long retentionMillis, int maxKeys, response
 * remembered, layout 2:
 *   string key, long atMillis, long retentionMillis, string fingerprint ("" if unknown),
 *   byte 0 (response not kept) or 1, [if 1: response]
 * response:
 *   int status, int headers, headers × (string name, string value), int bodyLength, body
 * </pre>
 *
 * <p>{@link TransactionFormat} writes and reads the first, {@link SnapshotFormat} the second, and
 * {@link BinaryFields} the fields they share.
 */
public final class JournalSerializer extends SerializerWithStringManifest {
  /** Registered in reference.conf; must never change. */
  public static final int IDENTIFIER = 1_704_117;

  public static final String TRANSACTION_MANIFEST = "transaction-committed";
  static final String SNAPSHOT_MANIFEST = "object-snapshot";
  static final byte TRANSACTION_VERSION = 1;
  static final byte TRANSACTION_VERSION_WITH_BOUND_RECORDS = 2;
  static final byte SNAPSHOT_VERSION = 1;
  static final byte SNAPSHOT_VERSION_WITH_RECORDS = 2;
  static final byte SNAPSHOT_VERSION_WITH_WRITE_TIME = 3;
  static final byte SNAPSHOT_VERSION_WITH_ALARMS = 4;
  static final byte SNAPSHOT_VERSION_WITH_SOCKETS = 5;
  static final byte SNAPSHOT_VERSION_WITH_BOUND_RECORDS = 6;

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

  /**
   * Bit 6 (version 2 only): every remembered request is forgotten first (an operator's erasure of
   * the object).
   */
  static final int FLAG_FORGET_REMEMBERED = 0x40;

  /** The flags a version-1 transaction may carry. */
  static final int KNOWN_TRANSACTION_FLAGS =
      FLAG_DELETE_ALL
          | FLAG_REMEMBERED
          | FLAG_COMMITTED_AT
          | FLAG_ALARMS
          | FLAG_SOCKETS
          | FLAG_AUTO_RESPONSE;

  /** The flags a version-2 transaction may carry. */
  static final int KNOWN_TRANSACTION_FLAGS_2 = KNOWN_TRANSACTION_FLAGS | FLAG_FORGET_REMEMBERED;

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

  /**
   * The length of {@code tx}'s journal payload, exactly as {@link #toBinary} writes it (without
   * keeping the bytes): what the output gate counts against its batch cap.
   */
  public static int transactionSize(TransactionCommitted tx) {
    try {
      return TransactionFormat.size(tx);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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

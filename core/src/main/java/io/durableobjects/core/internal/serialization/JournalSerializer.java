package io.durableobjects.core.internal.serialization;

import io.durableobjects.core.internal.entity.CommittedState;
import io.durableobjects.core.internal.entity.TransactionCommitted;
import io.durableobjects.core.internal.storage.KeyValueState;
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
 *   byte version = 1, byte flags (bit 0: delete all keys first; other bits 0),
 *   int count, count × (int keyLength, UTF-8 key, int valueLength or -1, value)
 * object-snapshot, version 1:
 *   byte version = 1, int count, count × (int keyLength, UTF-8 key, int valueLength, value)
 * </pre>
 */
public final class JournalSerializer extends SerializerWithStringManifest {
  /** Registered in reference.conf; must never change. */
  public static final int IDENTIFIER = 1_704_117;

  static final String TRANSACTION_MANIFEST = "transaction-committed";
  static final String SNAPSHOT_MANIFEST = "object-snapshot";
  static final byte TRANSACTION_VERSION = 1;
  static final byte SNAPSHOT_VERSION = 1;

  /**
   * Bit 0 of a transaction's flags byte: every key was deleted before the changes. Version 1 was
   * first written with the flags byte always 0 (reserved), so every payload written then reads the
   * same now: adding a flag keeps the version at 1. A reader refuses flags it does not know.
   */
  static final byte FLAG_DELETE_ALL = 0x01;

  private static final int KNOWN_TRANSACTION_FLAGS = FLAG_DELETE_ALL;

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
    out.writeByte(tx.deleteAll() ? FLAG_DELETE_ALL : 0);
    out.writeInt(tx.changes().size());
    for (TransactionCommitted.Change change : tx.changes()) {
      writeEntry(out, change.key(), change.value());
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
    return new TransactionCommitted((flags & FLAG_DELETE_ALL) != 0, changes);
  }

  private static byte[] snapshotToBinary(CommittedState state) throws IOException {
    KeyValueState data = state.data();
    ByteArrayOutputStream bytes =
        new ByteArrayOutputStream((int) Math.min(data.bytes() + 64, 1 << 30));
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeByte(SNAPSHOT_VERSION);
    out.writeInt(data.size());
    for (Iterator<Map.Entry<String, byte[]>> it = data.iterator(); it.hasNext(); ) {
      Map.Entry<String, byte[]> entry = it.next();
      writeEntry(out, entry.getKey(), entry.getValue());
    }
    return bytes.toByteArray();
  }

  private static CommittedState snapshotFromBinary(DataInputStream in) throws IOException {
    checkVersion(in.readByte(), SNAPSHOT_VERSION, SNAPSHOT_MANIFEST);
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
    return new CommittedState(data);
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

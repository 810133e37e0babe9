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
 * byte that the reader checks, and the manifests are stable type names. Strings are
 * length-prefixed UTF-8; a value length of -1 marks a deleted key.
 */
public final class JournalSerializer extends SerializerWithStringManifest {
  /** Registered in reference.conf; must never change. */
  public static final int IDENTIFIER = 1_704_117;

  static final String TRANSACTION_MANIFEST = "transaction-committed";
  static final String SNAPSHOT_MANIFEST = "object-snapshot";
  static final byte TRANSACTION_VERSION = 1;
  static final byte SNAPSHOT_VERSION = 1;

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
    out.writeByte(0); // flags, reserved
    out.writeInt(tx.changes().size());
    for (TransactionCommitted.Change change : tx.changes()) {
      writeEntry(out, change.key(), change.value());
    }
    return bytes.toByteArray();
  }

  private static TransactionCommitted transactionFromBinary(DataInputStream in)
      throws IOException {
    checkVersion(in.readByte(), TRANSACTION_VERSION, TRANSACTION_MANIFEST);
    in.readByte(); // flags
    int count = in.readInt();
    List<TransactionCommitted.Change> changes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String key = readString(in);
      changes.add(new TransactionCommitted.Change(key, readValue(in)));
    }
    return new TransactionCommitted(changes);
  }

  private static byte[] snapshotToBinary(CommittedState state) throws IOException {
    KeyValueState data = state.data();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(data.bytes() + 64, 1 << 30));
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

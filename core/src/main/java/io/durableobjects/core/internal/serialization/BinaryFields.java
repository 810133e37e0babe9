package io.durableobjects.core.internal.serialization;

import io.durableobjects.core.Header;
import io.durableobjects.core.Response;
import io.durableobjects.core.internal.entity.IdempotencyRecords;
import io.durableobjects.core.internal.storage.ScheduledAlarm;
import io.durableobjects.core.internal.storage.SocketRecord;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * INTERNAL API: the fields that journal events and snapshots share in {@link JournalSerializer}'s
 * binary format (strings, entries, alarms, sockets, remembered responses): each written and read
 * here once, so that both payloads stay byte for byte the same.
 */
final class BinaryFields {
  private BinaryFields() {}

  static void writeSocket(DataOutputStream out, SocketRecord socket) throws IOException {
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

  static SocketRecord readSocket(DataInputStream in) throws IOException {
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

  static void writeAutoResponse(DataOutputStream out, String request, String response)
      throws IOException {
    if (request == null) {
      out.writeByte(0);
    } else {
      out.writeByte(1);
      writeString(out, request);
      writeString(out, response);
    }
  }

  static String[] readAutoResponse(DataInputStream in) throws IOException {
    byte kind = in.readByte();
    if (kind == 0) {
      return new String[2];
    }
    if (kind != 1) {
      throw new IOException("bad auto-response kind " + kind);
    }
    return new String[] {readString(in), readString(in)};
  }

  static void writeAlarm(DataOutputStream out, ScheduledAlarm alarm) throws IOException {
    out.writeLong(alarm.scheduledMillis());
    out.writeInt(alarm.retryCount());
    out.writeLong(alarm.dueMillis());
  }

  static ScheduledAlarm readAlarm(DataInputStream in, String name) throws IOException {
    long scheduled = in.readLong();
    int retryCount = in.readInt();
    long due = in.readLong();
    if (retryCount < 0) {
      throw new IOException("alarm '" + name + "' has a negative retry count " + retryCount);
    }
    return new ScheduledAlarm(name, scheduled, retryCount, due);
  }

  /** A remembered request in layout 2 (with its fingerprint; its response may be absent). */
  static void writeRemembered(DataOutputStream out, IdempotencyRecords.Remembered record)
      throws IOException {
    writeString(out, record.key());
    out.writeLong(record.atMillis());
    out.writeLong(record.retentionMillis());
    writeString(out, record.fingerprint() == null ? "" : record.fingerprint());
    Response response = record.response();
    if (response == null) {
      out.writeByte(0);
      return;
    }
    out.writeByte(1);
    writeResponse(out, response);
  }

  /** A remembered request in layout 2. */
  static IdempotencyRecords.Remembered readRemembered(DataInputStream in) throws IOException {
    String key = readString(in);
    long at = in.readLong();
    long retention = in.readLong();
    String fingerprint = readString(in);
    byte kept = in.readByte();
    if (kept != 0 && kept != 1) {
      throw new IOException("bad response-kept byte " + kept + " of remembered '" + key + "'");
    }
    Response response = kept == 1 ? readResponse(in, key) : null;
    return IdempotencyRecords.Remembered.of(
        key, at, retention, fingerprint.isEmpty() ? null : fingerprint, response);
  }

  /**
   * A remembered response in layout 1, as written before requests were fingerprinted: it carries
   * the key cap of its time and always a response.
   */
  static IdempotencyRecords.Remembered readRememberedLayout1(DataInputStream in)
      throws IOException {
    String key = readString(in);
    long at = in.readLong();
    long retention = in.readLong();
    int maxKeys = in.readInt();
    Response response = readResponse(in, key);
    return new IdempotencyRecords.Remembered(key, at, retention, maxKeys, null, response);
  }

  private static void writeResponse(DataOutputStream out, Response response) throws IOException {
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

  private static Response readResponse(DataInputStream in, String key) throws IOException {
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
      return Response.status(status).withBody(body).withHeaders(headers);
    } catch (IllegalArgumentException e) {
      throw new IOException("bad remembered response of '" + key + "': " + e.getMessage(), e);
    }
  }

  static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  static void writeEntry(DataOutputStream out, String key, byte[] value) throws IOException {
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

  static String readString(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      throw new IOException("bad string length " + length);
    }
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  static byte[] readValue(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length == -1) {
      return null;
    }
    if (length < 0 || length > in.available()) {
      throw new IOException("bad value length " + length);
    }
    return in.readNBytes(length);
  }
}

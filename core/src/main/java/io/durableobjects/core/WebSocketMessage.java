package io.durableobjects.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/** A message a client sent on a {@link WebSocket}: text or binary. */
public final class WebSocketMessage {
  private final String text;
  private final byte[] data;

  private WebSocketMessage(String text, byte[] data) {
    this.text = text;
    this.data = data;
  }

  public static WebSocketMessage text(String text) {
    return new WebSocketMessage(Objects.requireNonNull(text, "text"), null);
  }

  public static WebSocketMessage binary(byte[] data) {
    return new WebSocketMessage(null, Objects.requireNonNull(data, "data").clone());
  }

  public boolean isText() {
    return text != null;
  }

  /** The text of a text message; a binary one decoded as UTF-8. */
  public String text() {
    return text != null ? text : new String(data, StandardCharsets.UTF_8);
  }

  /** The bytes of a binary message; a text one encoded as UTF-8. */
  public byte[] data() {
    return data != null ? data.clone() : text.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WebSocketMessage other
        && Objects.equals(text, other.text)
        && Arrays.equals(data, other.data);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(text) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return isText()
        ? "WebSocketMessage(text, " + text.length() + " chars)"
        : "WebSocketMessage(binary, " + data.length + " bytes)";
  }
}

package io.durableobjects.core.internal.storage;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * INTERNAL API: one WebSocket an object accepted, as its durable state keeps it.
 *
 * @param id the socket's ID
 * @param gateway the serialized actor reference of the socket's connection at its gateway node
 * @param tags the tags it was accepted with
 * @param attachment its serialized attachment (JSON), or null
 * @param order the object's acceptance counter when it was accepted, for listing in order
 */
public record SocketRecord(
    String id, String gateway, List<String> tags, byte[] attachment, long order) {
  public SocketRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(gateway, "gateway");
    tags = List.copyOf(tags);
  }

  public SocketRecord withAttachment(byte[] value) {
    return new SocketRecord(id, gateway, tags, value, order);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SocketRecord other
        && id.equals(other.id)
        && gateway.equals(other.gateway)
        && tags.equals(other.tags)
        && Arrays.equals(attachment, other.attachment)
        && order == other.order;
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, gateway, tags, order) * 31 + Arrays.hashCode(attachment);
  }

  @Override
  public String toString() {
    return "SocketRecord(" + id + ", tags " + tags + ", order " + order + ")";
  }
}

package io.durableobjects.core.admin;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One WebSocket an object has accepted and not yet closed, as {@link ObjectAdmin#inspect} sees it.
 *
 * @param id the socket's ID
 * @param tags the tags it was accepted with
 * @param attachment its attachment as the object stored it (JSON or bytes; the entry's key is the
 *     socket's ID), if it has one
 */
public record OpenSocket(String id, List<String> tags, Optional<StoredEntry> attachment) {
  public OpenSocket {
    Objects.requireNonNull(id, "id");
    tags = List.copyOf(tags);
    Objects.requireNonNull(attachment, "attachment");
  }
}

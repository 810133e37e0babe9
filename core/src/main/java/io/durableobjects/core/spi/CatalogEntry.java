package io.durableobjects.core.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One object in the {@link ObjectCatalog}.
 *
 * @param namespace the object's namespace
 * @param id the object's ID, 64 lowercase hex characters
 * @param name the name the ID was derived from, when known ({@code idFromName})
 * @param hasData whether the object held data when this entry was recorded
 * @param updatedAt when this entry was recorded
 */
public record CatalogEntry(
    String namespace, String id, Optional<String> name, boolean hasData, Instant updatedAt) {
  public CatalogEntry {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }
}

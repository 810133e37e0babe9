package io.durableobjects.core.spi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A page of {@link ObjectCatalog#list}.
 *
 * @param entries the entries, in ascending order of ID
 * @param nextCursor the ID to pass as {@code afterId} for the next page; empty on the last page
 */
public record CatalogPage(List<CatalogEntry> entries, Optional<String> nextCursor) {
  public CatalogPage {
    entries = List.copyOf(entries);
    Objects.requireNonNull(nextCursor, "nextCursor");
  }
}

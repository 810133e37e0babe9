package io.durableobjects.core.internal;

import io.durableobjects.core.spi.CatalogEntry;
import io.durableobjects.core.spi.CatalogPage;
import io.durableobjects.core.spi.IdPrefix;
import io.durableobjects.core.spi.ObjectCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.pekko.Done;

/**
 * INTERNAL API: a catalog held in this node's memory, used when no {@code
 * durable-objects.catalog.class} is configured (unit tests with the in-memory journal). It forgets
 * everything on restart and sees only this node's objects.
 */
public final class InMemoryObjectCatalog implements ObjectCatalog {
  private final Map<String, NavigableMap<String, CatalogEntry>> byNamespace =
      new ConcurrentHashMap<>();

  @Override
  public CompletionStage<Done> record(CatalogEntry entry) {
    byNamespace
        .computeIfAbsent(entry.namespace(), ns -> new ConcurrentSkipListMap<>())
        .merge(
            entry.id(),
            entry,
            (old, next) ->
                next.name().isPresent()
                    ? next
                    : new CatalogEntry(
                        next.namespace(), next.id(), old.name(), next.hasData(), next.updatedAt()));
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<CatalogPage> list(
      String namespace, String idPrefix, Optional<String> afterId, int limit) {
    IdPrefix prefix;
    try {
      prefix = new IdPrefix(idPrefix);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    NavigableMap<String, CatalogEntry> entries =
        byNamespace.getOrDefault(namespace, new ConcurrentSkipListMap<>());
    if (afterId.isPresent() && afterId.get().compareTo(prefix.highest()) >= 0) {
      return CompletableFuture.completedFuture(new CatalogPage(List.of(), Optional.empty()));
    }
    // From the cursor or the prefix's lowest ID, whichever is later, to its highest.
    boolean fromCursor = afterId.isPresent() && afterId.get().compareTo(prefix.lowest()) >= 0;
    NavigableMap<String, CatalogEntry> tail =
        fromCursor
            ? entries.tailMap(afterId.get(), false).headMap(prefix.highest(), true)
            : entries.subMap(prefix.lowest(), true, prefix.highest(), true);
    List<CatalogEntry> page = new ArrayList<>();
    for (CatalogEntry e : tail.values()) {
      if (page.size() == limit) {
        break;
      }
      page.add(e);
    }
    boolean more = page.size() == limit && tail.higherKey(page.get(page.size() - 1).id()) != null;
    return CompletableFuture.completedFuture(
        new CatalogPage(
            page, more ? Optional.of(page.get(page.size() - 1).id()) : Optional.empty()));
  }

  @Override
  public CompletionStage<Done> ping() {
    return CompletableFuture.completedFuture(Done.getInstance());
  }
}

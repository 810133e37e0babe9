package io.durableobjects.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.durableobjects.core.spi.CatalogEntry;
import io.durableobjects.core.spi.CatalogPage;
import io.durableobjects.core.spi.IdPrefix;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The catalog's listing by ID prefix ({@link IdPrefix}), on the in-memory catalog. */
class InMemoryCatalogPrefixTest {
  private static final List<String> IDS =
      List.of(
          "0a" + "0".repeat(62),
          "ab" + "0".repeat(62),
          "ab" + "1".repeat(62),
          "ab" + "f".repeat(62),
          "ac" + "0".repeat(62),
          "f".repeat(64));

  private static InMemoryObjectCatalog catalog() {
    InMemoryObjectCatalog catalog = new InMemoryObjectCatalog();
    for (String id : IDS) {
      catalog.record(new CatalogEntry("ns", id, Optional.empty(), true, Instant.EPOCH));
    }
    catalog.record(new CatalogEntry("other", IDS.get(1), Optional.empty(), true, Instant.EPOCH));
    return catalog;
  }

  private static List<String> ids(CatalogPage page) {
    return page.entries().stream().map(CatalogEntry::id).toList();
  }

  private static CatalogPage list(
      InMemoryObjectCatalog catalog, String prefix, Optional<String> after, int limit) {
    return catalog.list("ns", prefix, after, limit).toCompletableFuture().join();
  }

  @Test
  void aPrefixListsExactlyItsIdsPageByPage() {
    InMemoryObjectCatalog catalog = catalog();
    CatalogPage first = list(catalog, "ab", Optional.empty(), 2);
    assertThat(ids(first)).containsExactly(IDS.get(1), IDS.get(2));
    assertThat(first.nextCursor()).hasValue(IDS.get(2));
    CatalogPage second = list(catalog, "ab", first.nextCursor(), 2);
    assertThat(ids(second)).containsExactly(IDS.get(3));
    assertThat(second.nextCursor()).isEmpty();
  }

  @Test
  void aCursorOutsideThePrefixStartsOrEndsTheRange() {
    InMemoryObjectCatalog catalog = catalog();
    assertThat(ids(list(catalog, "ab", Optional.of(IDS.get(0)), 10)))
        .containsExactly(IDS.get(1), IDS.get(2), IDS.get(3));
    assertThat(ids(list(catalog, "ab", Optional.of(IDS.get(4)), 10))).isEmpty();
  }

  @Test
  void anEmptyPrefixOrAWholeIdMatches() {
    InMemoryObjectCatalog catalog = catalog();
    assertThat(ids(list(catalog, "", Optional.empty(), 10))).isEqualTo(IDS);
    assertThat(ids(list(catalog, IDS.get(5), Optional.empty(), 10))).containsExactly(IDS.get(5));
    assertThat(ids(list(catalog, "1", Optional.empty(), 10))).isEmpty();
  }

  @Test
  void aPrefixThatIsNotLowercaseHexOrTooLongIsRefused() {
    assertThatThrownBy(() -> new IdPrefix("abG"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'G' at index 2");
    assertThatThrownBy(() -> new IdPrefix("a".repeat(65))).hasMessageContaining("65 characters");
    assertThatThrownBy(() -> list(catalog(), "x", Optional.empty(), 1))
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(IllegalArgumentException.class);
    assertThat(new IdPrefix("ab").lowest()).isEqualTo("ab" + "0".repeat(62));
    assertThat(new IdPrefix("ab").highest()).isEqualTo("ab" + "f".repeat(62));
  }
}

package io.durableobjects.cassandra.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CatalogIdsTest {

  @Test
  void theBucketIsTheFirstHexDigit() {
    assertThat(CatalogIds.bucket("0".repeat(64))).isZero();
    assertThat(CatalogIds.bucket("9" + "0".repeat(63))).isEqualTo(9);
    assertThat(CatalogIds.bucket("a" + "0".repeat(63))).isEqualTo(10);
    assertThat(CatalogIds.bucket("f".repeat(64))).isEqualTo(CatalogIds.BUCKETS - 1);
  }

  @Test
  void acceptsExactly64LowercaseHexCharacters() {
    String id = "0123456789abcdef".repeat(4);
    assertThat(CatalogIds.require("id", id)).isSameAs(id);

    assertThatThrownBy(() -> CatalogIds.require("afterId", "abc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "afterId must be an object ID (64 lowercase hex characters), but it has 3 characters:"
                + " \"abc\"");
    assertThatThrownBy(() -> CatalogIds.require("id", id.substring(1) + "F"))
        .hasMessageContaining("but it contains 'F' at index 63");
    assertThatThrownBy(() -> CatalogIds.require("id", " " + id.substring(1)))
        .hasMessageContaining("but it contains ' ' at index 0");
    assertThatThrownBy(() -> CatalogIds.require("id", null)).hasMessage("id must not be null");
    assertThatThrownBy(() -> CatalogIds.require("id", "x".repeat(10_000)))
        .hasMessageEndingWith("it has 10000 characters: \"" + "x".repeat(80) + "...\"");
  }
}

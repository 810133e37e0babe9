package io.durableobjects.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ObjectIdsTest {

  @Test
  void aNameGivesTheSameIdEveryTime() {
    String id = ObjectIds.fromName("counter", "a");
    assertThat(id).isEqualTo(ObjectIds.fromName("counter", "a")).matches("[0-9a-f]{64}");
    assertThat(ObjectIds.fromName("counter", "b")).isNotEqualTo(id);
    assertThat(ObjectIds.fromName("other", "a")).isNotEqualTo(id);
  }

  @Test
  void derivationIsStableAcrossReleases() {
    // IDs are journal keys: if this value changes, every existing object becomes unreachable.
    assertThat(ObjectIds.fromName("counter", "a"))
        .isEqualTo("a733e908bfc18c2b34232958aeff0c121edf348f913f5646823120ae427a16c2");
  }

  @Test
  void anIdIsValidOnlyInItsOwnNamespace() {
    String id = ObjectIds.fromName("counter", "a");
    assertThat(ObjectIds.problem("counter", id)).isNull();
    assertThat(ObjectIds.problem("other", id))
        .isEqualTo("the ID does not belong to namespace 'other'");
  }

  @Test
  void malformedIdsAreExplained() {
    assertThat(ObjectIds.problem("counter", null)).isEqualTo("the ID is missing");
    assertThat(ObjectIds.problem("counter", "abc")).isEqualTo("an ID has 64 hex characters, got 3");
    String upper = ObjectIds.fromName("counter", "a").toUpperCase();
    assertThat(ObjectIds.problem("counter", upper)).startsWith("an ID is lowercase hex, found");
    String tampered = "0" + ObjectIds.fromName("counter", "a").substring(1); // starts with 'a'
    assertThat(ObjectIds.problem("counter", tampered))
        .isEqualTo("the ID does not belong to namespace 'counter'");
  }

  @Test
  void uniqueIdsAreValidAndDistinct() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String id = ObjectIds.unique("counter");
      assertThat(ObjectIds.problem("counter", id)).isNull();
      ids.add(id);
    }
    assertThat(ids).hasSize(1000);
  }
}

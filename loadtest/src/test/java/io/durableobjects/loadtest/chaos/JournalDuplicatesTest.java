package io.durableobjects.loadtest.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The journal check's rules on hand-made chains. */
class JournalDuplicatesTest {

  private static List<JournalDuplicates.Duplicate> check(Long fence, String... writers) {
    TreeMap<Long, String> chain = new TreeMap<>();
    for (int i = 0; i < writers.length; i++) {
      if (writers[i] != null) {
        chain.put(i + 1L, writers[i]);
      }
    }
    List<JournalDuplicates.Duplicate> breaks = new ArrayList<>();
    JournalDuplicates.check("p", chain, fence, breaks);
    return breaks;
  }

  @Test
  void oneWriterAfterAnotherIsOneChain() {
    assertThat(check(5L, "a", "a", "b", "b", "c")).isEmpty();
  }

  @Test
  void aWriterThatComesBackAfterItsReplacementIsABreak() {
    assertThat(check(4L, "a", "b", "a", "b"))
        .extracting(JournalDuplicates.Duplicate::sequenceNr)
        .containsExactly(3L, 4L);
  }

  @Test
  void aMissingSequenceNumberIsABreak() {
    assertThat(check(3L, "a", null, "a"))
        .extracting(JournalDuplicates.Duplicate::sequenceNr)
        .containsExactly(2L);
  }

  @Test
  void aFenceBehindOrBeyondTheLastEventIsABreak() {
    assertThat(check(3L, "a", "a")).hasSize(1);
    assertThat(check(null, "a")).hasSize(1);
  }
}

package io.durableobjects.core.internal.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class HistoryPointTest {

  @Test
  void digitsAreASequenceNumberAndAnInstantIsATime() {
    assertThat(HistoryPoint.parse("42")).isEqualTo(new HistoryPoint(42, Long.MAX_VALUE));
    HistoryPoint time = HistoryPoint.parse("2026-12-06T10:15:30Z");
    assertThat(time.isTime()).isTrue();
    assertThat(time.timeMillis()).isEqualTo(Instant.parse("2026-12-06T10:15:30Z").toEpochMilli());
    assertThat(time.sequenceNr()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void anythingElseIsRefusedWithWhatIsExpected() {
    assertThatThrownBy(() -> HistoryPoint.parse("yesterday"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'yesterday' is neither a sequence number nor an ISO-8601 instant");
    assertThatThrownBy(() -> HistoryPoint.parse("")).hasMessageContaining("asOf is missing");
    assertThatThrownBy(() -> HistoryPoint.parse("99999999999999999999999"))
        .hasMessageContaining("is too large");
  }
}

package io.durableobjects.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HistoryRetentionTest {

  private static HistoryRetention parse(String hocon) {
    return HistoryRetention.fromConfig(
        ConfigFactory.parseString(hocon), "durable-objects.namespaces.cart");
  }

  @Test
  void offByDefaultADurationOrForever() {
    assertThat(parse("class = x")).isEqualTo(HistoryRetention.OFF);
    assertThat(parse("history.retention = 0")).isEqualTo(HistoryRetention.OFF);
    assertThat(parse("history.retention = 30d").keep()).contains(Duration.ofDays(30));
    assertThat(parse("history.retention = forever").forever()).isTrue();
    assertThat(parse("history.retention = forever").enabled()).isTrue();
    assertThat(HistoryRetention.OFF.enabled()).isFalse();
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> parse("history.retention = always"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("durable-objects.namespaces.cart.history.retention")
        .hasMessageContaining("expected 0, a duration such as 30d, or forever");
    assertThatThrownBy(() -> parse("history.retention = 5s"))
        .hasMessageContaining("at least 1 minute");
  }

  @Test
  void aNamespaceThatKeepsHistoryDeletesNothingOnSnapshots() {
    SnapshotPolicy policy = new SnapshotPolicy(1000, 2, true, 1 << 20, 50).keepingHistory();
    assertThat(policy.deleteEvents()).isFalse();
    assertThat(policy.keep()).isEqualTo(SnapshotPolicy.KEEP_ALL);
    assertThat(policy.every()).isEqualTo(1000);
  }
}

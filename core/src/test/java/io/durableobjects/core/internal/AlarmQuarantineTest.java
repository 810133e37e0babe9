package io.durableobjects.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.core.internal.AlarmQuarantine.RowKey;
import io.durableobjects.core.spi.AlarmIndexEntry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * When the poller judges an index row stuck, and what quarantine does to it, on the in-memory index
 * and explicit times (the poller passes its clock's millis).
 */
class AlarmQuarantineTest {
  private static final Duration WAKE_RETRY = Duration.ofSeconds(10);
  private static final Duration AFTER = Duration.ofMinutes(2);
  private static final Duration RETRY = Duration.ofMinutes(10);

  private final InMemoryAlarmIndex index = new InMemoryAlarmIndex();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final AlarmQuarantine quarantine =
      new AlarmQuarantine(
          index,
          new AlarmSettings(
              6,
              Duration.ofSeconds(2),
              Duration.ofMinutes(5),
              1000,
              Duration.ofSeconds(1),
              Duration.ofSeconds(5),
              WAKE_RETRY,
              10_000,
              AFTER,
              RETRY,
              Duration.ofMillis(200),
              Duration.ofSeconds(5),
              8),
          meters,
          LoggerFactory.getLogger(AlarmQuarantineTest.class));

  private static final long T0 = Instant.parse("2026-12-06T12:00:00Z").toEpochMilli();

  private static AlarmIndexEntry row(String namespace, long dueMillis) {
    return new AlarmIndexEntry(
        namespace, "ab".repeat(32), Optional.of("reminder"), Instant.ofEpochMilli(dueMillis));
  }

  @Test
  void aRowIsStuckOnlyOnceItStayedQuarantineAfterPastItsDueTimeAndFirstReading() {
    RowKey overdue = RowKey.of(row("gone", T0 - 3_600_000)); // due an hour before it was read
    assertThat(quarantine.isStuck(overdue, false, T0)).isFalse();
    assertThat(quarantine.isStuck(overdue, false, T0 + AFTER.toMillis() - 1)).isFalse();
    assertThat(quarantine.isStuck(overdue, false, T0 + AFTER.toMillis())).isTrue();

    RowKey soon = RowKey.of(row("reminders", T0 + 5_000)); // read within the lookahead
    assertThat(quarantine.isStuck(soon, true, T0)).isFalse();
    assertThat(quarantine.isStuck(soon, true, T0 + 5_000 + AFTER.toMillis() - 1)).isFalse();
    assertThat(quarantine.isStuck(soon, true, T0 + 5_000 + AFTER.toMillis())).isTrue();
  }

  @Test
  void quarantineMovesTheRowAheadKeepingItAndCountsIt() throws Exception {
    AlarmIndexEntry stuck = row("gone", T0 - 1_000);
    index.add(stuck);
    long now = T0 + AFTER.toMillis();

    List<RowKey> moved = quarantine.quarantine(List.of(stuck), now).toCompletableFuture().get();

    Instant retryAt = Instant.ofEpochMilli(now).plus(RETRY);
    AlarmIndexEntry ahead = new AlarmIndexEntry("gone", stuck.id(), stuck.name(), retryAt);
    assertThat(moved).containsExactly(RowKey.of(ahead));
    assertThat(index.due(Instant.MAX, 10).toCompletableFuture().get()).containsExactly(ahead);
    assertThat(meters.get("durable_objects.alarms.quarantined").tag("namespace", "gone").counter())
        .satisfies(counter -> assertThat(counter.count()).isEqualTo(1.0));
  }

  @Test
  void aMovedRowThatIsStillStuckIsQuarantinedAgainWithoutTheGrace() {
    long retryAt = T0 + RETRY.toMillis();
    RowKey unknown = RowKey.of(row("gone", retryAt));
    RowKey broken = RowKey.of(row("reminders", retryAt + 1));
    quarantine.moved(List.of(unknown, broken));
    quarantine.retain(Set.of(), T0); // moved rows are remembered until they are due again
    // Read again at its new time: a namespace still unknown is moved on at once...
    assertThat(quarantine.isStuck(unknown, false, retryAt)).isTrue();
    // ...an object of a known namespace is woken once more first.
    assertThat(quarantine.isStuck(broken, true, retryAt)).isFalse();
    assertThat(quarantine.isStuck(broken, true, retryAt + WAKE_RETRY.toMillis())).isTrue();
  }
}

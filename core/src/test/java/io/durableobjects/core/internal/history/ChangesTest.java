package io.durableobjects.core.internal.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.core.ChangeFeed;
import io.durableobjects.core.ObjectChange;
import io.durableobjects.core.internal.entity.TransactionCommitted;
import io.durableobjects.core.internal.storage.AlarmRules;
import io.durableobjects.core.internal.storage.ScheduledAlarm;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChangesTest {
  @ChangeFeed(enabled = false)
  static final class Private {}

  @ChangeFeed(keyPrefixes = {"public/", "score"})
  static final class Partly {}

  static final class Plain {}

  private static byte[] json(String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    byte[] encoded = new byte[utf8.length + 1]; // ValueCodec: a JSON marker byte (1), the JSON
    encoded[0] = 1;
    System.arraycopy(utf8, 0, encoded, 1, utf8.length);
    return encoded;
  }

  @Test
  void aClassDeclaresWhetherAndWhatItsFeedShows() {
    assertThat(KeyFilter.of(Plain.class)).isEqualTo(KeyFilter.ALL);
    assertThat(KeyFilter.of(Private.class).enabled()).isFalse();
    KeyFilter partly = KeyFilter.of(Partly.class);
    assertThat(partly.shows("public/name")).isTrue();
    assertThat(partly.shows("scores")).isTrue();
    assertThat(partly.shows("secret")).isFalse();
  }

  @Test
  void aChangeShowsTheKeysItWroteAndDeletedWithTheirValues() {
    TransactionCommitted tx =
        new TransactionCommitted(
            false,
            List.of(
                new TransactionCommitted.Change("count", json("3")),
                new TransactionCommitted.Change("gone", null)),
            null,
            1_000);
    ObjectChange change = Changes.of(7, tx, 0, KeyFilter.ALL).orElseThrow();
    assertThat(change.sequenceNr()).isEqualTo(7);
    assertThat(change.time()).isEqualTo(Instant.ofEpochMilli(1_000));
    assertThat(change.put())
        .extracting(e -> e.key() + "=" + e.json().orElseThrow())
        .containsExactly("count=3");
    assertThat(change.deleted()).containsExactly("gone");
  }

  @Test
  void filteredKeysAreLeftOutAndAChangeThatShowsNothingIsSkipped() {
    TransactionCommitted secretOnly =
        new TransactionCommitted(
            false, List.of(new TransactionCommitted.Change("secret", json("1"))), null, 1_000);
    assertThat(Changes.of(1, secretOnly, 0, KeyFilter.of(Partly.class))).isEmpty();
    assertThat(Changes.of(1, secretOnly, 0, KeyFilter.ALL)).isPresent();
    // A delete-all shows even with no key left: the consumer's copy must be emptied.
    TransactionCommitted wipe = new TransactionCommitted(true, List.of(), null, 1_000);
    assertThat(Changes.of(2, wipe, 0, KeyFilter.of(Partly.class)).orElseThrow().deleteAll())
        .isTrue();
    // A checkpoint, a remembered response: nothing to show.
    assertThat(Changes.of(3, new TransactionCommitted(List.of()), 0, KeyFilter.ALL)).isEmpty();
  }

  @Test
  void alarmsShowButNotTheRuntimesExpiryAlarm() {
    TransactionCommitted tx =
        new TransactionCommitted(false, List.of(), null, 1_000)
            .withAlarmChanges(
                List.of(
                    new TransactionCommitted.AlarmChange(
                        "reminder", ScheduledAlarm.at("reminder", 5_000)),
                    new TransactionCommitted.AlarmChange("old", null),
                    new TransactionCommitted.AlarmChange(
                        AlarmRules.EXPIRY, ScheduledAlarm.at(AlarmRules.EXPIRY, 9_000))));
    ObjectChange change = Changes.of(4, tx, 0, KeyFilter.ALL).orElseThrow();
    assertThat(change.alarms())
        .containsExactly(
            new ObjectChange.AlarmChange("reminder", Optional.of(Instant.ofEpochMilli(5_000))),
            new ObjectChange.AlarmChange("old", Optional.empty()));
    TransactionCommitted onlyExpiry =
        new TransactionCommitted(false, List.of(), null, 1_000)
            .withAlarmChanges(
                List.of(
                    new TransactionCommitted.AlarmChange(
                        AlarmRules.EXPIRY, ScheduledAlarm.at(AlarmRules.EXPIRY, 9_000))));
    assertThat(Changes.of(5, onlyExpiry, 0, KeyFilter.ALL)).isEmpty();
  }

  @Test
  void aTransactionWithoutACommitTimeShowsWhenTheJournalWroteIt() {
    TransactionCommitted old =
        new TransactionCommitted(
            false, List.of(new TransactionCommitted.Change("k", json("1"))), null, 0);
    assertThat(Changes.of(1, old, 42, KeyFilter.ALL).orElseThrow().time())
        .isEqualTo(Instant.ofEpochMilli(42));
  }
}

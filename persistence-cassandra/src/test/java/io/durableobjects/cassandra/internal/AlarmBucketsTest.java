package io.durableobjects.cassandra.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AlarmBucketsTest {

  private static final AlarmBuckets TEN_SECONDS =
      new AlarmBuckets(Duration.ofSeconds(10), Duration.ofMinutes(5));
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:07.250Z");

  @Test
  void aBucketIsTheTimeFlooredToAMultipleOfTheSize() {
    assertThat(TEN_SECONDS.bucketOf(0)).isZero();
    assertThat(TEN_SECONDS.bucketOf(9_999)).isZero();
    assertThat(TEN_SECONDS.bucketOf(10_000)).isEqualTo(10_000);
    assertThat(TEN_SECONDS.bucketOf(-1)).isEqualTo(-10_000); // floored, not truncated
    assertThat(TEN_SECONDS.bucketOf(-10_000)).isEqualTo(-10_000);
    assertThat(TEN_SECONDS.endOf(10_000)).isEqualTo(20_000);
    long now = NOW.toEpochMilli();
    assertThat(TEN_SECONDS.bucketOf(now)).isEqualTo(now - 7_250);
  }

  @Test
  void rowsAreNeverWrittenIntoABucketThatIsOver() {
    long current = NOW.toEpochMilli() - 7_250;
    // Future: the bucket of the due time.
    assertThat(TEN_SECONDS.writeBucket(NOW.plusSeconds(25), NOW)).isEqualTo(current + 30_000);
    // Earlier in the current bucket: still the current bucket.
    assertThat(TEN_SECONDS.writeBucket(NOW.minusSeconds(5), NOW)).isEqualTo(current);
    // Overdue: the current bucket, not the bucket of the due time.
    assertThat(TEN_SECONDS.writeBucket(NOW.minusSeconds(3600), NOW)).isEqualTo(current);
    assertThat(TEN_SECONDS.writeBucket(AlarmBuckets.EARLIEST, NOW)).isEqualTo(current);
  }

  @Test
  void readsReachTheCurrentBucketEvenForAnEarlierUpTo() {
    long current = NOW.toEpochMilli() - 7_250;
    assertThat(TEN_SECONDS.lastBucketToRead(NOW.plusSeconds(60), NOW)).isEqualTo(current + 60_000);
    assertThat(TEN_SECONDS.lastBucketToRead(NOW.minusSeconds(3600), NOW)).isEqualTo(current);
  }

  @Test
  void aBucketIsSettledOnceItEndedTheDelayAgo() {
    long bucket = TEN_SECONDS.bucketOf(NOW.toEpochMilli());
    Instant end = Instant.ofEpochMilli(TEN_SECONDS.endOf(bucket));
    assertThat(TEN_SECONDS.isSettled(bucket, end)).isFalse();
    assertThat(TEN_SECONDS.isSettled(bucket, end.plus(Duration.ofMinutes(5)).minusMillis(1)))
        .isFalse();
    assertThat(TEN_SECONDS.isSettled(bucket, end.plus(Duration.ofMinutes(5)))).isTrue();
    // The lowest bucket a lagging node can still write into is never settled.
    long lowest = TEN_SECONDS.lowestWritableBucket(NOW);
    assertThat(lowest).isEqualTo(TEN_SECONDS.bucketOf(NOW.toEpochMilli() - 300_000));
    assertThat(TEN_SECONDS.isSettled(lowest, NOW)).isFalse();
    assertThat(TEN_SECONDS.isSettled(lowest - 10_000, NOW)).isTrue();
  }

  @Test
  void dueTimesMustBeStorable() {
    assertThat(AlarmBuckets.requireDueAt("dueAt", NOW)).isSameAs(NOW);
    assertThat(AlarmBuckets.requireDueAt("dueAt", AlarmBuckets.EARLIEST)).isNotNull();
    assertThat(AlarmBuckets.requireDueAt("dueAt", AlarmBuckets.LATEST)).isNotNull();
    assertThatThrownBy(() -> AlarmBuckets.requireDueAt("entry.dueAt", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("entry.dueAt must not be null");
    assertThatThrownBy(() -> AlarmBuckets.requireDueAt("dueAt", Instant.MAX))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "dueAt must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z, but was "
                + Instant.MAX);
    assertThatThrownBy(() -> AlarmBuckets.requireDueAt("dueAt", Instant.MIN))
        .hasMessageEndingWith("but was " + Instant.MIN);
  }

  @Test
  void upToIsClampedToTheStorableRange() {
    assertThat(AlarmBuckets.clampUpTo(NOW)).contains(NOW);
    assertThat(AlarmBuckets.clampUpTo(Instant.MAX)).contains(AlarmBuckets.LATEST);
    assertThat(AlarmBuckets.clampUpTo(Instant.MIN)).isEmpty();
    assertThat(TEN_SECONDS.lastBucketToRead(AlarmBuckets.LATEST, NOW))
        .isEqualTo(TEN_SECONDS.bucketOf(AlarmBuckets.LATEST.toEpochMilli()));
  }

  @Test
  void settingsAreReadFromTheReferenceConfiguration() {
    AlarmBuckets defaults = AlarmBuckets.fromConfig(ConfigFactory.load());
    assertThat(defaults.sizeMillis()).isEqualTo(10_000);
    assertThat(defaults.delayMillis()).isEqualTo(300_000);
  }

  @Test
  void invalidSettingsAreRejectedPrecisely() {
    assertThatThrownBy(() -> new AlarmBuckets(Duration.ofMillis(500), Duration.ofMinutes(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "durable-objects.cassandra.alarm-index.bucket-size must be between 1 s and 1 h in whole"
                + " milliseconds, but was 500 ms");
    assertThatThrownBy(() -> new AlarmBuckets(Duration.ofHours(2), Duration.ofMinutes(5)))
        .hasMessageEndingWith("but was 7200000 ms");
    assertThatThrownBy(
            () -> new AlarmBuckets(Duration.ofSeconds(10).plusNanos(1), Duration.ofMinutes(5)))
        .hasMessageEndingWith("but was PT10.000000001S");
    assertThatThrownBy(() -> new AlarmBuckets(Duration.ofSeconds(10), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "durable-objects.cassandra.alarm-index.deregistration-delay must be between 1 s and"
                + " 365 d, but was 0 ms");
    assertThatThrownBy(
            () ->
                AlarmBuckets.fromConfig(
                    ConfigFactory.parseString(
                            "durable-objects.cassandra.alarm-index.bucket-size = soon")
                        .withFallback(ConfigFactory.load())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "invalid setting durable-objects.cassandra.alarm-index.bucket-size:");
  }
}

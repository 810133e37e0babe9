package io.durableobjects.core.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * INTERNAL API: the meters of one namespace's objects on this node. Prometheus names: {@code
 * durable_objects_objects_active}, {@code durable_objects_activations_seconds}, {@code
 * durable_objects_journal_writes_seconds}, {@code durable_objects_journal_batch_size}, {@code
 * durable_objects_evictions_total}, {@code durable_objects_alarms_scheduled_total}, {@code
 * durable_objects_alarms_fired_total}, {@code durable_objects_alarms_retried_total}, {@code
 * durable_objects_alarms_dropped_total}, {@code durable_objects_alarms_lag_seconds} (from an
 * alarm's time to the start of its first delivery), {@code
 * durable_objects_alarms_index_retries_total} (failed alarm index writes retried), {@code
 * durable_objects_expirations_total} (objects erased by {@code expire-after-idle}), all tagged with
 * {@code namespace}.
 */
public final class ObjectMetrics {
  private final AtomicInteger active = new AtomicInteger();
  private final Timer activations;
  private final Timer journalWrites;
  private final DistributionSummary batchSize;
  private final Counter evictions;
  private final Counter alarmsScheduled;
  private final Counter alarmsFired;
  private final Counter alarmsRetried;
  private final Counter alarmsDropped;
  private final Timer alarmLag;
  private final Counter alarmIndexRetries;
  private final Counter expirations;

  public ObjectMetrics(MeterRegistry registry, String namespace) {
    Gauge.builder("durable_objects.objects.active", active, AtomicInteger::get)
        .description("Objects in memory on this node")
        .tag("namespace", namespace)
        .register(registry);
    activations =
        Timer.builder("durable_objects.activations")
            .description("Activations: from the object actor's start to its instance being ready")
            .tag("namespace", namespace)
            .publishPercentileHistogram()
            .register(registry);
    journalWrites =
        Timer.builder("durable_objects.journal.writes")
            .description("Journal writes (one per batch of transactions), until durable")
            .tag("namespace", namespace)
            .publishPercentileHistogram()
            .register(registry);
    batchSize =
        DistributionSummary.builder("durable_objects.journal.batch.size")
            .description("Transactions per journal write (group commit)")
            .tag("namespace", namespace)
            .register(registry);
    evictions =
        Counter.builder("durable_objects.evictions")
            .description("Objects evicted from memory (passivation)")
            .tag("namespace", namespace)
            .register(registry);
    alarmsScheduled = counter(registry, namespace, "scheduled", "Alarms set (committed)");
    alarmsFired = counter(registry, namespace, "fired", "Alarm deliveries whose handler succeeded");
    alarmsRetried =
        counter(registry, namespace, "retried", "Alarm deliveries that failed and will be retried");
    alarmsDropped =
        counter(
            registry,
            namespace,
            "dropped",
            "Alarms dropped after their handler failed every retry");
    alarmIndexRetries =
        counter(
            registry,
            namespace,
            "index.retries",
            "Alarm index writes of objects that failed and are tried again");
    expirations =
        Counter.builder("durable_objects.expirations")
            .description("Objects erased because they were not called for expire-after-idle")
            .tag("namespace", namespace)
            .register(registry);
    alarmLag =
        Timer.builder("durable_objects.alarms.lag")
            .description("From an alarm's scheduled time to the start of its first delivery")
            .tag("namespace", namespace)
            .publishPercentileHistogram()
            .register(registry);
  }

  private static Counter counter(
      MeterRegistry registry, String namespace, String what, String description) {
    return Counter.builder("durable_objects.alarms." + what)
        .description(description)
        .tag("namespace", namespace)
        .register(registry);
  }

  public void alarmsScheduled(int count) {
    alarmsScheduled.increment(count);
  }

  public void alarmFired() {
    alarmsFired.increment();
  }

  public void alarmRetried() {
    alarmsRetried.increment();
  }

  public void alarmDropped() {
    alarmsDropped.increment();
  }

  /** An object's alarm index write failed and is tried again. */
  public void alarmIndexRetried() {
    alarmIndexRetries.increment();
  }

  /** An object expired (expire-after-idle): its erasure is committed. */
  public void expired() {
    expirations.increment();
  }

  /** A first delivery started {@code lagMillis} after the alarm's time. */
  public void alarmLag(long lagMillis) {
    alarmLag.record(Math.max(0, lagMillis), TimeUnit.MILLISECONDS);
  }

  /** Metrics that go nowhere, for entities built outside a node (tests). */
  public static ObjectMetrics noop(String namespace) {
    return new ObjectMetrics(
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), namespace);
  }

  public void started() {
    active.incrementAndGet();
  }

  public void stopped() {
    active.decrementAndGet();
  }

  public void activated(long startNanos) {
    activations.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  public void journalWritten(long startNanos, int transactions) {
    journalWrites.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    batchSize.record(transactions);
  }

  public void evicted() {
    evictions.increment();
  }
}

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
 * durable_objects_evictions_total}, all tagged with {@code namespace}.
 */
public final class ObjectMetrics {
  private final AtomicInteger active = new AtomicInteger();
  private final Timer activations;
  private final Timer journalWrites;
  private final DistributionSummary batchSize;
  private final Counter evictions;

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
  }

  /** Metrics that go nowhere, for entities built outside a node (tests). */
  public static ObjectMetrics noop(String namespace) {
    return new ObjectMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), namespace);
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

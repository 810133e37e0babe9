package io.durableobjects.core.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * INTERNAL API: the alarm poller's meters. Prometheus names: {@code
 * durable_objects_alarms_wakeups_total} and {@code durable_objects_alarms_quarantined_total} (by
 * {@code namespace}). In one place, rather than in the poller's actor and the quarantine's
 * callbacks, so that the node's full set of meters can be built without a cluster (the Grafana
 * dashboard's test in the k8s module does).
 */
public final class AlarmPollerMetrics {
  private AlarmPollerMetrics() {}

  /** Objects woken by the poller; registered when the poller starts. */
  public static Counter wakeups(MeterRegistry registry) {
    return Counter.builder("durable_objects.alarms.wakeups")
        .description("Objects woken by the alarm poller for an alarm index row")
        .register(registry);
  }

  /** Index rows of {@code namespace} moved ahead; registered at the first such move. */
  public static Counter quarantined(MeterRegistry registry, String namespace) {
    return Counter.builder("durable_objects.alarms.quarantined")
        .description("Alarm index rows moved ahead because nothing handled them when due")
        .tag("namespace", namespace)
        .register(registry);
  }
}

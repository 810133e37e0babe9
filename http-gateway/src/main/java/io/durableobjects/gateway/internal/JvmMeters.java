package io.durableobjects.gateway.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;

/**
 * INTERNAL API: the JVM's meters /metrics serves beside the runtime's (memory pools, threads, CPU,
 * GC pauses). One place, used by the node and by the Grafana dashboard's test (k8s module), so that
 * the dashboard is checked against what the node really exports.
 */
public final class JvmMeters {
  private JvmMeters() {}

  /**
   * Binds the JVM's meters to {@code registry}; returns the GC meters, to close when the node stops
   * (that removes their GC notification listeners).
   */
  public static JvmGcMetrics bindTo(MeterRegistry registry) {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    return gc;
  }
}

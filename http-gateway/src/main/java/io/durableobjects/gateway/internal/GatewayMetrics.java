package io.durableobjects.gateway.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * INTERNAL API: the gateway's meters. Prometheus names: {@code
 * durable_objects_http_requests_seconds} (a histogram by {@code namespace} and {@code status}; its
 * {@code _count} is the request count), {@code durable_objects_http_rejected_total} (by {@code
 * reason}) and {@code durable_objects_http_in_flight}.
 */
public final class GatewayMetrics {
  /** The namespace tag of requests for namespaces that do not exist (bounded cardinality). */
  public static final String UNKNOWN_NAMESPACE = "_unknown";

  private final MeterRegistry registry;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final Map<String, Counter> rejections = new ConcurrentHashMap<>();

  public GatewayMetrics(MeterRegistry registry, InFlightLimits limits) {
    this.registry = registry;
    Gauge.builder("durable_objects.http.in.flight", limits, InFlightLimits::inFlight)
        .description("Object requests in flight at this node")
        .register(registry);
    Gauge.builder("durable_objects.http.in.flight.bytes", limits, InFlightLimits::inFlightBytes)
        .description("Bytes of request bodies held by object requests in flight at this node")
        .baseUnit("bytes")
        .register(registry);
  }

  /** Records one object request that took {@code nanos} and answered {@code status}. */
  public void request(String namespace, int status, long nanos) {
    timers
        .computeIfAbsent(
            namespace + '\u0000' + status,
            key ->
                Timer.builder("durable_objects.http.requests")
                    .description("Object requests through the gateway, by namespace and status")
                    .tag("namespace", namespace)
                    .tag("status", Integer.toString(status))
                    .publishPercentileHistogram()
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Counts a request refused for {@code reason} (overloaded, too_many_requests, unauthorized...).
   */
  public void rejected(String reason) {
    rejections
        .computeIfAbsent(
            reason,
            key ->
                Counter.builder("durable_objects.http.rejected")
                    .description("Requests the gateway refused before they reached an object")
                    .tag("reason", key)
                    .register(registry))
        .increment();
  }
}

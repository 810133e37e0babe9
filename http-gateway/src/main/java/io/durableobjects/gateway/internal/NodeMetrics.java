package io.durableobjects.gateway.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * INTERNAL API: the headline metrics of this node ({@code GET /admin/v1/metrics}), read from the
 * node's meter registry, the one {@code /metrics} serves: object requests, journal writes and alarm
 * lag (timers, all namespaces and statuses together), active objects, requests in flight and open
 * WebSockets (gauges).
 *
 * <p>Every timer is reported as it stands since the node started: its count, and its histogram as
 * cumulative bucket counts ({@code [upper bound in ms, count of recordings at or below it]}, the
 * Prometheus {@code le} buckets). Rates and windowed percentiles are computed by the caller from
 * the difference of two readings (the console polls every 2 s): counts per second, and p99 from the
 * difference of the buckets. A reading is cheap: no recording is reset.
 */
public final class NodeMetrics {
  private final MeterRegistry registry;
  private final Clock clock;

  public NodeMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  /** The current reading, as JSON. */
  public ObjectNode reading() {
    ObjectNode body = AdminJson.object();
    body.put("time", clock.instant().toString());
    timer(body.putObject("requests"), "durable_objects.http.requests");
    timer(body.putObject("journalWrites"), "durable_objects.journal.writes");
    timer(body.putObject("alarmsLag"), "durable_objects.alarms.lag");
    body.put("activeObjects", (long) gauges("durable_objects.objects.active"));
    body.put("inFlight", (long) gauges("durable_objects.http.in.flight"));
    body.put("openWebSockets", (long) gauges("durable_objects.websockets.open"));
    return body;
  }

  private double gauges(String name) {
    return registry.find(name).gauges().stream().mapToDouble(Gauge::value).sum();
  }

  /** {@code count}, {@code maxMs} and the merged cumulative buckets of every timer named so. */
  private void timer(ObjectNode into, String name) {
    long count = 0;
    double max = 0;
    Map<Double, Double> buckets = new TreeMap<>();
    for (Timer timer : registry.find(name).timers()) {
      HistogramSnapshot snapshot = timer.takeSnapshot();
      count += snapshot.count();
      max = Math.max(max, snapshot.max(TimeUnit.MILLISECONDS));
      for (CountAtBucket bucket : snapshot.histogramCounts()) {
        if (Double.isInfinite(bucket.bucket())) {
          continue; // JSON has no infinity; the count says how many there are in all
        }
        buckets.merge(bucket.bucket(TimeUnit.MILLISECONDS), bucket.count(), Double::sum);
      }
    }
    into.put("count", count);
    into.put("maxMs", max);
    ArrayNode list = into.putArray("buckets");
    buckets.forEach((le, n) -> list.addArray().add(le).add(n.longValue()));
  }
}

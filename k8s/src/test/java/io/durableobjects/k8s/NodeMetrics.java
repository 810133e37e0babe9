package io.durableobjects.k8s;

import io.durableobjects.core.internal.AlarmPollerMetrics;
import io.durableobjects.core.internal.ObjectMetrics;
import io.durableobjects.gateway.internal.GatewayMetrics;
import io.durableobjects.gateway.internal.InFlightLimits;
import io.durableobjects.gateway.internal.JvmMeters;
import io.durableobjects.gateway.internal.WebSocketMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The series names a node's {@code GET /metrics} serves, from the node's own meter classes rendered
 * the way the node renders them: a {@link PrometheusMeterRegistry} with the JVM's meters bound
 * directly ({@link JvmMeters}, as {@code DurableObjectsServer} does) and the runtime's and
 * gateway's meters registered through a composite registry ({@code MeterRegistries}).
 *
 * <p>Some meters appear only once something happened: the request timer and rejection counter per
 * tag, the quarantine counter at the first move, the GC pause timer at the first collection. Each
 * is made to appear here by doing that thing once, through the same classes the node uses; {@link
 * GrafanaDashboardTest} checks that every meter name in the code's sources is among the result, so
 * a meter added to the code and not here fails that test rather than going unnoticed.
 */
final class NodeMetrics {
  /** A series name at the start of a Prometheus text exposition sample line. */
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]");

  private NodeMetrics() {}

  /** The Prometheus text a node with one namespace would serve, after some traffic. */
  static String scrape() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (JvmGcMetrics gc = JvmMeters.bindTo(prometheus)) {
      CompositeMeterRegistry runtime = new CompositeMeterRegistry();
      runtime.add(prometheus);

      ObjectMetrics objects = new ObjectMetrics(runtime, "counter");
      objects.journalWritten(System.nanoTime(), 3);
      AlarmPollerMetrics.wakeups(runtime).increment();
      AlarmPollerMetrics.quarantined(runtime, "counter").increment();

      GatewayMetrics gateway = new GatewayMetrics(runtime, new InFlightLimits(10, 10, 1024));
      gateway.request("counter", 200, TimeUnit.MILLISECONDS.toNanos(3));
      gateway.rejected("overloaded");
      new WebSocketMetrics(runtime);

      awaitGcPause(prometheus);
      return prometheus.scrape();
    } finally {
      prometheus.close();
    }
  }

  /** The distinct series names of a Prometheus text exposition. */
  static Set<String> seriesNames(String exposition) {
    Set<String> names = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (!line.startsWith("#") && m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /**
   * JvmGcMetrics registers {@code jvm.gc.pause} when it hears of the first collection: ask for one
   * and wait for the notification (delivered on a JMX thread), a few seconds at most.
   */
  private static void awaitGcPause(PrometheusMeterRegistry registry) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (registry.find("jvm.gc.pause").timer() == null) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no GC notification within 10 s after System.gc()");
      }
      System.gc();
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}

package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durableobjects.testsupport.Await;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link AlarmProbe} objects through a node's gateway, for the alarm durability tests: set their
 * alarms, wait until the nodes report them fired (their {@code /metrics}, which does not wake an
 * object, unlike reading it), and check that each fired once, on time, before the test asked.
 */
final class AlarmProbes {
  static final String NAMESPACE = "alarm-probe";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FIRED_METRIC = "durable_objects_alarms_fired_total{";

  private AlarmProbes() {}

  /** System properties that give a demo node the probe namespace and a fast alarm poller. */
  static Map<String, String> nodeProperties() {
    return Map.of(
        "durable-objects.namespaces." + NAMESPACE + ".class",
        AlarmProbe.class.getName(),
        "durable-objects.alarms.poll-interval",
        "500ms");
  }

  /** Sets the alarm of objects {@code prefix}0 .. {@code prefix}(count-1) to {@code dueMillis}. */
  static void set(int port, String prefix, int count, long dueMillis) throws Exception {
    for (int i = 0; i < count; i++) {
      HttpResponse<String> set =
          NodeFixture.post(
              port, "/v1/" + NAMESPACE + "/by-name/" + prefix + i + "/set?at=" + dueMillis);
      assertThat(set.statusCode()).as(set.body()).isEqualTo(204);
    }
  }

  /** Alarm deliveries of the probe namespace that the nodes on {@code ports} have counted. */
  static long fired(int... ports) throws Exception {
    long fired = 0;
    for (int port : ports) {
      for (String line : NodeFixture.get(port, "/metrics").body().split("\n")) {
        if (line.startsWith(FIRED_METRIC) && line.contains("namespace=\"" + NAMESPACE + "\"")) {
          fired += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return fired;
  }

  /**
   * Waits until the nodes on {@code ports} together have counted at least {@code count} deliveries.
   */
  static void awaitFired(int[] ports, long count) throws InterruptedException {
    Await.until(
        count + " alarms fired on the nodes on ports " + java.util.Arrays.toString(ports),
        Duration.ofSeconds(90),
        () -> fired(ports) >= count);
  }

  /** Every object's alarm fired exactly once, at or after its time, before this read. */
  static List<JsonNode> assertFiredBeforeBeingAsked(
      int port, String prefix, int count, long dueMillis) throws Exception {
    List<JsonNode> views = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long askedAt = System.currentTimeMillis();
      HttpResponse<String> read =
          NodeFixture.get(port, "/v1/" + NAMESPACE + "/by-name/" + prefix + i + "/");
      assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
      JsonNode view = JSON.readTree(read.body());
      assertThat(view.path("deliveries").asLong()).as(prefix + i + ": " + read.body()).isEqualTo(1);
      assertThat(view.path("pending").isNull()).as(read.body()).isTrue();
      assertThat(view.path("scheduled").asLong()).isEqualTo(dueMillis);
      assertThat(view.path("firedAt").asLong())
          .as("fired at or after its time, before the test asked")
          .isBetween(dueMillis, askedAt);
      views.add(view);
    }
    return views;
  }
}

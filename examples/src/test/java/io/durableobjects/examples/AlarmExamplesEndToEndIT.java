package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.durableobjects.cassandra.embedded.EmbeddedCassandra;
import io.durableobjects.cassandra.testkit.CassandraExtension;
import io.durableobjects.gateway.DurableObjectsServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The examples that use alarms, through HTTP on one node with a real Cassandra: a reminder fires on
 * its own, and the rate limiter refuses past its limit.
 */
@ExtendWith(CassandraExtension.class)
class AlarmExamplesEndToEndIT {
  private static DurableObjectsServer node;
  private static int port;

  @BeforeAll
  static void start(EmbeddedCassandra cassandra) {
    NodeFixture fixture = new NodeFixture(AlarmExamplesEndToEndIT.class, cassandra);
    node = DurableObjectsServer.start(DurableObjectsServer.loadConfig(fixture.nodeConfig()));
    port = node.httpAddress().getPort();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return JsonResponses.JSON.readTree(response.body());
  }

  @Test
  void theRateLimiterAnswers429PastTheLimit() throws Exception {
    String key = "/v1/rate-limiter/by-name/e2e";
    HttpResponse<String> config =
        NodeFixture.put(port, key + "/config", "{\"limit\": 3, \"windowSeconds\": 60}");
    assertThat(config.statusCode()).isEqualTo(200);
    for (int remaining = 2; remaining >= 0; remaining--) {
      HttpResponse<String> allowed = NodeFixture.post(port, key + "/acquire");
      assertThat(allowed.statusCode()).isEqualTo(200);
      assertThat(json(allowed).get("remaining").intValue()).isEqualTo(remaining);
    }
    HttpResponse<String> refused = NodeFixture.post(port, key + "/acquire");
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(json(refused).get("allowed").booleanValue()).isFalse();
    assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1L, 60L);
  }

  @Test
  void aReminderFiresOnItsOwnAfterTwoSeconds() throws Exception {
    String reminder = "/v1/reminder/by-name/e2e";
    HttpResponse<String> scheduled =
        NodeFixture.post(port, reminder + "/schedule?in=2s", "call home");
    assertThat(scheduled.statusCode()).isEqualTo(201);
    Instant due = Instant.parse(json(scheduled).get("due").textValue());
    assertThat(json(NodeFixture.get(port, reminder + "/")).get("pending")).hasSize(1);

    JsonNode reminders =
        TestProbe.create(node.system())
            .awaitAssert(
                Duration.ofSeconds(30),
                Duration.ofMillis(200),
                () -> {
                  JsonNode all = json(NodeFixture.get(port, reminder + "/"));
                  assertThat(all.get("delivered")).as("the reminder fired: %s", all).hasSize(1);
                  return all;
                });
    assertThat(reminders.get("pending")).isEmpty();
    JsonNode delivered = reminders.get("delivered").get(0);
    assertThat(delivered.get("text").textValue()).isEqualTo("call home");
    assertThat(Instant.parse(delivered.get("firedAt").textValue())).isAfterOrEqualTo(due);
  }
}

package io.durableobjects.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.durableobjects.gateway.testing.GatewayNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The gateway admits object requests by the bytes of their bodies too, before reading them: many
 * large requests at once to objects that take their time are held to the node's bound, and the
 * excess is answered at once with 503 and Retry-After (not buffered until the heap runs out). At
 * this scale (64 requests of 1 MiB, a bound of 8 MiB) without the bound every request would be
 * admitted; {@code bin/chaos}-sized runs use the same path.
 */
@Timeout(120)
class InFlightBytesTest {
  private static final int REQUESTS = 64;
  private static final byte[] BODY = new byte[1024 * 1024];

  @Test
  void largeRequestsBeyondTheByteBoundGet503BeforeTheirBodiesAreHeld() throws Exception {
    try (GatewayNode node =
        GatewayNode.start(
            ConfigFactory.parseString(
                """
                durable-objects.http.max-body-size = 1m
                durable-objects.http.max-in-flight-bytes = 8m
                """))) {
      HttpClient client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10))
              .build();
      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        answers.add(
            client.sendAsync(
                HttpRequest.newBuilder(node.uri("/v1/test/by-name/big-" + i + "/slow?ms=3000"))
                    .timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(BODY))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
      }
      Map<Integer, Integer> byStatus = new TreeMap<>();
      for (CompletableFuture<HttpResponse<String>> answer : answers) {
        HttpResponse<String> response = answer.get(90, TimeUnit.SECONDS);
        byStatus.merge(response.statusCode(), 1, Integer::sum);
        if (response.statusCode() == 503) {
          assertThat(response.headers().firstValue("Retry-After")).contains("1");
          assertThat(response.body())
              .contains("\"error\":\"overloaded\"")
              .contains("bytes of request bodies in flight");
        } else {
          assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }
      }

      assertThat(byStatus.getOrDefault(200, 0))
          .as("admitted (answered 200) of %s", byStatus)
          .isBetween(1, 8);
      assertThat(byStatus.getOrDefault(503, 0))
          .as("refused (503) of %s", byStatus)
          .isEqualTo(REQUESTS - byStatus.getOrDefault(200, 0));
      // Every reservation was given back: a large request is admitted again.
      HttpResponse<String> after =
          node.send(
              HttpRequest.newBuilder(node.uri("/v1/test/by-name/big-after/slow?ms=1"))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(BODY)));
      assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
    }
  }
}

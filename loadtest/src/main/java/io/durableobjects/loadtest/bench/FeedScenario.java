package io.durableobjects.loadtest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The {@code feed} scenario: {@value #COUNTERS} counters incremented by {@link #CLIENTS} clients
 * while one change feed per counter ({@code GET /v1/counter/changes/by-name/...}, Server- Sent
 * Events) is open. It measures the feed's latency, from the transaction's commit (the event's
 * {@code time}, the node's clock) to the event's arrival at the client (this process's clock; both
 * on this machine, to the millisecond), and checks that each feed saw every count of its counter
 * once, in order, up to the counter's final value.
 */
final class FeedScenario {
  static final int COUNTERS = 100;

  /** The writing clients: {@code bench.feedClients} (BENCH_FEED_CLIENTS), 1 for a light load. */
  static final int CLIENTS = Integer.getInteger("bench.feedClients", Scenario.FEED.clients);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final BenchStack stack;
  private final String hostPort;
  private int runs;

  FeedScenario(BenchStack stack, String hostPort) {
    this.stack = stack;
    this.hostPort = hostPort;
  }

  BenchReport.Measured run(Duration seconds) throws Exception {
    String prefix = "feed-" + stack.runId + "-" + ++runs + "-";
    List<Feed> feeds = new ArrayList<>();
    ExecutorService readers = Executors.newFixedThreadPool(COUNTERS);
    HttpClient client = HttpClient.newHttpClient();
    try {
      for (int i = 0; i < COUNTERS; i++) {
        Feed feed = new Feed(client, prefix + i);
        feed.open();
        feeds.add(feed);
        readers.submit(feed::read);
      }
      Thread.sleep(1000); // the feeds' subscriptions reach their objects
      HttpLoad.Requests increments =
          LoadRequests.randomOf(COUNTERS, i -> stack.post(counterPath(prefix + i) + "increment"));
      BenchReport.Measured m =
          stack.report.measure(() -> stack.load.run(increments, CLIENTS, seconds), "counter");
      Histogram latency = new Histogram(1, 600_000, 3);
      long events = 0;
      int wrong = 0;
      for (int i = 0; i < COUNTERS; i++) {
        Feed feed = feeds.get(i);
        long expected = finalCount(client, prefix + i);
        feed.awaitCount(expected, Duration.ofSeconds(10));
        synchronized (feed) {
          latency.add(feed.latencyMillis);
          events += feed.counts.size();
          if (!feed.inOrderUpTo(expected)) {
            wrong++;
          }
        }
      }
      stack.note(
          String.format(
              Locale.ROOT,
              "feed: %d events on %d feeds, commit to client p50 %d ms, p99 %d ms, max %d ms;"
                  + " %s",
              events,
              COUNTERS,
              latency.getValueAtPercentile(50),
              latency.getValueAtPercentile(99),
              latency.getMaxValue(),
              wrong == 0
                  ? "every feed saw each count once, in order"
                  : wrong + " feeds missed or repeated a count"));
      if (wrong > 0) {
        stack.failures.add("feed: " + wrong + " feeds missed or repeated a count");
      }
      return m;
    } finally {
      feeds.forEach(Feed::close);
      readers.shutdownNow();
      readers.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private long finalCount(HttpClient client, String name) throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("http://" + hostPort + counterPath(name))).build(),
            HttpResponse.BodyHandlers.ofString());
    return Long.parseLong(response.body().trim());
  }

  private static String counterPath(String name) {
    return "/v1/counter/by-name/" + name + "/";
  }

  /** One open feed and what it received. */
  private final class Feed {
    private final HttpClient client;
    private final String name;
    private final List<Long> counts = new ArrayList<>();
    private final Histogram latencyMillis = new Histogram(1, 600_000, 3);
    private InputStream body;

    Feed(HttpClient client, String name) {
      this.client = client;
      this.name = name;
    }

    void open() throws Exception {
      HttpResponse<InputStream> response =
          client.send(
              HttpRequest.newBuilder(
                      URI.create("http://" + hostPort + "/v1/counter/changes/by-name/" + name))
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "the feed of " + name + " answered " + response.statusCode());
      }
      body = response.body();
    }

    void read() {
      try (BufferedReader lines =
          new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          if (line.startsWith("data:")) {
            long arrived = System.currentTimeMillis();
            JsonNode event = JSON.readTree(line.substring(5).trim());
            long committed = Instant.parse(event.get("time").asText()).toEpochMilli();
            synchronized (this) {
              latencyMillis.recordValue(Math.max(1, arrived - committed));
              counts.add(event.get("put").get(0).get("value").asLong());
              notifyAll();
            }
          }
        }
      } catch (Exception closed) {
        // the scenario closed the feed
      }
    }

    synchronized void awaitCount(long count, Duration within) throws InterruptedException {
      long deadline = System.nanoTime() + within.toNanos();
      while ((counts.isEmpty() || counts.get(counts.size() - 1) < count)
          && System.nanoTime() < deadline) {
        wait(100);
      }
    }

    /** Whether the counts are 1, 2, ... up to {@code count}, each once. */
    synchronized boolean inOrderUpTo(long count) {
      if (counts.size() != count) {
        return false;
      }
      for (int i = 0; i < counts.size(); i++) {
        if (counts.get(i) != i + 1) {
          return false;
        }
      }
      return true;
    }

    void close() {
      try {
        if (body != null) {
          body.close();
        }
      } catch (Exception ignored) {
        // closing anyway
      }
    }
  }
}

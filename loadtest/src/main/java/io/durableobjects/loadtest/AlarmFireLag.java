package io.durableobjects.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sets many alarms due within the same minute, one per object, through the demo's {@code Reminder}
 * example over HTTP, then measures how late each fired: {@code firedAt - due} as the object
 * recorded it. Prints how many fired and the lag's p50, p99 and max; exits 1 unless every alarm
 * fired.
 *
 * <p>System properties: {@code baseUrl} (default http://127.0.0.1:8080), {@code alarms} (10000),
 * {@code windowSeconds} (60: the due times are spread evenly over this window), {@code leadSeconds}
 * (time from the start to the window, enough to set them all; default 60), {@code concurrency} (32
 * requests in flight), {@code token} (a bearer token, if the node requires one), {@code prefix}
 * (object names; default a fresh one per run), {@code graceSeconds} (how long after the window to
 * wait for stragglers; default 120).
 */
public final class AlarmFireLag {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl = System.getProperty("baseUrl", "http://127.0.0.1:8080");
  private final int alarms = Integer.getInteger("alarms", 10_000);
  private final int windowSeconds = Integer.getInteger("windowSeconds", 60);
  private final int leadSeconds = Integer.getInteger("leadSeconds", 60);
  private final int concurrency = Integer.getInteger("concurrency", 32);
  private final int graceSeconds = Integer.getInteger("graceSeconds", 120);
  private final String token = System.getProperty("token", "");
  private final String prefix =
      System.getProperty("prefix", "lag-" + System.currentTimeMillis() + "-");
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final HttpClient client =
      HttpClient.newBuilder().executor(executor).connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) throws Exception {
    int code = new AlarmFireLag().run();
    System.exit(code);
  }

  private int run() throws Exception {
    long windowStart = System.currentTimeMillis() + leadSeconds * 1000L;
    long[] due = new long[alarms];
    for (int i = 0; i < alarms; i++) {
      due[i] = windowStart + (long) i * windowSeconds * 1000L / alarms;
    }
    System.out.printf(
        "Setting %d alarms due from %s over %d s on %s (concurrency %d)%n",
        alarms, Instant.ofEpochMilli(windowStart), windowSeconds, baseUrl, concurrency);
    long setStart = System.nanoTime();
    AtomicInteger failed = new AtomicInteger();
    forEach(
        i -> {
          long in = due[i] - System.currentTimeMillis();
          if (in <= 0) {
            throw new IllegalStateException(
                "setting the alarms took longer than leadSeconds=" + leadSeconds + "; raise it");
          }
          return send(HttpRequest.newBuilder(
                      uri("/v1/reminder/by-name/" + prefix + i + "/schedule?in=" + in + "ms"))
                  .POST(HttpRequest.BodyPublishers.ofString("reminder " + i)))
              .thenApply(
                  response -> {
                    if (response.statusCode() / 100 != 2) {
                      failed.incrementAndGet();
                      System.err.println(
                          "schedule " + i + ": " + response.statusCode() + " " + response.body());
                    }
                    return null;
                  });
        });
    double setSeconds = (System.nanoTime() - setStart) / 1e9;
    System.out.printf(
        "Set %d alarms in %.1f s (%.0f/s), %d failed%n",
        alarms - failed.get(), setSeconds, alarms / setSeconds, failed.get());
    if (failed.get() > 0) {
      return 1;
    }

    long last = due[alarms - 1];
    sleepUntil(last + 5_000);
    long[] lag = new long[alarms];
    Arrays.fill(lag, -1);
    long deadline = last + graceSeconds * 1000L;
    List<Integer> missing = indices();
    while (!missing.isEmpty()) {
      List<Integer> stillMissing = java.util.Collections.synchronizedList(new ArrayList<>());
      List<Integer> round = missing;
      forEach(
          k -> {
            int i = round.get(k);
            return send(HttpRequest.newBuilder(uri("/v1/reminder/by-name/" + prefix + i + "/"))
                    .GET())
                .thenApply(
                    response -> {
                      JsonNode delivered = readDelivered(response);
                      if (delivered == null || delivered.isEmpty()) {
                        stillMissing.add(i);
                      } else {
                        JsonNode first = delivered.get(0);
                        lag[i] =
                            Instant.parse(first.path("firedAt").asText()).toEpochMilli()
                                - Instant.parse(first.path("due").asText()).toEpochMilli();
                      }
                      return null;
                    });
          },
          round.size());
      missing = stillMissing;
      if (missing.isEmpty() || System.currentTimeMillis() > deadline) {
        break;
      }
      System.out.printf("%d not fired yet; checking again in 5 s%n", missing.size());
      Thread.sleep(5_000);
    }
    long[] fired = Arrays.stream(lag).filter(l -> l >= 0).sorted().toArray();
    System.out.printf(
        "Alarms fired: %d of %d; lag from due time to firing: p50 %d ms, p99 %d ms, max %d ms, min %d ms%n",
        fired.length,
        alarms,
        percentile(fired, 0.50),
        percentile(fired, 0.99),
        fired.length == 0 ? -1 : fired[fired.length - 1],
        fired.length == 0 ? -1 : fired[0]);
    printNodeAlarmMetrics();
    executor.shutdownNow();
    return fired.length == alarms ? 0 : 1;
  }

  /** The node's own alarm counters (wake-ups by the index, fired, retried, dropped). */
  private void printNodeAlarmMetrics() {
    try {
      HttpResponse<String> metrics = send(HttpRequest.newBuilder(uri("/metrics")).GET()).join();
      metrics
          .body()
          .lines()
          .filter(line -> line.startsWith("durable_objects_alarms_") && !line.contains("_bucket"))
          .filter(
              line ->
                  line.contains("reminder") || line.startsWith("durable_objects_alarms_wakeups"))
          .forEach(line -> System.out.println("node: " + line));
    } catch (RuntimeException e) {
      System.out.println("could not read the node's /metrics: " + e);
    }
  }

  private List<Integer> indices() {
    List<Integer> all = new ArrayList<>(alarms);
    for (int i = 0; i < alarms; i++) {
      all.add(i);
    }
    return all;
  }

  private interface Call {
    CompletableFuture<Void> start(int i);
  }

  private void forEach(Call call) throws InterruptedException {
    forEach(call, alarms);
  }

  /** Runs {@code call} for 0..n-1 with at most {@code concurrency} in flight. */
  private void forEach(Call call, int n) throws InterruptedException {
    Semaphore permits = new Semaphore(concurrency);
    for (int i = 0; i < n; i++) {
      permits.acquire();
      int index = i;
      CompletableFuture<Void> started;
      try {
        started = call.start(index);
      } catch (RuntimeException e) {
        permits.release();
        throw e;
      }
      started.whenComplete(
          (ok, failure) -> {
            if (failure != null) {
              System.err.println("request " + index + " failed: " + failure);
            }
            permits.release();
          });
    }
    permits.acquire(concurrency);
  }

  private CompletableFuture<HttpResponse<String>> send(HttpRequest.Builder request) {
    if (!token.isEmpty()) {
      request.header("Authorization", "Bearer " + token);
    }
    return client.sendAsync(
        request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode readDelivered(HttpResponse<String> response) {
    if (response.statusCode() != 200) {
      return null;
    }
    try {
      return JSON.readTree(response.body()).path("delivered");
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private URI uri(String path) {
    return URI.create(baseUrl + path);
  }

  private static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return -1;
    }
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static void sleepUntil(long epochMillis) throws InterruptedException {
    long wait = epochMillis - System.currentTimeMillis();
    if (wait > 0) {
      System.out.printf("Waiting %d s for the window to pass%n", wait / 1000);
      Thread.sleep(wait);
    }
  }
}

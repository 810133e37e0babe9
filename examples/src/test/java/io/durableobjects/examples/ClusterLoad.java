package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.testsupport.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Steady load on a cluster's gateways: client threads increment counters ({@code POST
 * /v1/counter/by-name/<object>/increment}) one request at a time each, on random objects, through
 * the nodes a load balancer would route to: those whose {@code /health/ready} answers 200 (polled
 * every 100 ms, as a Kubernetes readiness probe would, only faster), minus any the test takes out.
 * Every request's outcome is recorded, so that a test can check that no acknowledged increment was
 * lost and measure how long objects were unavailable.
 */
final class ClusterLoad implements AutoCloseable {
  /** What one request got: an HTTP status, or {@link #NO_ANSWER} (timeout or connection error). */
  record Outcome(
      String object,
      int port,
      long startMillis,
      long endMillis,
      int status,
      String body,
      String retryAfter) {
    boolean ok() {
      return status == 200;
    }

    long latencyMillis() {
      return endMillis - startMillis;
    }
  }

  static final int NO_ANSWER = -1;

  /** A request without an answer for this long counts as hanging. */
  static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(20);

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final int[] ports;
  private final List<String> objects;
  private final Set<Integer> ready = ConcurrentHashMap.newKeySet();
  private final Set<Integer> excluded = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();
  private final long epoch = System.currentTimeMillis();

  ClusterLoad(int[] ports, List<String> objects) {
    this.ports = ports.clone();
    this.objects = List.copyOf(objects);
  }

  /** Starts the readiness pollers and {@code clients} client threads. */
  ClusterLoad start(int clients) throws InterruptedException {
    for (int port : ports) {
      threads.add(daemon("ready-poller-" + port, () -> pollReadiness(port)));
    }
    Await.until(
        "every node ready for the load",
        Duration.ofSeconds(10),
        () -> ready.size() == ports.length);
    for (int i = 0; i < clients; i++) {
      threads.add(daemon("client-" + i, this::sendUntilStopped));
    }
    return this;
  }

  /** Milliseconds since this load was created: the clock of every {@link Outcome}. */
  long now() {
    return System.currentTimeMillis() - epoch;
  }

  /** Routes nothing more to {@code port} (as a load balancer told that the node is going away). */
  void exclude(int port) {
    excluded.add(port);
  }

  /** Routes to {@code port} again once it is ready. */
  void include(int port) {
    excluded.remove(port);
  }

  /**
   * Per object, when (on this load's clock) its first acknowledged request among those that started
   * at or after {@code since} was answered; objects without one are absent.
   */
  Map<String, Long> firstSuccessesSince(long since) {
    Map<String, Long> first = new TreeMap<>();
    for (Outcome o : outcomes) {
      if (o.ok() && o.startMillis() >= since) {
        first.merge(o.object(), o.endMillis(), Math::min);
      }
    }
    return first;
  }

  /**
   * Waits until {@code more} requests beyond those answered so far are acknowledged: the load has
   * run long enough to measure (instead of sleeping for a guess of how long that takes).
   */
  void awaitAcknowledged(int more) throws InterruptedException {
    long target = acknowledged() + more;
    Await.until(
        more + " more increments acknowledged",
        Duration.ofSeconds(60),
        () -> acknowledged() >= target);
  }

  /**
   * Waits until {@code more} requests that started at or after {@code since} were acknowledged by
   * the node on {@code port}.
   */
  void awaitAcknowledgedBy(int port, long since, int more) throws InterruptedException {
    Await.until(
        more + " increments acknowledged by the node on port " + port,
        Duration.ofSeconds(60),
        () ->
            outcomes.stream()
                    .filter(o -> o.ok() && o.port() == port && o.startMillis() >= since)
                    .count()
                >= more);
  }

  private long acknowledged() {
    return outcomes.stream().filter(Outcome::ok).count();
  }

  /** Stops the clients, waiting for the requests in flight to finish, and returns every outcome. */
  List<Outcome> stop() throws InterruptedException {
    running.set(false);
    for (Thread thread : threads) {
      thread.join(CLIENT_TIMEOUT.plusSeconds(5).toMillis());
    }
    return List.copyOf(outcomes);
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  private void pollReadiness(int port) {
    HttpRequest probe =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
            .timeout(Duration.ofSeconds(1))
            .build();
    while (running.get()) {
      boolean up;
      try {
        up = client.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (Exception e) {
        up = false;
      }
      if (up) {
        ready.add(port);
      } else {
        ready.remove(port);
      }
      sleep(100);
    }
  }

  private void sendUntilStopped() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (running.get()) {
      List<Integer> routable =
          ready.stream().filter(p -> !excluded.contains(p)).collect(Collectors.toList());
      if (routable.isEmpty()) {
        sleep(20);
        continue;
      }
      int port = routable.get(random.nextInt(routable.size()));
      String object = objects.get(random.nextInt(objects.size()));
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create(
                      "http://127.0.0.1:" + port + "/v1/counter/by-name/" + object + "/increment"))
              .timeout(CLIENT_TIMEOUT)
              // A careful client: the object applies the increment at most once, so the node may
              // send it again while the object moves between nodes.
              .header("Idempotency-Key", UUID.randomUUID().toString())
              .POST(HttpRequest.BodyPublishers.noBody())
              .build();
      long start = now();
      try {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        outcomes.add(
            new Outcome(
                object,
                port,
                start,
                now(),
                response.statusCode(),
                response.body(),
                response.headers().firstValue("Retry-After").orElse(null)));
        if (response.statusCode() != 200) {
          sleep(50); // a client backs off a little before its next request
        }
      } catch (HttpTimeoutException e) {
        outcomes.add(new Outcome(object, port, start, now(), NO_ANSWER, "timeout", null));
      } catch (Exception e) {
        outcomes.add(new Outcome(object, port, start, now(), NO_ANSWER, e.toString(), null));
      }
    }
  }

  /** Outcomes counted by status ({@code -1}: no answer). */
  static Map<Integer, Long> byStatus(List<Outcome> outcomes) {
    return outcomes.stream()
        .collect(Collectors.groupingBy(Outcome::status, TreeMap::new, Collectors.counting()));
  }

  /**
   * The latency at {@code percentile} (0..100) of the acknowledged requests among {@code outcomes}.
   */
  static long latencyPercentile(List<Outcome> outcomes, double percentile) {
    long[] sorted =
        outcomes.stream().filter(Outcome::ok).mapToLong(Outcome::latencyMillis).sorted().toArray();
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(percentile / 100 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  /** Increments each of {@code objects} once, in turn, through the node on {@code port}. */
  static void incrementEach(int port, List<String> objects) throws Exception {
    for (String object : objects) {
      assertThat(
              NodeFixture.post(port, "/v1/counter/by-name/" + object + "/increment").statusCode())
          .as("first increment of %s", object)
          .isEqualTo(200);
    }
  }

  /**
   * Reads every object's count and checks it against what the clients saw: each acknowledged
   * increment answered a distinct count, none above the final one, and the final count is at most
   * the acknowledged increments plus the unanswered or failed ones (which may or may not have
   * applied), {@code before} being the increments each object had before the load.
   */
  static void assertNoAcknowledgedIncrementLost(
      int port, List<String> objects, long before, List<Outcome> outcomes) throws Exception {
    Map<String, List<Outcome>> byObject = new HashMap<>();
    outcomes.forEach(o -> byObject.computeIfAbsent(o.object(), k -> new ArrayList<>()).add(o));
    for (String object : objects) {
      List<Outcome> sent = byObject.getOrDefault(object, List.of());
      List<Long> acknowledged =
          sent.stream().filter(Outcome::ok).map(o -> Long.parseLong(o.body())).sorted().toList();
      long uncertain = sent.stream().filter(o -> !o.ok()).count();
      long count =
          Long.parseLong(NodeFixture.get(port, "/v1/counter/by-name/" + object + "/").body());
      assertThat(acknowledged).as("counts acknowledged by %s", object).doesNotHaveDuplicates();
      if (!acknowledged.isEmpty()) {
        assertThat(count)
            .as("count of %s", object)
            .isGreaterThanOrEqualTo(acknowledged.get(acknowledged.size() - 1));
      }
      assertThat(count)
          .as("count of %s", object)
          .isBetween(before + acknowledged.size(), before + acknowledged.size() + uncertain);
    }
  }

  private static Thread daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

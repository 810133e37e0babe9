package io.durableobjects.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.gateway.testing.GatewayNode;
import io.durableobjects.gateway.testing.RawHttp;
import io.durableobjects.gateway.testing.TestObject;
import io.durableobjects.testsupport.Await;
import io.durableobjects.testsupport.TimeFactor;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node shut down ({@code DurableObjectsServer.close()}, i.e. Pekko CoordinatedShutdown) while
 * requests are in flight and new ones keep coming, over raw sockets so that the test knows exactly
 * when each request was written:
 *
 * <ul>
 *   <li>50 slow requests ({@code /slow?ms=1500}, 50 objects) in flight when the shutdown starts all
 *       complete, with 200 or a clean 503 (JSON error, {@code Retry-After}), none hangs;
 *   <li>requests that keep arriving during the shutdown, on new and on kept-alive connections, get
 *       200 or a clean 503, or, <em>only</em> if written after the unbind could have happened, a
 *       refused or closed connection;
 *   <li>{@code /health/ready}, whenever it is still reachable after readiness was turned off (after
 *       CoordinatedShutdown's phase {@code before-service-unbind}), answers 503, never 200;
 *   <li>increments acknowledged during the shutdown were applied in order (no value twice);
 *   <li>requests still running when the drain time ({@code durable-objects.http.shutdown-drain}) is
 *       over get a clean 503 at its end (second test).
 * </ul>
 *
 * <p>When the unbind can happen: the gateway unbinds in phase {@code service-unbind}, which starts
 * after every {@code before-service-unbind} task is done. The test adds its own tasks to mark when
 * the phases start. A request whose connection was established at least {@link #ACCEPT_MARGIN_MS}
 * before phase {@code service-unbind} started must be answered (the margin covers a connection
 * still in the kernel's accept queue, which closing the listening socket resets). Later requests
 * may see "connection refused" (port closed) or a connection closed without an answer (reset from
 * the accept queue, or an idle kept-alive connection closed by the server's termination).
 *
 * <p>Not tested: that increments acknowledged before and during the shutdown survive a restart. The
 * test node journals to Pekko's in-memory persistence testkit, whose storage belongs to the
 * ActorSystem and is gone with it; that durability belongs to the Cassandra integration tests.
 */
class GracefulShutdownTest {
  private static final int SLOW_REQUESTS = 50;
  private static final int SLOW_MS = 1500;
  private static final int TIMEOUT_MS = SLOW_MS + 5_000;
  private static final long ACCEPT_MARGIN_MS = 50;
  private static final int PIPELINED = 5;

  /** Requests each traffic loop has sent before the shutdown begins: the traffic is steady. */
  private static final int STEADY = 10;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request's outcome, with its timing. */
  private record Outcome(
      String label, RawHttp.Timing timing, RawHttp.Response response, Exception failure) {

    boolean refused() {
      return failure instanceof ConnectException;
    }

    String describe(long t0) {
      return label
          + " [connect "
          + ms(timing.connectStartNanos, t0)
          + ", connected "
          + ms(timing.connectedNanos, t0)
          + ", written "
          + ms(timing.writtenNanos, t0)
          + ", done "
          + ms(timing.doneNanos, t0)
          + " ms after close()]: "
          + (response != null ? response.describe().replace("\n", " |") : "no answer: " + failure);
    }
  }

  /** Phase start times (System.nanoTime) recorded by tasks the test adds to CoordinatedShutdown. */
  private static final class Phases {
    final AtomicLong beforeServiceUnbind = new AtomicLong();
    final AtomicLong serviceUnbind = new AtomicLong();
    final AtomicLong serviceRequestsDone = new AtomicLong();
    final AtomicLong serviceStop = new AtomicLong();

    /** Counted down once {@link #serviceUnbind} is set. */
    final CountDownLatch serviceUnbindStarted = new CountDownLatch(1);
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void inFlightRequestsFinishAndNewOnesAreRefusedCleanly() throws Exception {
    GatewayNode node = GatewayNode.start();
    boolean closed = false;
    ExecutorService pool = Executors.newCachedThreadPool();
    try {
      int port = node.port();
      for (int i = 0; i < SLOW_REQUESTS; i++) {
        assertThat(node.get("/v1/test/by-name/x" + i + "/count").statusCode()).isEqualTo(200);
      }
      for (String warm : List.of("inc0", "inc1", "inc2", "inc-ka")) {
        assertThat(node.get("/v1/test/by-name/" + warm + "/count").statusCode()).isEqualTo(200);
      }
      HttpResponse<String> ready = node.get("/health/ready");
      assertThat(ready.statusCode())
          .as("ready before the shutdown: %s", ready.body())
          .isEqualTo(200);
      Phases phases = markPhases(node);

      // Traffic that keeps coming, from before the slow requests until the node is gone:
      // increments and readiness probes, new and kept-alive connections.
      AtomicBoolean stop = new AtomicBoolean();
      List<Outcome> increments = Collections.synchronizedList(new ArrayList<>());
      List<Outcome> keptAlive = Collections.synchronizedList(new ArrayList<>());
      List<Outcome> probes = Collections.synchronizedList(new ArrayList<>());
      List<Outcome> keptAliveProbes = Collections.synchronizedList(new ArrayList<>());
      List<Future<?>> loops = new ArrayList<>();
      for (int k = 0; k < 3; k++) {
        String path = "/v1/test/by-name/inc" + k + "/increment";
        loops.add(pool.submit(() -> newConnectionLoop(port, "POST", path, stop, increments, 5)));
      }
      loops.add(
          pool.submit(() -> newConnectionLoop(port, "GET", "/health/ready", stop, probes, 5)));
      loops.add(
          pool.submit(
              () ->
                  keptAliveLoop(
                      port, "POST", "/v1/test/by-name/inc-ka/increment", stop, keptAlive)));
      loops.add(
          pool.submit(() -> keptAliveLoop(port, "GET", "/health/ready", stop, keptAliveProbes)));
      Await.until(
          "traffic flowing on every loop (several requests answered on each)",
          Duration.ofSeconds(10),
          () ->
              increments.size() >= 3 * STEADY
                  && keptAlive.size() >= STEADY
                  && probes.size() >= STEADY
                  && keptAliveProbes.size() >= STEADY);

      // 50 slow requests, each on its own connection; on the last few connections a second
      // request follows (pipelined) once the shutdown has begun.
      List<RawHttp.Timing> slowTimings = new ArrayList<>();
      List<Future<Outcome>> slow = new ArrayList<>();
      List<Future<Outcome>> pipelined = new ArrayList<>();
      for (int i = 0; i < SLOW_REQUESTS; i++) {
        RawHttp.Timing timing = new RawHttp.Timing();
        slowTimings.add(timing);
        String path = "/v1/test/by-name/x" + i + "/slow?ms=" + SLOW_MS;
        if (i < SLOW_REQUESTS - PIPELINED) {
          slow.add(pool.submit(() -> send(port, "GET", path, timing, TIMEOUT_MS)));
        } else {
          CompletableFuture<Outcome> second = new CompletableFuture<>();
          pipelined.add(second);
          String next = "/v1/test/by-name/x" + i + "/count";
          slow.add(pool.submit(() -> sendPipelined(port, path, next, timing, phases, second)));
        }
      }
      Await.until(
          "all slow requests written",
          Duration.ofSeconds(10),
          () -> slowTimings.stream().allMatch(t -> t.writtenNanos != 0));
      assertThat(slowTimings).allMatch(t -> t.writtenNanos != 0, "written");
      awaitSlowRunning("x", SLOW_REQUESTS); // the slow requests run in their objects

      long t0 = System.nanoTime();
      CompletableFuture<Long> closing =
          CompletableFuture.supplyAsync(
              () -> {
                node.server().close();
                return System.nanoTime();
              },
              pool);
      List<Outcome> slowOutcomes = new ArrayList<>();
      for (Future<Outcome> f : slow) {
        slowOutcomes.add(f.get(TIMEOUT_MS + 5_000, TimeUnit.MILLISECONDS));
      }
      long closedAt = closing.get(60, TimeUnit.SECONDS);
      closed = true;
      stop.set(true);
      for (Future<?> loop : loops) {
        loop.get(TIMEOUT_MS + 5_000, TimeUnit.MILLISECONDS);
      }

      long unbindPhase = phases.serviceUnbind.get();
      long mustAnswerBefore = unbindPhase - TimeUnit.MILLISECONDS.toNanos(ACCEPT_MARGIN_MS);
      String timeline =
          String.format(
              "timeline (ms after close() was called): before-service-unbind %s, service-unbind"
                  + " %s, service-requests-done %s, service-stop %s, close() returned %s",
              ms(phases.beforeServiceUnbind.get(), t0),
              ms(unbindPhase, t0),
              ms(phases.serviceRequestsDone.get(), t0),
              ms(phases.serviceStop.get(), t0),
              ms(closedAt, t0));
      System.out.println("GracefulShutdownTest: " + timeline);
      assertThat(unbindPhase).as("phase service-unbind ran").isNotZero();

      List<String> problems = new ArrayList<>();
      // In-flight slow requests: all answered, 200 or a clean 503.
      int slowOk = 0;
      int slow503 = 0;
      for (Outcome o : slowOutcomes) {
        if (o.response() != null && o.response().status() == 200) {
          if (!o.response().bodyText().equals("slept " + SLOW_MS)) {
            problems.add("slow request answered 200 with a wrong body: " + o.describe(t0));
          }
          slowOk++;
        } else if (o.response() != null && o.response().status() == 503) {
          checkClean503(o, t0, problems);
          slow503++;
        } else {
          problems.add("in-flight slow request not answered 200 or 503: " + o.describe(t0));
        }
      }

      // Traffic during the shutdown.
      List<Outcome> traffic = new ArrayList<>();
      traffic.addAll(increments);
      traffic.addAll(keptAlive);
      for (Future<Outcome> f : pipelined) {
        traffic.add(f.get(1, TimeUnit.SECONDS));
      }
      int answeredAfterUnbind = 0;
      int refusedOrClosed = 0;
      for (Outcome o : traffic) {
        if (o.response() == null) {
          if (mustAnswer(o, mustAnswerBefore)
              || !(o.failure() instanceof ConnectException
                  || o.failure() instanceof RawHttp.NoResponseException)) {
            problems.add("request not answered: " + o.describe(t0));
          } else {
            refusedOrClosed++;
          }
          continue;
        }
        if (o.timing().writtenNanos >= unbindPhase) {
          answeredAfterUnbind++;
        }
        int status = o.response().status();
        if (status == 503) {
          checkClean503(o, t0, problems);
        } else if (status != 200) {
          problems.add("request answered neither 200 nor 503: " + o.describe(t0));
        }
      }

      // Acknowledged increments are in order, each value once, per object.
      for (String object : List.of("inc0", "inc1", "inc2", "inc-ka")) {
        long previous = 0;
        for (Outcome o : traffic) {
          if (o.label().contains("/" + object + "/")
              && o.response() != null
              && o.response().status() == 200) {
            long value = Long.parseLong(o.response().bodyText().trim());
            if (value <= previous) {
              problems.add(
                  "increment of " + object + " acknowledged " + value + " after " + previous);
            }
            previous = value;
          }
        }
      }

      // Readiness: 503 (not 200) once readiness was turned off, whenever reachable.
      List<Outcome> allProbes = new ArrayList<>(probes);
      allProbes.addAll(keptAliveProbes);
      int ready200Before = 0;
      int ready503After = 0;
      for (Outcome o : allProbes) {
        if (o.response() == null) {
          if (mustAnswer(o, mustAnswerBefore)) {
            problems.add("/health/ready not answered: " + o.describe(t0));
          }
          continue;
        }
        int status = o.response().status();
        // "Before" means answered before close() was called: a probe written just before it may
        // be read once readiness is already off (a loaded machine), and then 503 is right.
        if (o.timing().writtenNanos != 0 && o.timing().doneNanos < t0) {
          if (status == 200) {
            ready200Before++;
          } else {
            problems.add("/health/ready before the shutdown not 200: " + o.describe(t0));
          }
        } else if (o.timing().writtenNanos >= unbindPhase) {
          if (status == 503) {
            ready503After++;
            checkNotReady(o, t0, problems);
          } else {
            problems.add("/health/ready during the shutdown not 503: " + o.describe(t0));
          }
        } else if (status != 200 && status != 503) {
          problems.add(
              "/health/ready while shutdown starts neither 200 nor 503: " + o.describe(t0));
        }
      }

      String summary =
          String.format(
              "slow in flight: %d x 200, %d x 503; traffic during shutdown: %d requests, %d"
                  + " answered though written after phase service-unbind started, %d refused or"
                  + " closed; /health/ready: %d x 200 before, %d x 503 after readiness off",
              slowOk,
              slow503,
              traffic.size(),
              answeredAfterUnbind,
              refusedOrClosed,
              ready200Before,
              ready503After);
      System.out.println("GracefulShutdownTest: " + summary);
      if (Boolean.getBoolean("shutdown.verbose")) {
        List<Outcome> all = new ArrayList<>(traffic);
        all.addAll(allProbes);
        all.sort(
            (a, b) -> Long.compare(a.timing().connectStartNanos, b.timing().connectStartNanos));
        all.forEach(o -> System.out.println("  " + o.describe(t0)));
      }
      assertThat(problems)
          .as("%s%n%s%nproblems:%n  %s", timeline, summary, String.join("\n  ", problems))
          .isEmpty();
      assertThat(TimeUnit.NANOSECONDS.toMillis(closedAt - t0))
          .as("close() took too long; %s", timeline)
          .isLessThan(30_000);
    } finally {
      if (!closed) {
        node.close();
      }
      pool.shutdownNow();
    }
  }

  /**
   * Requests still running when the drain time ({@code durable-objects.http.shutdown-drain}, here 1
   * s) is over are answered at its end, with a clean 503 (JSON error, {@code Retry-After}), not
   * left hanging until the object answers.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void requestsOutlastingTheDrainGetACleanServiceUnavailable() throws Exception {
    int objectMs = 6_000;
    GatewayNode node =
        GatewayNode.start(ConfigFactory.parseString("durable-objects.http.shutdown-drain = 1s"));
    boolean closed = false;
    ExecutorService pool = Executors.newCachedThreadPool();
    try {
      int port = node.port();
      List<RawHttp.Timing> timings = new ArrayList<>();
      List<Future<Outcome>> slow = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        assertThat(node.get("/v1/test/by-name/d" + i + "/count").statusCode()).isEqualTo(200);
        RawHttp.Timing timing = new RawHttp.Timing();
        timings.add(timing);
        String path = "/v1/test/by-name/d" + i + "/slow?ms=" + objectMs;
        slow.add(pool.submit(() -> send(port, "GET", path, timing, objectMs + 5_000)));
      }
      Await.until(
          "all slow requests written",
          Duration.ofSeconds(10),
          () -> timings.stream().allMatch(t -> t.writtenNanos != 0));
      awaitSlowRunning("d", 5);
      long t0 = System.nanoTime();
      CompletableFuture<Void> closing = CompletableFuture.runAsync(node::close, pool);
      List<String> problems = new ArrayList<>();
      for (Future<Outcome> f : slow) {
        Outcome o = f.get(objectMs + 10_000, TimeUnit.MILLISECONDS);
        long answeredMs = TimeUnit.NANOSECONDS.toMillis(o.timing().doneNanos - t0);
        if (o.response() == null) {
          problems.add("not answered: " + o.describe(t0));
        } else if (o.response().status() != 503) {
          problems.add("not 503 although the drain (1 s) ended first: " + o.describe(t0));
        } else {
          checkClean503(o, t0, problems);
          if (answeredMs > 4_000) {
            problems.add("answered only " + answeredMs + " ms after close(): " + o.describe(t0));
          }
        }
      }
      closing.get(60, TimeUnit.SECONDS);
      closed = true;
      assertThat(problems)
          .as("requests outlasting the drain:%n  %s", String.join("\n  ", problems))
          .isEmpty();
    } finally {
      if (!closed) {
        node.close();
      }
      pool.shutdownNow();
    }
  }

  /**
   * Whether the request's connection was established, and the request written, early enough before
   * the unbind that the server must answer it.
   */
  private static boolean mustAnswer(Outcome o, long mustAnswerBefore) {
    RawHttp.Timing t = o.timing();
    return t.connectedNanos != 0
        && t.connectedNanos < mustAnswerBefore
        && t.writtenNanos != 0
        && t.writtenNanos < mustAnswerBefore;
  }

  private static Phases markPhases(GatewayNode node) {
    Phases phases = new Phases();
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(node.server().system());
    mark(shutdown, CoordinatedShutdown.PhaseBeforeServiceUnbind(), phases.beforeServiceUnbind);
    mark(shutdown, CoordinatedShutdown.PhaseServiceUnbind(), phases.serviceUnbind);
    shutdown.addTask(
        CoordinatedShutdown.PhaseServiceUnbind(),
        "test-latch-service-unbind",
        () -> {
          // After mark's task has set serviceUnbind (the tasks of a phase may run in any order).
          phases.serviceUnbind.compareAndSet(0, System.nanoTime());
          phases.serviceUnbindStarted.countDown();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    mark(shutdown, CoordinatedShutdown.PhaseServiceRequestsDone(), phases.serviceRequestsDone);
    mark(shutdown, CoordinatedShutdown.PhaseServiceStop(), phases.serviceStop);
    return phases;
  }

  private static void mark(CoordinatedShutdown shutdown, String phase, AtomicLong at) {
    shutdown.addTask(
        phase,
        "test-mark-" + phase,
        () -> {
          at.compareAndSet(0, System.nanoTime());
          return CompletableFuture.completedFuture(Done.getInstance());
        });
  }

  /**
   * Waits until the objects {@code prefix0} to {@code prefix<count-1>} each run a {@code /slow}
   * request: the requests have reached their objects.
   */
  private static void awaitSlowRunning(String prefix, int count) throws InterruptedException {
    Await.until(
        "the slow requests running in objects " + prefix + "0.." + prefix + (count - 1),
        Duration.ofSeconds(10),
        () -> IntStream.range(0, count).allMatch(i -> TestObject.slowRunning(prefix + i) > 0));
  }

  private static void checkClean503(Outcome o, long t0, List<String> problems) {
    RawHttp.Response r = o.response();
    String retryAfter = r.header("Retry-After");
    if (retryAfter == null || !retryAfter.matches("\\d+")) {
      problems.add("503 without Retry-After: " + o.describe(t0));
    }
    checkJsonError(o, t0, problems);
  }

  private static void checkNotReady(Outcome o, long t0, List<String> problems) {
    JsonNode body = checkJsonError(o, t0, problems);
    if (body != null && !body.path("error").asText().equals("not_ready")) {
      problems.add("/health/ready 503 without error not_ready: " + o.describe(t0));
    }
  }

  private static JsonNode checkJsonError(Outcome o, long t0, List<String> problems) {
    RawHttp.Response r = o.response();
    String type = r.header("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      problems.add(r.status() + " not application/json: " + o.describe(t0));
      return null;
    }
    try {
      JsonNode body = JSON.readTree(r.body());
      if (body == null || !body.path("error").isTextual() || !body.path("message").isTextual()) {
        problems.add(r.status() + " body not {error, message}: " + o.describe(t0));
        return null;
      }
      if (r.headers("X-Request-Id").size() != 1) {
        problems.add(r.status() + " without exactly one X-Request-Id: " + o.describe(t0));
      }
      return body;
    } catch (IOException e) {
      problems.add(r.status() + " body not JSON: " + o.describe(t0));
      return null;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Clients

  private static byte[] request(String method, String path, boolean keepAlive) {
    return RawHttp.latin1(
        method
            + " "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + (keepAlive ? "" : "Connection: close\r\n")
            + (method.equals("POST") ? "Content-Length: 0\r\n" : "")
            + "\r\n");
  }

  /** One request on a new connection; never throws, the failure is in the outcome. */
  private static Outcome send(
      int port, String method, String path, RawHttp.Timing timing, int timeoutMs) {
    String label = method + " " + path + " (new connection)";
    try {
      RawHttp.Exchange e =
          RawHttp.exchange(
              "127.0.0.1",
              port,
              request(method, path, false),
              new byte[0],
              false,
              false,
              timeoutMs,
              timing);
      return new Outcome(label, timing, e.response(), null);
    } catch (IOException e) {
      return new Outcome(label, timing, null, e);
    }
  }

  /**
   * The slow request {@code path}; once phase {@code service-unbind} has started (the shutdown is
   * under way), a second request {@code next} on the same connection, whose outcome completes
   * {@code second}.
   */
  private static Outcome sendPipelined(
      int port,
      String path,
      String next,
      RawHttp.Timing timing,
      Phases phases,
      CompletableFuture<Outcome> second) {
    String label = "GET " + path + " (then " + next + " on the same connection)";
    String nextLabel = "GET " + next + " (pipelined after " + path + ")";
    RawHttp.Timing nextTiming = new RawHttp.Timing();
    try (Socket socket = new Socket()) {
      timing.connectStartNanos = System.nanoTime();
      socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
      timing.connectedNanos = System.nanoTime();
      nextTiming.connectStartNanos = timing.connectStartNanos;
      nextTiming.connectedNanos = timing.connectedNanos;
      socket.setSoTimeout(TIMEOUT_MS);
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      out.write(request("GET", path, true));
      out.flush();
      timing.writtenNanos = System.nanoTime();
      // The second request goes out as soon as the unbind phase starts (or after 10 s anyway).
      phases.serviceUnbindStarted.await(TimeFactor.seconds(10).toMillis(), TimeUnit.MILLISECONDS);
      try {
        out.write(request("GET", next, true));
        out.flush();
        nextTiming.writtenNanos = System.nanoTime();
      } catch (IOException e) {
        // The connection is already half gone; the first answer may still be readable.
      }
      Outcome first;
      try {
        first = new Outcome(label, timing, RawHttp.read(in, false), null);
      } catch (IOException e) {
        first = new Outcome(label, timing, null, e);
      } finally {
        timing.doneNanos = System.nanoTime();
      }
      try {
        second.complete(new Outcome(nextLabel, nextTiming, RawHttp.read(in, false), null));
      } catch (IOException e) {
        second.complete(new Outcome(nextLabel, nextTiming, null, e));
      } finally {
        nextTiming.doneNanos = System.nanoTime();
      }
      return first;
    } catch (IOException | InterruptedException e) {
      second.complete(new Outcome(nextLabel, nextTiming, null, new IOException("not sent", e)));
      return new Outcome(
          label, timing, null, e instanceof IOException io ? io : new IOException(e));
    }
  }

  /** Sends on new connections until {@code stop}, or the port is closed. */
  private static Void newConnectionLoop(
      int port, String method, String path, AtomicBoolean stop, List<Outcome> out, int pauseMs)
      throws InterruptedException {
    while (!stop.get()) {
      Outcome o = send(port, method, path, new RawHttp.Timing(), TIMEOUT_MS);
      out.add(o);
      if (o.refused()) {
        return null;
      }
      // The pace of this client (traffic that keeps coming), not a wait for a condition.
      Thread.sleep(pauseMs);
    }
    return null;
  }

  /**
   * Sends on one kept-alive connection, one request at a time; when the server closes it, goes on
   * with a new one, until {@code stop} or the port is closed.
   */
  private static Void keptAliveLoop(
      int port, String method, String path, AtomicBoolean stop, List<Outcome> out)
      throws InterruptedException {
    String label = method + " " + path + " (kept-alive connection)";
    while (!stop.get()) {
      RawHttp.Timing connectTiming = new RawHttp.Timing();
      Socket socket = new Socket();
      try {
        connectTiming.connectStartNanos = System.nanoTime();
        socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
        connectTiming.connectedNanos = System.nanoTime();
        socket.setSoTimeout(TIMEOUT_MS);
        InputStream in = new BufferedInputStream(socket.getInputStream());
        OutputStream os = socket.getOutputStream();
        long connected = connectTiming.connectedNanos;
        boolean open = true;
        while (open && !stop.get()) {
          RawHttp.Timing timing = new RawHttp.Timing();
          timing.connectStartNanos = connectTiming.connectStartNanos;
          timing.connectedNanos = connected;
          try {
            os.write(request(method, path, true));
            os.flush();
            timing.writtenNanos = System.nanoTime();
            RawHttp.Response r = RawHttp.read(in, false);
            timing.doneNanos = System.nanoTime();
            out.add(new Outcome(label, timing, r, null));
            String connection = r.header("Connection");
            open = connection == null || !connection.equalsIgnoreCase("close");
          } catch (SocketTimeoutException e) {
            timing.doneNanos = System.nanoTime();
            out.add(new Outcome(label, timing, null, e));
            open = false;
          } catch (IOException e) {
            timing.doneNanos = System.nanoTime();
            if (timing.writtenNanos == 0) {
              // The server closed the idle connection before this request went out: not a
              // request the server ever saw. Reconnect.
              open = false;
              continue;
            }
            out.add(
                new Outcome(label, timing, null, new RawHttp.NoResponseException(e.toString(), e)));
            open = false;
          }
          // The pace of this client (traffic that keeps coming), not a wait for a condition.
          Thread.sleep(5);
        }
      } catch (IOException e) {
        connectTiming.doneNanos = System.nanoTime();
        out.add(new Outcome(label, connectTiming, null, e));
        if (e instanceof ConnectException) {
          return null;
        }
      } finally {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing
        }
      }
    }
    return null;
  }

  private static String ms(long nanos, long t0) {
    return nanos == 0 ? "-" : Long.toString(TimeUnit.NANOSECONDS.toMillis(nanos - t0));
  }
}

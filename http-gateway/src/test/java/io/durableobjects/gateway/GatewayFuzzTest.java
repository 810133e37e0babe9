package io.durableobjects.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.core.DurableObjectNamespace;
import io.durableobjects.core.DurableObjects;
import io.durableobjects.gateway.testing.GatewayNode;
import io.durableobjects.gateway.testing.RawHttp;
import io.durableobjects.testsupport.Await;
import io.durableobjects.testsupport.TimeFactor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Throws thousands of random, mostly hostile HTTP/1.1 requests at a running node over raw sockets
 * (so that it can send what {@code java.net.http} refuses to: garbage methods, broken
 * percent-encoding, invalid UTF-8, bad framing, invalid header names, huge bodies, connections
 * dropped mid-request...) and checks the contract of the gateway API (api.md) on every answer:
 *
 * <ul>
 *   <li>no 500 (the fuzz never addresses {@code /throw}, whose 500 is legitimate, nor anything else
 *       that makes TestObject throw) and no hang (10 s per request);
 *   <li>every status one the API lists; a request Pekko HTTP's parser rejects before routing may
 *       also get 414, 431, 501 or 505 ({@link #PARSER_EXTRA_STATUSES});
 *   <li>every answer to a well-formed request carries exactly one {@code X-Request-Id}: the
 *       client's own when it sent exactly one valid one, else 32 lowercase hex chars (a malformed
 *       request may get a generated one, or none if Pekko's parser answered it in plain text);
 *   <li>every error is the JSON shape {@code {"error", "message"}} with a code listed for its
 *       status, {@code Retry-After} on 429 and 503, {@code WWW-Authenticate} on 401, {@code Allow}
 *       on 405, and no stack trace or class name; only a malformed request answered by Pekko's
 *       parser (no {@code X-Request-Id}) may get a non-JSON error;
 *   <li>a well-formed request is always answered (never a closed connection);
 *   <li>no in-flight limit trips (at most {@link #WORKERS} requests are ever in flight) and the
 *       gateway's in-flight gauge is back to 0 after the run (no accounting leak, also with clients
 *       that hang up mid-request);
 *   <li>{@code /health/alive} answers 200 within 1 s throughout, and an object incremented to a
 *       known value before the run still holds exactly that value after it.
 * </ul>
 *
 * <p>Auth is on (tokens from {@link GatewayNode}); a second namespace {@code other} provides IDs of
 * another namespace. Half of the requests are valid HTTP with random content (names, IDs, paths,
 * queries, tokens, request IDs, idempotency keys, bodies up to 2 MiB); the other half are hostile.
 * Every request is generated from its own {@code Random(seed, index)}: a failure prints the seed,
 * the index and the request; {@code -Dfuzz.seed=S -Dfuzz.only=I} replays one request, {@code
 * -Dfuzz.count=N} changes the number of requests, {@code -Dfuzz.verbose=true} adds the error
 * messages to the printed histogram of outcomes.
 */
class GatewayFuzzTest {
  // A fixed seed by default, so that the build is repeatable; -Dfuzz.seed=random explores.
  private static final long SEED =
      "random".equals(System.getProperty("fuzz.seed"))
          ? System.nanoTime()
          : Long.getLong("fuzz.seed", 20_261_127L);
  private static final int COUNT = Integer.getInteger("fuzz.count", 3000);
  private static final Integer ONLY = Integer.getInteger("fuzz.only");
  private static final int WORKERS = 4;
  private static final int TIMEOUT_MS = 10_000;
  private static final long RUN_LIMIT_SECONDS = 90;
  private static final int MAX_BODY = 1 << 20;
  private static final int COUNTER_VALUE = 17;
  private static final String COUNTER_NAME = "fuzz-counter";

  /**
   * Statuses the API lists, plus the objects' own (TestObject answers 200 and 204). The fuzz reuses
   * five idempotency keys across random requests: another request with a remembered key is 422, the
   * retry of a request whose response was too large to keep 409.
   */
  private static final Set<Integer> ROUTED_STATUSES =
      Set.of(200, 204, 400, 401, 403, 404, 405, 409, 413, 422, 429, 503, 504);

  /**
   * Statuses beyond the API's table that Pekko HTTP's request parser gives a malformed request
   * before any route runs, as HTTP/1.1 (RFC 9112) recommends: 414 URI too long, 431 header too long
   * or too many headers, 501 unknown method or transfer coding, 505 HTTP version. Accepted for
   * malformed requests only, as JSON errors with any code.
   */
  private static final Set<Integer> PARSER_EXTRA_STATUSES = Set.of(414, 431, 501, 505);

  private static final Map<Integer, Set<String>> CODES =
      Map.ofEntries(
          Map.entry(
              400,
              Set.of(
                  "bad_request",
                  "invalid_id",
                  "invalid_name",
                  "invalid_header",
                  "invalid_query",
                  "invalid_idempotency_key")),
          Map.entry(401, Set.of("unauthorized")),
          Map.entry(403, Set.of("forbidden", "origin_not_allowed", "host_not_allowed")),
          Map.entry(404, Set.of("not_found", "unknown_namespace")),
          Map.entry(405, Set.of("method_not_allowed")),
          Map.entry(409, Set.of("idempotency_response_not_kept")),
          Map.entry(422, Set.of("idempotency_key_reused")),
          Map.entry(413, Set.of("payload_too_large", "storage_limit_exceeded")),
          Map.entry(429, Set.of("too_many_requests", "idempotency_records_full")),
          Map.entry(503, Set.of("overloaded", "unavailable", "not_ready")),
          Map.entry(504, Set.of("object_timeout")));

  private static final Pattern VALID_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Pattern GENERATED_REQUEST_ID = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern EMPTY_KEY_PUT = Pattern.compile(".*/(kv|bytes)/(\\?.*)?");
  private static final Pattern SLOW_OK = Pattern.compile(".*/slow\\?ms=\\d{1,2}");
  private static final Pattern STACK_TRACE =
      Pattern.compile(
          "\\n\\s*at |Exception|java\\.lang|java\\.util|scala\\."
              + "|org\\.apache\\.pekko|io\\.durableobjects");
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Known Pekko HTTP 1.3.0 defect, outside the gateway's reach: a request line {@code HTTP/1.0}
   * with {@code Transfer-Encoding: chunked} fails an assertion in {@code
   * HttpServerBluePrint$PrepareRequests} (HttpServerBluePrint.scala:171, "HTTP/1.0 requests must
   * not have a chunked entity") before any route runs, and the server answers an empty 500 and
   * closes. Tolerated (and counted) only for exactly that input; remove to make the fuzz strict.
   */
  private static final String HTTP10_CHUNKED = "Transfer-Encoding on HTTP/1.0 (RFC 9112 6.1)";

  private static final String[] STANDARD_METHODS = {
    "GET", "GET", "GET", "POST", "POST", "POST", "PUT", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"
  };
  private static final String[] ODD_METHODS = {
    "FOO", "BREW", "PROPFIND", "M-SEARCH", "PURGE", "LINK", "X", "GETS", "POSTT", "CONNECT"
  };

  /** What the run found, by kind of violation: a count and the first few examples. */
  private static final class Findings {
    final Map<String, AtomicInteger> counts = new ConcurrentSkipListMap<>();
    final Map<String, List<String>> examples = new ConcurrentHashMap<>();

    void add(String kind, String example) {
      counts.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
      List<String> list =
          examples.computeIfAbsent(kind, k -> Collections.synchronizedList(new ArrayList<>()));
      if (list.size() < 4) {
        list.add(example);
      }
    }

    boolean isEmpty() {
      return counts.isEmpty();
    }

    String report() {
      StringBuilder s = new StringBuilder();
      counts.forEach(
          (kind, n) -> {
            s.append("\n\n##### ").append(kind).append(" (").append(n).append("x)");
            for (String example : examples.get(kind)) {
              s.append("\n").append(example);
            }
          });
      return s.toString();
    }
  }

  /** One generated request. */
  private record FuzzRequest(
      int index,
      String method,
      String target,
      byte[] head,
      byte[] body,
      boolean wellFormed,
      List<String> requestIdsSent,
      List<String> notes,
      boolean abort) {

    boolean isHead() {
      return method.equals("HEAD");
    }

    String describe() {
      return "request #"
          + index
          + " (seed "
          + SEED
          + "; replay: -Dfuzz.seed="
          + SEED
          + " -Dfuzz.only="
          + index
          + ")\n  well-formed: "
          + wellFormed
          + ", notes: "
          + notes
          + "\n  head ("
          + head.length
          + " bytes):\n    "
          + RawHttp.printable(head, 1500).replace("\n", "\n    ")
          + "\n  body: "
          + body.length
          + " bytes: "
          + RawHttp.printable(body, 120);
    }
  }

  /** The IDs the generator picks from. */
  private record Ids(List<String> test, List<String> other, String counter) {}

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void randomRequestsNeverBreakTheContract() throws Exception {
    System.out.println("GatewayFuzzTest: seed " + SEED + ", " + COUNT + " requests");
    try (GatewayNode node =
        GatewayNode.start(
            ConfigFactory.parseString(
"""
durable-objects.http.auth.required = on
durable-objects.namespaces.other.class = "io.durableobjects.gateway.testing.TestObject"
"""))) {
      DurableObjects objects = DurableObjects.get(node.server().system());
      DurableObjectNamespace test = objects.namespace("test");
      DurableObjectNamespace other = objects.namespace("other");
      List<String> testIds = new ArrayList<>();
      List<String> otherIds = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        testIds.add(test.newUniqueId().toString());
        testIds.add(test.idFromName("n" + i).toString());
        otherIds.add(other.newUniqueId().toString());
        otherIds.add(other.idFromName("n" + i).toString());
      }
      String counterId = test.idFromName(COUNTER_NAME).toString();
      testIds.add(counterId);
      Ids ids = new Ids(testIds, otherIds, counterId);

      for (int i = 1; i <= COUNTER_VALUE; i++) {
        HttpResponse<String> inc =
            api(node, "POST", "/v1/test/by-name/" + COUNTER_NAME + "/increment");
        assertThat(inc.statusCode()).as("increment %d: %s", i, inc.body()).isEqualTo(200);
        assertThat(inc.body()).isEqualTo(Integer.toString(i));
      }
      assertCounter(node, "before the fuzz");

      Findings findings = new Findings();
      Map<String, AtomicInteger> histogram = new ConcurrentSkipListMap<>();
      AtomicBoolean running = new AtomicBoolean(true);
      Thread monitor = new Thread(() -> monitorAlive(node, running, findings), "alive-monitor");
      monitor.setDaemon(true);
      monitor.start();

      long started = System.nanoTime();
      AtomicInteger next = new AtomicInteger(ONLY == null ? 0 : ONLY);
      int end = ONLY == null ? COUNT : ONLY + 1;
      ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
      for (int w = 0; w < WORKERS; w++) {
        workers.submit(
            () -> {
              int index;
              long limit = started + TimeUnit.SECONDS.toNanos(RUN_LIMIT_SECONDS);
              while ((index = next.getAndIncrement()) < end) {
                if (System.nanoTime() > limit) {
                  findings.add(
                      "the run took longer than " + RUN_LIMIT_SECONDS + " s (gateway slow?)",
                      "stopped before request #" + index);
                  return null;
                }
                FuzzRequest request = generate(index, ids);
                try {
                  exchangeAndCheck(node, request, findings, histogram);
                } catch (RuntimeException | Error e) {
                  findings.add("the test itself failed on a request: " + e, request.describe());
                }
              }
              return null;
            });
      }
      workers.shutdown();
      boolean finished =
          workers.awaitTermination(RUN_LIMIT_SECONDS + 2L * TIMEOUT_MS / 1000, TimeUnit.SECONDS);
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      running.set(false);
      monitor.join(5_000);
      if (!finished) {
        workers.shutdownNow();
        findings.add("the workers did not stop (a request hung beyond its timeout?)", "");
      }

      StringBuilder summary = new StringBuilder();
      summary.append(
          String.format(
              "GatewayFuzzTest: seed %d, %d requests in %d ms; outcomes:%n",
              SEED, histogram.values().stream().mapToInt(AtomicInteger::get).sum(), elapsedMs));
      histogram.forEach((k, v) -> summary.append(String.format("  %6d  %s%n", v.get(), k)));
      System.out.println(summary);

      // No object request is still counted as in flight (a leak would end in 429/503 later).
      checkNothingInFlight(node, findings);

      // The node is still alive and the counter untouched.
      RawHttp.Exchange alive = get(node, "/health/alive", 1_000);
      if (alive.response().status() != 200) {
        findings.add("/health/alive after the run", alive.response().describe());
      }
      try {
        assertCounter(node, "after the fuzz");
      } catch (AssertionError e) {
        findings.add("the counter object lost its value", e.getMessage());
      }
      assertThat(findings.isEmpty())
          .as("seed %d: violations of the API contract:%s", SEED, findings.report())
          .isTrue();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Checks

  private static void exchangeAndCheck(
      GatewayNode node, FuzzRequest q, Findings findings, Map<String, AtomicInteger> histogram) {
    if (q.abort()) {
      abort(node, q);
      count(histogram, "aborted by the client");
      return;
    }
    RawHttp.Exchange exchange;
    try {
      exchange =
          RawHttp.exchange(
              "127.0.0.1", node.port(), q.head(), q.body(), true, q.isHead(), TIMEOUT_MS);
    } catch (SocketTimeoutException e) {
      count(histogram, "HANG");
      findings.add("hang: no answer within " + TIMEOUT_MS + " ms", q.describe());
      return;
    } catch (RawHttp.NoResponseException e) {
      count(histogram, (q.wellFormed() ? "well-formed" : "malformed") + ": closed without answer");
      if (q.wellFormed()) {
        findings.add(
            "a well-formed request got no answer (connection closed: " + e.getMessage() + ")",
            q.describe());
      }
      return;
    } catch (ConnectException e) {
      count(histogram, "CONNECT FAILED");
      findings.add("cannot connect to the node: " + e, q.describe());
      return;
    } catch (IOException e) {
      count(histogram, "unreadable answer");
      findings.add("unreadable answer: " + e, q.describe());
      return;
    }
    RawHttp.Response r = exchange.response();
    List<String> requestIds = r.headers("X-Request-Id");
    String contentType = r.header("Content-Type");
    boolean json = isJson(contentType);
    if (r.status() == 500
        && q.notes().contains(HTTP10_CHUNKED)
        && requestIds.isEmpty()
        && r.body().length == 0) {
      count(histogram, "tolerated: known Pekko HTTP 500 for HTTP/1.0 + Transfer-Encoding");
      return;
    }
    count(
        histogram,
        (q.wellFormed() ? "well-formed " : "malformed   ")
            + r.status()
            + (r.status() >= 400 ? " " + (json ? errorCode(r) : "non-JSON " + contentType) : "")
            + (requestIds.isEmpty() ? " (no X-Request-Id)" : ""));
    String example = q.describe() + "\n  answer: " + r.describe().replace("\n", "\n  ");

    if (r.status() == 500 && objectThrows(q)) {
      // TestObject's own put throws a StorageException for an empty key: a 500 "storage_error"
      // (the object's code failed on a storage call) or "object_error".
      String code = json ? errorCode(r).split(" ")[0] : "";
      if (!code.equals("object_error") && !code.equals("storage_error")) {
        findings.add(
            "500 for an exception thrown by the object's code, but not the JSON error"
                + " object_error or storage_error",
            example);
      }
    } else if (r.status() == 500) {
      findings.add(
          "500 (" + (q.wellFormed() ? "well-formed request" : "malformed request") + ")", example);
    }
    boolean listed =
        ROUTED_STATUSES.contains(r.status())
            || (!q.wellFormed() && PARSER_EXTRA_STATUSES.contains(r.status()));
    if (!listed && r.status() != 500) {
      findings.add(
          "status "
              + r.status()
              + " is not in the API contract ("
              + (q.wellFormed() ? "well-formed" : "malformed")
              + " request)",
          example);
    }
    if (requestIds.isEmpty()) {
      // Only Pekko HTTP's own parser errors (before any route ran) may lack it.
      if (q.wellFormed() || json) {
        findings.add("no X-Request-Id on an answer from the routes", example);
      }
    } else {
      checkRequestId(q, requestIds, example, findings);
    }
    if (r.status() == 429 || (r.status() == 503 && json && errorCode(r).startsWith("overloaded"))) {
      findings.add(
          "in-flight limit tripped although at most "
              + WORKERS
              + " requests are in flight"
              + " (default limits 512 per object, 4096 per node): in-flight accounting leaks?",
          example);
    }
    if (r.status() >= 400) {
      if (!json) {
        if (q.wellFormed() || !requestIds.isEmpty()) {
          findings.add(
              "error "
                  + r.status()
                  + " from the routes is not application/json ("
                  + contentType
                  + ")",
              example);
        }
      } else if (!q.isHead()) {
        checkErrorShape(r, example, findings);
      }
      if ((r.status() == 429 || r.status() == 503) && !isSeconds(r.header("Retry-After"))) {
        findings.add(r.status() + " without Retry-After: <seconds>", example);
      }
      if (r.status() == 401
          && !"Bearer realm=\"durable-objects\"".equals(r.header("WWW-Authenticate"))) {
        findings.add("401 without WWW-Authenticate: Bearer realm=\"durable-objects\"", example);
      }
      if (r.status() == 405 && r.header("Allow") == null) {
        findings.add("405 without Allow", example);
      }
    }
  }

  /**
   * Writes the head and part of the body (sometimes all of it), waits up to 30 ms, and closes the
   * connection without reading: the gateway must cope (and release what it holds, see {@link
   * #checkNothingInFlight}).
   */
  private static void abort(GatewayNode node, FuzzRequest q) {
    Random r = new Random(q.index());
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", node.port()), TIMEOUT_MS);
      socket.setSoLinger(r.nextBoolean(), 0); // half of them end with a reset instead of a FIN
      socket.getOutputStream().write(q.head());
      int part = q.body().length == 0 ? 0 : r.nextInt(q.body().length + 1);
      socket.getOutputStream().write(q.body(), 0, part);
      socket.getOutputStream().flush();
      // The scenario: a client that waits a random while, up to 30 ms, before it walks away.
      Thread.sleep(r.nextInt(31));
    } catch (IOException e) {
      // the server may close first
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether TestObject itself throws for this request ({@code PUT .../kv/} with an empty key). */
  private static boolean objectThrows(FuzzRequest q) {
    return q.method().equals("PUT") && EMPTY_KEY_PUT.matcher(q.target()).matches();
  }

  private static void checkRequestId(
      FuzzRequest q, List<String> requestIds, String example, Findings findings) {
    if (requestIds.isEmpty()) {
      findings.add("no X-Request-Id on an answer from the routes (well-formed request)", example);
      return;
    }
    if (requestIds.size() > 1) {
      findings.add("more than one X-Request-Id on an answer", example);
    }
    String id = requestIds.get(0);
    if (!q.wellFormed()) {
      // The request may not have been parsed far enough to read the client's X-Request-Id, or
      // the parser unfolded an obsolete line folding into it (the value then ends with the
      // continuation line).
      String head = new String(q.head(), StandardCharsets.ISO_8859_1);
      boolean clients =
          q.requestIdsSent().contains(id)
              || head.contains("\r\n " + id + "\r\n")
              || head.contains("\r\n\t" + id + "\r\n");
      if (!GENERATED_REQUEST_ID.matcher(id).matches() && !clients) {
        findings.add("X-Request-Id neither the client's nor a generated one", example);
      }
      return;
    }
    List<String> validSent =
        q.requestIdsSent().stream().filter(v -> VALID_REQUEST_ID.matcher(v).matches()).toList();
    if (q.requestIdsSent().size() == 1 && validSent.size() == 1) {
      if (!id.equals(validSent.get(0))) {
        findings.add("X-Request-Id is not the client's valid one", example);
      }
    } else if (q.requestIdsSent().isEmpty() || validSent.isEmpty()) {
      if (!GENERATED_REQUEST_ID.matcher(id).matches()) {
        findings.add(
            "X-Request-Id without a valid client one is not 32 lowercase hex chars", example);
      }
    } else if (!validSent.contains(id) && !GENERATED_REQUEST_ID.matcher(id).matches()) {
      // Several X-Request-Id headers: either one of the valid ones or a generated one.
      findings.add("X-Request-Id neither one of the client's nor a generated one", example);
    }
  }

  private static void checkErrorShape(RawHttp.Response r, String example, Findings findings) {
    JsonNode body;
    try {
      body = JSON.readTree(r.body());
    } catch (IOException e) {
      findings.add("error body is not JSON", example);
      return;
    }
    if (body == null
        || !body.isObject()
        || !body.path("error").isTextual()
        || !body.path("message").isTextual()) {
      findings.add("error body is not {\"error\": string, \"message\": string}", example);
      return;
    }
    Set<String> codes = CODES.get(r.status());
    String code = body.get("error").asText();
    if (codes == null ? !code.matches("[a-z_]+") : !codes.contains(code)) {
      findings.add("error code '" + code + "' is not listed for " + r.status(), example);
    }
    if (STACK_TRACE.matcher(body.get("message").asText()).find()) {
      findings.add("error message shows an exception or class name", example);
    }
  }

  private static boolean isJson(String contentType) {
    return contentType != null
        && contentType.toLowerCase(Locale.ROOT).startsWith("application/json");
  }

  private static String errorCode(RawHttp.Response r) {
    try {
      JsonNode body = JSON.readTree(r.body());
      if (body != null && Boolean.getBoolean("fuzz.verbose")) {
        String m = body.path("message").asText("").replaceAll("[0-9a-f]{8,}|\\d+", "#");
        return body.path("error").asText("?") + " | " + m.substring(0, Math.min(45, m.length()));
      }
      return body == null ? "(no body)" : body.path("error").asText("?");
    } catch (IOException e) {
      return "(unparsable JSON)";
    }
  }

  private static boolean isSeconds(String value) {
    return value != null && value.matches("\\d+");
  }

  private static void count(Map<String, AtomicInteger> histogram, String key) {
    histogram.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
  }

  private static void monitorAlive(GatewayNode node, AtomicBoolean running, Findings findings) {
    long worstMs = 0;
    int probes = 0;
    while (running.get()) {
      long start = System.nanoTime();
      try {
        RawHttp.Exchange e = get(node, "/health/alive", 1_000);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        worstMs = Math.max(worstMs, ms);
        if (e.response().status() != 200 || ms > 1_000) {
          findings.add(
              "/health/alive did not answer 200 within 1 s during the fuzz",
              ms + " ms: " + e.response().describe());
        }
      } catch (IOException e) {
        findings.add("/health/alive did not answer 200 within 1 s during the fuzz", e.toString());
      }
      probes++;
      try {
        // The pace of this liveness prober (like a kubelet's), not a wait for a condition.
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
    System.out.println(
        "GatewayFuzzTest: /health/alive probes: " + probes + ", slowest " + worstMs + " ms");
  }

  /**
   * Reads the gateway's in-flight gauge from {@code /metrics} (Prometheus text; the metric name is
   * the implementation's, {@code durable_objects_http_in_flight}, not the API's): once every answer
   * is in, it must come back to 0 within 2 s (times {@link TimeFactor}). Skipped, with a note, if
   * the metric is absent.
   */
  private static void checkNothingInFlight(GatewayNode node, Findings findings) throws Exception {
    Pattern gauge = Pattern.compile("(?m)^durable_objects_http_in_flight(\\{[^}]*\\})?\\s+(\\S+)");
    Duration within = Duration.ofSeconds(2);
    AtomicReference<String> last = new AtomicReference<>();
    boolean present;
    try {
      present =
          Await.value(
              "durable_objects_http_in_flight back to 0, or absent",
              within,
              () -> {
                RawHttp.Exchange metrics = get(node, "/metrics", 5_000);
                java.util.regex.Matcher m = gauge.matcher(metrics.response().bodyText());
                if (!m.find()) {
                  return Optional.of(false);
                }
                last.set(m.group(2));
                return Double.parseDouble(m.group(2)) == 0 ? Optional.of(true) : Optional.empty();
              });
    } catch (AssertionError notBackToZero) {
      findings.add(
          "object requests still counted in flight after the run (in-flight accounting leak)",
          "durable_objects_http_in_flight = "
              + last.get()
              + " "
              + TimeFactor.dilated(within).toMillis()
              + " ms after the last answer");
      return;
    }
    System.out.println(
        present
            ? "GatewayFuzzTest: durable_objects_http_in_flight back to 0"
            : "GatewayFuzzTest: no durable_objects_http_in_flight in /metrics; leak check skipped");
  }

  private static RawHttp.Exchange get(GatewayNode node, String path, int timeoutMs)
      throws IOException {
    return RawHttp.exchange(
        "127.0.0.1",
        node.port(),
        RawHttp.latin1("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
        new byte[0],
        false,
        false,
        timeoutMs);
  }

  private static HttpResponse<String> api(GatewayNode node, String method, String path)
      throws Exception {
    return node.send(
        HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
            .header("Authorization", "Bearer " + GatewayNode.API_TOKEN)
            .method(method, HttpRequest.BodyPublishers.noBody()));
  }

  private static void assertCounter(GatewayNode node, String when) throws Exception {
    HttpResponse<String> count = api(node, "GET", "/v1/test/by-name/" + COUNTER_NAME + "/count");
    assertThat(count.statusCode()).as("%s: GET count: %s", when, count.body()).isEqualTo(200);
    assertThat(count.body())
        .as("%s: the counter's value", when)
        .isEqualTo(Integer.toString(COUNTER_VALUE));
  }

  // ---------------------------------------------------------------------------------------------
  // Generation

  /** The request {@code index}: the same for the same seed, whatever the other requests did. */
  private static FuzzRequest generate(int index, Ids ids) {
    Random r = new Random(SEED * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L);
    while (true) {
      FuzzRequest request = new Gen(r, index, ids).build();
      if (harmless(request, ids)) {
        return request;
      }
    }
  }

  /**
   * Whether the request stays away from what would make a legitimate 500 or disturb the counter:
   * {@code /throw} (a 500 by design), {@code /slow} with a non-numeric or long {@code ms} (the
   * object's parse throws), a string stored under the key {@code count} (the object's {@code GET
   * /count} then throws), and increments or admin deletes of the counter object. Judged on the
   * target percent-decoded (repeatedly) and lower-cased, whatever the encoding.
   */
  private static boolean harmless(FuzzRequest q, Ids ids) {
    String d = decodeLower(q.target());
    if (d.contains("throw")) {
      return false;
    }
    if (d.contains("slow") && !SLOW_OK.matcher(q.target()).matches()) {
      return false;
    }
    if ((d.contains("kv/") || d.contains("bytes/")) && d.contains("count")) {
      return false;
    }
    boolean counter = d.contains(COUNTER_NAME) || d.contains(ids.counter());
    return !(counter
        && (d.contains("increment") || (d.contains("admin") && !q.method().equals("GET"))));
  }

  private static String decodeLower(String target) {
    String s = target.toLowerCase(Locale.ROOT);
    for (int round = 0; round < 4; round++) {
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '%' && i + 2 < s.length()) {
          int hi = Character.digit(s.charAt(i + 1), 16);
          int lo = Character.digit(s.charAt(i + 2), 16);
          if (hi >= 0 && lo >= 0) {
            out.append((char) (hi * 16 + lo));
            i += 2;
            continue;
          }
        }
        out.append(c);
      }
      String decoded = out.toString().toLowerCase(Locale.ROOT);
      if (decoded.equals(s)) {
        break;
      }
      s = decoded;
    }
    return s;
  }

  /** Builds one request; every char of the head is one byte (ISO-8859-1). */
  private static final class Gen {
    private final Random r;
    private final int index;
    private final Ids ids;
    private final List<String> notes = new ArrayList<>();
    private boolean wellFormed = true;

    /** Half of the requests are hostile; the others are valid HTTP with random content. */
    private boolean hostile;

    Gen(Random r, int index, Ids ids) {
      this.r = r;
      this.index = index;
      this.ids = ids;
    }

    private void malformed(String note) {
      wellFormed = false;
      notes.add(note);
    }

    private boolean chance(double p) {
      return r.nextDouble() < p;
    }

    private <T> T pick(List<T> list) {
      return list.get(r.nextInt(list.size()));
    }

    private String pick(String... options) {
      return options[r.nextInt(options.length)];
    }

    private int between(int lo, int hiInclusive) {
      return lo + r.nextInt(hiInclusive - lo + 1);
    }

    FuzzRequest build() {
      hostile = chance(0.5);
      if (hostile) {
        notes.add("hostile");
      }
      if (hostile && chance(0.02)) {
        // Not HTTP at all.
        byte[] junk = new byte[between(1, 300)];
        r.nextBytes(junk);
        malformed("random bytes");
        return new FuzzRequest(index, "?", "", junk, new byte[0], false, List.of(), notes, false);
      }
      String method = method();
      String target = target(method);
      String version = version();
      List<String> headers = new ArrayList<>();
      List<String> requestIds = new ArrayList<>();
      boolean adminTarget = target.contains("admin");

      host(headers);
      authorization(headers, adminTarget);
      requestId(headers, requestIds);
      idempotencyKey(headers);
      extraHeaders(headers);

      byte[] payload = body();
      byte[] wire = framing(headers, payload);
      for (String h : headers) {
        if (h.chars().anyMatch(c -> c >= 0x80 || (c < 0x20 && c != '\t') || c == 0x7f)) {
          // Pekko HTTP refuses obs-text (RFC 9110 5.5) and control chars in headers: 400.
          malformed("non-ASCII or control char in a header");
          break;
        }
      }
      boolean chunked =
          headers.stream()
              .anyMatch(h -> h.toLowerCase(Locale.ROOT).startsWith("transfer-encoding:"));
      if (chunked && version.equals("HTTP/1.0")) {
        malformed(HTTP10_CHUNKED);
      }
      if ((chunked || payload.length > 0) && Set.of("HEAD", "TRACE", "CONNECT").contains(method)) {
        malformed("entity on " + method);
      }

      String separator = " ";
      if (hostile && chance(0.02)) {
        separator = pick("  ", "\t", " \t");
        malformed("odd request-line separator");
      }
      String eol = "\r\n";
      if (hostile && chance(0.02)) {
        eol = "\n";
        malformed("bare LF line endings");
      }
      StringBuilder head = new StringBuilder();
      head.append(method).append(separator).append(target);
      if (!version.isEmpty()) {
        head.append(separator).append(version);
      }
      head.append(eol);
      for (String h : headers) {
        head.append(h).append(eol);
      }
      if (hostile && chance(0.02)) {
        malformed("head not terminated");
        wire = new byte[0];
      } else {
        head.append(eol);
      }
      boolean abort = hostile && chance(0.06);
      if (abort) {
        notes.add("client closes the connection without reading the answer");
      }
      return new FuzzRequest(
          index,
          method,
          target,
          RawHttp.latin1(head.toString()),
          wire,
          wellFormed,
          requestIds,
          notes,
          abort);
    }

    // ---- request line

    private String method() {
      double p = r.nextDouble();
      if (p < 0.65 || !hostile) {
        return pick(STANDARD_METHODS);
      }
      if (p < 0.85) {
        String m = pick(STANDARD_METHODS);
        malformed("lowercase method");
        return chance(0.5)
            ? m.toLowerCase(Locale.ROOT)
            : m.charAt(0) + m.substring(1).toLowerCase(Locale.ROOT);
      }
      if (p < 0.90) {
        if (chance(0.2)) {
          return "TRACE";
        }
        malformed("unknown method");
        return pick(ODD_METHODS);
      }
      if (p < 0.94) {
        malformed("very long method");
        return token(between(17, chance(0.8) ? 64 : 5000));
      }
      malformed("invalid method");
      return pick(
          "",
          "GET\u0000",
          "G(E)T",
          "GET:",
          "\u00d0\u0093\u00d0\u0095\u00d0\u00a2", // "ГЕТ" in UTF-8 bytes
          "\u00ff\u00fe",
          "GET\u007f",
          "{}",
          "\"GET\"",
          "GE/T");
    }

    private String version() {
      if (!hostile || chance(0.85)) {
        return "HTTP/1.1";
      }
      if (chance(0.4)) {
        return "HTTP/1.0";
      }
      malformed("bad HTTP version");
      return pick(
          "HTTP/2.0",
          "HTTP/1.2",
          "HTTP/0.9",
          "http/1.1",
          "HTTP/11",
          "HTTP/1.1x",
          "",
          "HTTP/",
          "HTTP/1.1 extra",
          "HTTP/\u00ff");
    }

    // ---- request target

    private String target(String method) {
      double p = r.nextDouble();
      String target;
      if (p < 0.34) {
        target = "/v1/" + namespace() + "/by-name/" + name() + objectPath(method);
      } else if (p < 0.50) {
        target = "/v1/" + namespace() + "/by-id/" + id() + objectPath(method);
      } else if (p < 0.55) {
        target = "/v1/" + namespace() + pick("/ids", "/ids", "/ids/", "/ids/x", "/IDS", "/ids?x=1");
      } else if (p < 0.60) {
        target =
            pick(
                    "/v1/unknown-ns",
                    "/v1/Test",
                    "/v1/%74est",
                    "/v1/test-",
                    "/v1/" + token(between(1, 40)))
                + pick("/by-name/", "/by-id/")
                + (chance(0.5) ? name() : id())
                + objectPath(method);
      } else if (p < 0.72) {
        target = admin();
      } else if (p < 0.80) {
        target =
            pick(
                "/health/alive",
                "/health/ready",
                "/health",
                "/health/",
                "/health/alive/",
                "/health/alive/x",
                "/health/" + segment(),
                "/metrics",
                "/metrics/",
                "/openapi.yaml",
                "/openapi.json",
                "/health/alive?verbose=1");
      } else if (p < 0.88) {
        target =
            pick(
                    "/v1",
                    "/v1/",
                    "/v1/test",
                    "/v1/test/",
                    "/v1/test/by-name",
                    "/v1/test/by-name/",
                    "/v1/test/by-id",
                    "/v1/test/by-id/",
                    "/v1/test/by-other/x",
                    "/v1//by-name/x/y",
                    "/v2/test/by-name/x/y",
                    "/V1/test/by-name/x/y")
                + (chance(0.3) ? objectPath(method) : "");
      } else {
        target =
            pick(
                "/",
                "//",
                "*",
                "",
                "/" + segment(),
                "///v1/test/by-name/a/b",
                "http://127.0.0.1/v1/test/by-name/abs/x",
                "https://example.com/health/alive",
                "v1/test/by-name/a/b",
                "/%",
                "/%2",
                "/?",
                "/#frag",
                "/v1/test/by-name/a/b#frag");
      }
      if (hostile && chance(0.4)) {
        target = mutate(target);
      }
      if (!validOriginForm(target)) {
        malformed("target not RFC 3986 origin-form or > 2048 chars");
      }
      return target;
    }

    private String namespace() {
      return chance(0.85)
          ? "test"
          : pick("other", "unknown-ns", "TEST", "te%73t", "", "t", token(between(1, 80)));
    }

    private String name() {
      double p = r.nextDouble();
      if (p < 0.55) {
        return "n" + r.nextInt(30);
      }
      if (p < 0.60) {
        return COUNTER_NAME;
      }
      p = r.nextDouble();
      if (p < 0.10) {
        return percentEncode(unicode(between(1, 20)));
      }
      if (p < 0.18) {
        return pick(
            "%ff", "%c3%28", "%ed%a0%80", "%f8%88%80%80%80", "%c0%af", "%e2%82", "a%80b", "%fe%ff");
      }
      if (p < 0.26) {
        return pick("%00", "%0a", "%0d%0a", "%7f", "%1b[0m", "a%00b", "%09", "%20");
      }
      if (p < 0.34) {
        return pick(".", "..", "%2e", "%2e%2e", "%2E%2E", ".%2e", "...");
      }
      if (p < 0.44) {
        int n = pick(List.of(1024, 1025, between(1, 1023), between(1026, 3000)));
        return chance(0.3) ? "%41".repeat(Math.max(1, n / 3)) : "a".repeat(n);
      }
      if (p < 0.52) {
        return pick("a%2fb", "%2f", "%2F%2F", "a%3fb", "a%23b", "%25", "%2525");
      }
      if (p < 0.60) {
        return "";
      }
      if (p < 0.70) {
        return pick("+", "a+b", ";", "a;b=c", "=", "@", ":", "~", "!$&'()*,", "a b", "a\tb");
      }
      if (p < 0.78) {
        return rawBytes(between(1, 6));
      }
      if (!hostile && p >= 0.70 && p < 0.86) {
        return "n" + r.nextInt(30);
      }
      if (p < 0.86) {
        return pick("%zz", "%", "%4", "a%g1", "%%", "%-1", "%u0041");
      }
      return segment();
    }

    private String id() {
      double p = r.nextDouble();
      if (p < 0.45) {
        return pick(ids.test());
      }
      if (p < 0.55) {
        return pick(ids.other());
      }
      if (p < 0.60) {
        return pick(ids.test()).toUpperCase(Locale.ROOT);
      }
      if (p < 0.65) {
        return hex(64);
      }
      if (p < 0.72) {
        return hex(pick(List.of(0, 1, 63, 65, 128)));
      }
      if (p < 0.77) {
        String id = pick(ids.test());
        return id.substring(0, 63) + pick("g", "G", "-", "%20", "%zz", "\u00ff");
      }
      if (p < 0.82) {
        StringBuilder encoded = new StringBuilder();
        for (char c : pick(ids.test()).toCharArray()) {
          encoded.append(String.format("%%%02x", (int) c));
        }
        return encoded.toString();
      }
      if (p < 0.87) {
        return pick(ids.test()) + pick("x", "%00", ".", "%2f");
      }
      return name();
    }

    private String objectPath(String method) {
      String path;
      double p = r.nextDouble();
      if (p < 0.08) {
        path = "";
      } else if (p < 0.16) {
        path = "/";
      } else if (p < 0.26) {
        path = "/count";
      } else if (p < 0.33) {
        path = "/increment";
      } else if (p < 0.38) {
        return "/slow?ms=" + r.nextInt(40);
      } else if (p < 0.48) {
        path =
            "/kv/"
                + (chance(0.05)
                    ? "" // the object's put throws: a legitimate 500 object_error
                    : pick("k" + r.nextInt(20), segment(), percentEncode(unicode(between(1, 8)))));
      } else if (p < 0.53) {
        path = "/bytes/" + pick("b" + r.nextInt(20), segment());
      } else {
        StringBuilder s = new StringBuilder();
        int segments = between(1, 5);
        for (int i = 0; i < segments; i++) {
          s.append('/').append(chance(0.7) ? segment() : name());
        }
        path = s.toString();
      }
      if (chance(0.3)) {
        path += "?" + query();
      }
      return path;
    }

    private String admin() {
      String ns = chance(0.8) ? "test" : namespace();
      double p = r.nextDouble();
      String path;
      if (p < 0.2) {
        path = "/admin/v1/namespaces";
      } else if (p < 0.5) {
        path = "/admin/v1/" + ns + "/objects";
      } else if (p < 0.85) {
        path = "/admin/v1/" + ns + "/objects/" + id();
      } else {
        path =
            pick(
                "/admin",
                "/admin/",
                "/admin/v1",
                "/admin/v1/",
                "/admin/v2/namespaces",
                "/admin/v1/namespaces/x",
                "/admin/v1/" + ns,
                "/admin/v1/" + ns + "/objects/" + pick(ids.test()) + "/extra",
                "/admin/v1/" + ns + "/object");
      }
      if (chance(0.5)) {
        List<String> params = new ArrayList<>();
        if (chance(0.7)) {
          params.add(
              "limit="
                  + pick(
                      "0",
                      "1",
                      "2",
                      "50",
                      "100",
                      "1000",
                      "1001",
                      "-1",
                      "abc",
                      "",
                      "99999999999999999999",
                      "1.5",
                      "%31",
                      "1e3",
                      " 1"));
        }
        if (chance(0.5)) {
          params.add(
              "cursor="
                  + pick(
                      pick(ids.test()),
                      "",
                      "zzz",
                      hex(64),
                      percentEncode(unicode(3)),
                      "%zz",
                      "k1"));
        }
        if (chance(0.1)) {
          params.add("limit=5");
        }
        path += "?" + String.join("&", params);
      }
      return path;
    }

    private String query() {
      double p = r.nextDouble();
      if (p < 0.4) {
        return "a=" + r.nextInt(100) + (chance(0.5) ? "&b=" + segment() : "");
      }
      if (p < 0.6) {
        return percentEncode(unicode(between(1, 10)))
            + "="
            + percentEncode(unicode(between(0, 10)));
      }
      if (p < 0.8) {
        return pick(
            "",
            "=",
            "&&",
            "a",
            "a=1&a=2",
            "%zz",
            "%",
            "a=%ff",
            "a+b=c+d",
            "x=" + "y".repeat(between(1, 3000)),
            "?",
            "a=b?c",
            "a=%00");
      }
      return segment();
    }

    /** A random path segment made of characters that are legal in a path. */
    private String segment() {
      String chars =
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@";
      int n = between(1, 16);
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < n; i++) {
        s.append(chars.charAt(r.nextInt(chars.length())));
      }
      return s.toString();
    }

    private String mutate(String target) {
      int at = target.isEmpty() ? 0 : r.nextInt(target.length() + 1);
      String insert;
      double p = r.nextDouble();
      if (p < 0.12) {
        insert = "//";
        notes.add("inserted //");
      } else if (p < 0.24) {
        insert = pick("/..", "/../..", "/%2e%2e", "/%2E%2E/", "/./", "/.%2e/");
        notes.add("dot segment");
      } else if (p < 0.34) {
        insert = pick("%zz", "%", "%a", "%G0");
        notes.add("broken percent-encoding");
      } else if (p < 0.44) {
        insert = "/" + "x".repeat(between(10_000, 100_000));
        notes.add("very long segment");
      } else if (p < 0.54) {
        insert = rawBytes(between(1, 4));
        notes.add("raw non-ASCII bytes");
      } else if (p < 0.62) {
        insert = pick("%ff", "%c3%28", "%ed%a0%80", "%80", "%c0%80");
        notes.add("percent-encoded invalid UTF-8");
      } else if (p < 0.72) {
        insert = String.valueOf((char) (int) pick(List.of(0, 1, 9, 11, 12, 27, 127)));
        notes.add("raw control char");
      } else if (p < 0.80) {
        insert = utf8(unicode(between(1, 5)));
        notes.add("raw UTF-8");
      } else if (p < 0.88) {
        insert = pick(" ", "\"", "<", ">", "\\", "^", "`", "{", "|", "}", "[", "]");
        notes.add("char not allowed in a URI");
      } else {
        insert = percentEncode(unicode(between(1, 5)));
        notes.add("percent-encoded unicode");
      }
      return target.substring(0, Math.min(at, target.length()))
          + insert
          + target.substring(Math.min(at, target.length()));
    }

    // ---- headers

    private void host(List<String> headers) {
      double p = r.nextDouble();
      if (p < 0.85 || !hostile) {
        headers.add("Host: 127.0.0.1");
      } else if (p < 0.95) {
        malformed("no Host");
      } else if (p < 0.97) {
        headers.add("Host: 127.0.0.1");
        headers.add("Host: " + pick("127.0.0.1", "example.com"));
        malformed("two Host headers");
      } else {
        headers.add(
            "Host: " + pick("", "a b", "[::1", "exa\u00ffmple", "h:99999", "x".repeat(300)));
        malformed("odd Host");
      }
    }

    private void authorization(List<String> headers, boolean adminTarget) {
      if (adminTarget && chance(0.5)) {
        headers.add("Authorization: Bearer " + GatewayNode.ADMIN_TOKEN);
        return;
      }
      double p = r.nextDouble();
      if (p < 0.10) {
        return;
      }
      if (p < 0.65) {
        headers.add("Authorization: Bearer " + GatewayNode.API_TOKEN);
      } else if (p < 0.75) {
        headers.add("Authorization: Bearer only-test-token-0123456789");
      } else if (p < 0.80) {
        headers.add("Authorization: Bearer " + GatewayNode.ADMIN_TOKEN);
      } else if (p < 0.96) {
        headers.add(
            "Authorization: "
                + pick(
                    "Bearer",
                    "Bearer ",
                    "Bearer  " + GatewayNode.API_TOKEN,
                    "bearer " + GatewayNode.API_TOKEN,
                    "Bearer " + GatewayNode.API_TOKEN + " x",
                    "Bearer " + GatewayNode.TEST_ONLY_TOKEN,
                    "Basic dXNlcjpwYXNz",
                    "Bearer " + token(between(1, 300)),
                    "Bearer " + GatewayNode.API_TOKEN.substring(1),
                    "Bearer \u00ff\u00fe",
                    "Token " + GatewayNode.API_TOKEN,
                    ""));
      } else if (p < 0.98) {
        headers.add("Authorization: Bearer " + GatewayNode.API_TOKEN);
        headers.add("Authorization: Bearer " + token(20));
        notes.add("two Authorization headers");
      } else if (hostile) {
        headers.add("Authorization: Bearer " + "t".repeat(between(8_000, 10_000)));
        malformed("huge Authorization");
      }
    }

    private void requestId(List<String> headers, List<String> sent) {
      double p = r.nextDouble();
      if (p < 0.4) {
        return;
      }
      String value;
      if (p < 0.75) {
        String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-";
        int n = chance(0.1) ? 128 : between(1, 40);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
          s.append(chars.charAt(r.nextInt(chars.length())));
        }
        value = s.toString();
      } else if (p < 0.95) {
        value =
            pick(
                "",
                "a".repeat(129),
                "has space",
                "slash/inside",
                "quote\"",
                "comma,separated",
                "\u00e9t\u00e9",
                "semi;colon",
                "{json}",
                "x".repeat(between(200, 2000)));
      } else {
        value = token(10);
        headers.add("X-Request-Id: " + value);
        sent.add(value);
        value = chance(0.5) ? token(10) : "bad value!";
        notes.add("two X-Request-Id headers");
      }
      headers.add((chance(0.2) ? "x-request-id" : "X-Request-Id") + ": " + value);
      sent.add(value.strip());
    }

    private void idempotencyKey(List<String> headers) {
      double p = r.nextDouble();
      if (p < 0.8) {
        return;
      }
      String value =
          p < 0.86
              ? "idem-" + r.nextInt(5) // reused: replays, or 422 for another request
              : p < 0.92
                  ? token(between(1, 64))
                  : pick(
                      "",
                      "k".repeat(300),
                      "k".repeat(between(2_000, 8_000)),
                      "\u00e9\u00e8",
                      "with space",
                      "tab\tinside",
                      "a,b");
      headers.add("Idempotency-Key: " + value);
    }

    private void extraHeaders(List<String> headers) {
      int n = chance(0.5) ? 0 : between(1, 5);
      for (int i = 0; i < n; i++) {
        double p = hostile ? r.nextDouble() : r.nextDouble() * 0.62;
        if (p < 0.45) {
          headers.add(token(between(1, 20)) + ": " + printableValue(between(0, 100)));
        } else if (p < 0.55) {
          headers.add(
              pick(
                  "Connection: close",
                  "Connection: keep-alive",
                  "Connection: " + token(8),
                  "Connection: upgrade",
                  "Upgrade: websocket",
                  "Upgrade: h2c",
                  "TE: trailers",
                  "Keep-Alive: timeout=5",
                  "Proxy-Connection: keep-alive",
                  "X-Forwarded-For: 1.2.3.4",
                  "Accept: */*",
                  "Accept-Encoding: gzip",
                  "Cookie: a=b; c=d",
                  "Expect: 100-continue",
                  "Expect: " + token(5),
                  "Origin: http://evil.example",
                  "Range: bytes=0-1",
                  "Content-Encoding: gzip",
                  "Date: yesterday",
                  "If-Modified-Since: not a date"));
        } else if (p < 0.62) {
          headers.add("X-Dup: 1");
          headers.add("X-Dup: 2");
          headers.add("x-dup: 3");
        } else if (p < 0.68) {
          headers.add("X-Unicode: " + utf8(unicode(between(1, 20))));
        } else if (p < 0.72) {
          headers.add("X-Big: " + "v".repeat(between(7_000, 8_100)));
          notes.add("big header value");
        } else if (p < 0.76) {
          headers.add("X-Huge: " + "v".repeat(between(8_300, 20_000)));
          malformed("header value > 8k");
        } else if (p < 0.80) {
          headers.add(
              pick("Bad Name", "(x)", "x:y", "\u00ff\u00fe", "a\u0000b", "", "@", "X/Y", "\"q\"")
                  + ": v");
          malformed("invalid header name");
        } else if (p < 0.83) {
          headers.add(" folded-continuation");
          malformed("obsolete line folding");
        } else if (p < 0.86) {
          headers.add(pick("no colon here", ":", "::::"));
          malformed("header line without name");
        } else if (p < 0.88) {
          headers.add("X-" + "n".repeat(between(63, 300)) + ": v");
          malformed("long header name");
        } else if (p < 0.90) {
          for (int k = 0; k < between(60, 80); k++) {
            headers.add("X-Many-" + k + ": " + k);
          }
          malformed("many headers");
        } else if (p < 0.94) {
          headers.add("X-Ctl: a\u0001b\u007fc");
          malformed("control chars in a header value");
        } else if (p < 0.97) {
          headers.add(
              "Sec-WebSocket-Key: " + java.util.Base64.getEncoder().encodeToString(new byte[16]));
          headers.add("Sec-WebSocket-Version: " + pick("13", "8", "x"));
          headers.add("Upgrade: websocket");
          notes.add("partial websocket handshake");
        } else {
          headers.add("Content-Type: " + pick("application/json", "text/plain"));
          headers.add("Content-Type: " + pick("application/xml", "text/html"));
          malformed("two Content-Type headers");
        }
      }
    }

    // ---- body and framing

    private byte[] body() {
      double p = r.nextDouble();
      int size;
      if (p < 0.55) {
        size = 0;
      } else if (p < 0.85) {
        size = between(1, 4096);
      } else if (p < 0.93) {
        size = between(4097, 65_536);
      } else if (p < 0.975) {
        size = between(65_537, MAX_BODY - 2);
      } else {
        size =
            pick(
                List.of(MAX_BODY - 1, MAX_BODY, MAX_BODY + 1, between(MAX_BODY + 2, 2 * MAX_BODY)));
        notes.add("body of " + size + " bytes");
      }
      byte[] body = new byte[size];
      double kind = r.nextDouble();
      if (kind < 0.4) {
        r.nextBytes(body);
      } else if (kind < 0.7) {
        for (int i = 0; i < size; i++) {
          body[i] = (byte) (' ' + r.nextInt(95));
        }
      } else if (kind < 0.9) {
        byte[] json =
            "{\"a\":[1,2,{\"b\":null}],\"c\":\"\\u00e9\"}".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < size; i++) {
          body[i] = json[i % json.length];
        }
      } else {
        byte[] text = unicode(64).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < size; i++) {
          body[i] = text[i % text.length];
        }
      }
      return body;
    }

    /** Adds the framing headers for {@code body} and returns the bytes to send after the head. */
    private byte[] framing(List<String> headers, byte[] body) {
      if (chance(0.05)) {
        String contentType =
            pick(
                "application/json",
                "text/plain; charset=utf-8",
                "application/octet-stream",
                "garbage",
                "a/b; c=",
                "text/plain; charset=no-such-charset",
                "multipart/form-data",
                "");
        headers.add("Content-Type: " + contentType);
      }
      double p = hostile ? r.nextDouble() : r.nextDouble() * 0.94;
      if (p < 0.85) {
        if (body.length > 0 || chance(0.2)) {
          headers.add("Content-Length: " + body.length);
        }
        return body;
      }
      if (p < 0.94) {
        headers.add(
            pick(
                "Transfer-Encoding: chunked",
                "transfer-encoding: chunked",
                "Transfer-Encoding: Chunked"));
        return chunked(body, Math.min(Math.max(1, body.length), 256 * 1024), false);
      }
      // Bad framing.
      double b = r.nextDouble();
      if (b < 0.1) {
        headers.add(
            "Content-Length: "
                + pick("abc", "-1", "+5", "5 5", "0x10", "99999999999999999999", "", "1,1", " 3 "));
        malformed("invalid Content-Length");
        return body;
      }
      if (b < 0.2) {
        headers.add("Content-Length: " + body.length);
        headers.add("Content-Length: " + (chance(0.5) ? body.length : body.length + 1));
        malformed("two Content-Length headers");
        return body;
      }
      if (b < 0.3) {
        headers.add("Content-Length: " + (body.length + between(1, 5000)));
        malformed("Content-Length above the body (truncated)");
        return body;
      }
      if (b < 0.4) {
        headers.add("Content-Length: " + Math.max(0, body.length - between(1, 50)));
        malformed("Content-Length below the body (extra bytes)");
        return body;
      }
      if (b < 0.5) {
        headers.add("Content-Length: " + body.length);
        headers.add("Transfer-Encoding: chunked");
        malformed("Content-Length and chunked");
        return chunked(body, 1000, false);
      }
      if (b < 0.6) {
        headers.add(
            "Transfer-Encoding: "
                + pick("gzip", "chunked, gzip", "gzip, chunked", "identity", "x", ""));
        malformed("unsupported Transfer-Encoding");
        return body;
      }
      if (b < 0.65) {
        headers.add("Transfer-Encoding: chunked");
        headers.add("Transfer-Encoding: chunked");
        malformed("two Transfer-Encoding headers");
        return chunked(body, 1000, false);
      }
      headers.add("Transfer-Encoding: chunked");
      malformed("bad chunks");
      return chunked(body, Math.max(1, Math.min(body.length, 64 * 1024)), true);
    }

    private byte[] chunked(byte[] body, int maxChunk, boolean corrupt) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int corruption = corrupt ? r.nextInt(9) : -1;
      int pos = 0;
      boolean first = true;
      while (pos < body.length) {
        int n = Math.min(body.length - pos, between(1, maxChunk));
        String size =
            chance(0.2) ? Integer.toHexString(n).toUpperCase(Locale.ROOT) : Integer.toHexString(n);
        String extension = chance(0.1) ? ";name=value" : "";
        if (first && corruption == 0) {
          size = pick("zz", "-1", "", " ", "0x10", "ffffffffffffffffff");
        } else if (first && corruption == 1) {
          size = Integer.toHexString(n + between(1, 100));
        } else if (first && corruption == 2) {
          extension = ";" + "e".repeat(between(300, 2000));
        } else if (first && corruption == 3) {
          size = Integer.toHexString(Math.max(0, n - 1));
        } else if (first && corruption == 4) {
          size = Integer.toHexString(between(1_048_577, 5_000_000));
        }
        out.writeBytes(RawHttp.latin1(size + extension + "\r\n"));
        out.write(body, pos, n);
        out.writeBytes(RawHttp.latin1(first && corruption == 5 ? "XX" : "\r\n"));
        pos += n;
        first = false;
      }
      if (corruption == 6) {
        return out.toByteArray(); // no last chunk
      }
      out.writeBytes(RawHttp.latin1("0\r\n"));
      if (corruption == 7) {
        out.writeBytes(RawHttp.latin1("Bad Trailer\r\n"));
      } else if (chance(0.1)) {
        out.writeBytes(RawHttp.latin1("X-Trailer: t\r\n"));
      }
      if (corruption != 8) {
        out.writeBytes(RawHttp.latin1("\r\n"));
      }
      return out.toByteArray();
    }

    // ---- little generators

    private String token(int n) {
      String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      StringBuilder s = new StringBuilder(n);
      for (int i = 0; i < n; i++) {
        s.append(chars.charAt(r.nextInt(chars.length())));
      }
      return s.toString();
    }

    private String hex(int n) {
      StringBuilder s = new StringBuilder(n);
      for (int i = 0; i < n; i++) {
        s.append(Character.forDigit(r.nextInt(16), 16));
      }
      return s.toString();
    }

    private String printableValue(int n) {
      StringBuilder s = new StringBuilder(n);
      for (int i = 0; i < n; i++) {
        s.append((char) (' ' + r.nextInt(95)));
      }
      return s.toString().strip();
    }

    private String rawBytes(int n) {
      StringBuilder s = new StringBuilder(n);
      for (int i = 0; i < n; i++) {
        s.append((char) (0x80 + r.nextInt(128)));
      }
      return s.toString();
    }

    /** Random text from several scripts, emoji, combining marks, zero-width chars and NUL. */
    private String unicode(int n) {
      int[][] ranges = {
        {0x20, 0x7e}, {0xa0, 0xff}, {0x400, 0x4ff}, {0x4e00, 0x4fff}, {0x1f600, 0x1f64f},
        {0x300, 0x36f}, {0x5d0, 0x5ea}, {0x200b, 0x200f}, {0xfffd, 0xfffd}, {0, 0}
      };
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < n; i++) {
        int[] range = ranges[r.nextInt(ranges.length)];
        s.appendCodePoint(between(range[0], range[1]));
      }
      return s.toString();
    }

    /** {@code s} as UTF-8, one char per byte (to embed raw UTF-8 in a latin-1 head). */
    private static String utf8(String s) {
      return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    private static String percentEncode(String s) {
      StringBuilder out = new StringBuilder();
      for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
        int c = b & 0xff;
        if ((c >= 'a' && c <= 'z')
            || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9')
            || c == '-'
            || c == '.'
            || c == '_'
            || c == '~') {
          out.append((char) c);
        } else {
          out.append('%').append(String.format("%02X", c));
        }
      }
      return out.toString();
    }
  }

  /**
   * Whether Pekko HTTP's strict URI parser should accept {@code target} as an origin-form request
   * target: it starts with '/', is at most 2048 chars, every char is a path or query char of RFC
   * 3986 and every '%' starts a valid escape.
   */
  static boolean validOriginForm(String target) {
    if (target.isEmpty() || target.charAt(0) != '/' || target.length() > 2048) {
      return false;
    }
    String allowed =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/?";
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c == '%') {
        if (i + 2 >= target.length()
            || Character.digit(target.charAt(i + 1), 16) < 0
            || Character.digit(target.charAt(i + 2), 16) < 0) {
          return false;
        }
        i += 2;
        continue;
      }
      if (allowed.indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }
}

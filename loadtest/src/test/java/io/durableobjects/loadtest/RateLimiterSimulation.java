package io.durableobjects.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Many clients against the rate limiter example: {@code keys} fresh keys are first configured
 * ("configure": {@code PUT /config} with {@code limit} acquires per {@code windowSeconds}, long
 * enough that no window ends during the run); then the users call {@code POST .../acquire} on a
 * random key ("acquire"). A 200 must say {@code "allowed": true}, a 429 {@code "allowed": false};
 * both are expected answers, not failures. Every allowed answer is counted per key, with its {@code
 * remaining}.
 *
 * <p>Correctness: after the load, "verify key" reads each key's status; its check fails if the key
 * allowed more than its limit, if two allowed answers of the key gave the same {@code remaining}
 * (one acquire counted twice), or if the key's count is not between the allowed answers seen and
 * those plus the failed acquires. "verify key" must not fail.
 *
 * <pre>
 * ./mvnw -pl loadtest gatling:test -Dgatling.simulationClass=io.durableobjects.loadtest.RateLimiterSimulation \
 *     -DbaseUrl=http://127.0.0.1:8080 -Dusers=32 -DdurationSec=10 -Dkeys=20 -Dlimit=50
 * </pre>
 *
 * <p>Properties: those of {@link LoadParams}, and {@code keys} (20), {@code limit} (50), {@code
 * windowSeconds} (3600), {@code prefix} (keys' prefix; default {@code rl-<run>}).
 */
public class RateLimiterSimulation extends Simulation {
  private static final int KEYS = Integer.getInteger("keys", 20);
  private static final int LIMIT = Integer.getInteger("limit", 50);
  private static final int WINDOW_SECONDS = Integer.getInteger("windowSeconds", 3600);
  private static final String PREFIX = System.getProperty("prefix", "rl-" + LoadParams.RUN);
  private static final String KEY = "/v1/rate-limiter/by-name/#{key}/";

  private final Map<String, Set<Integer>> remainingSeen = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> allowed = new ConcurrentHashMap<>();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  private static List<String> keys() {
    return IntStream.range(0, KEYS).mapToObj(i -> PREFIX + "-" + i).collect(Collectors.toList());
  }

  private Session record(Session s) {
    String key = s.getString("key");
    if (s.isFailed() || !s.contains("status")) {
      failed.incrementAndGet();
    } else if (s.getInt("status") == 200) {
      allowed.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
      if (!remainingSeen
          .computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet())
          .add(s.getInt("remaining"))) {
        duplicates.incrementAndGet();
      }
    } else {
      refused.incrementAndGet();
    }
    return s.removeAll("status", "remaining").markAsSucceeded();
  }

  private final ChainBuilder acquire =
      exec(s -> s.set("key", PREFIX + "-" + ThreadLocalRandom.current().nextInt(KEYS)))
          .exec(
              http("acquire")
                  .post(KEY + "acquire")
                  .check(
                      status().in(200, 429).saveAs("status"),
                      jsonPath("$.allowed")
                          .ofBoolean()
                          .transformWithSession(
                              (allowedAnswer, s) -> allowedAnswer == (s.getInt("status") == 200))
                          .is(true),
                      jsonPath("$.remaining").ofInt().saveAs("remaining")))
          .exec(this::record);

  /** "ok", or what is wrong with {@code key}, whose count the node reports as {@code count}. */
  private String verdict(String key, int count) {
    long ok = allowed.getOrDefault(key, new AtomicLong()).get();
    if (ok > LIMIT) {
      return key + " allowed " + ok + " acquires, more than its limit " + LIMIT;
    }
    if (remainingSeen.getOrDefault(key, Set.of()).size() != ok) {
      return key
          + ": "
          + ok
          + " allowed answers but only "
          + remainingSeen.get(key).size()
          + " distinct remaining values";
    }
    if (count < ok || count > Math.min(LIMIT, ok + failed.get())) {
      return key
          + " counts "
          + count
          + " acquires but "
          + ok
          + " were allowed and "
          + failed.get()
          + " acquires (all keys) failed";
    }
    return "ok";
  }

  {
    PopulationBuilder configure =
        scenario("configure")
            .foreach(keys(), "key")
            .on(
                exec(
                    http("configure")
                        .put(KEY + "config")
                        .body(
                            StringBody(
                                "{\"limit\": "
                                    + LIMIT
                                    + ", \"windowSeconds\": "
                                    + WINDOW_SECONDS
                                    + "}"))
                        .check(status().is(200), jsonPath("$.limit").ofInt().is(LIMIT))))
            .injectOpen(atOnceUsers(1));
    PopulationBuilder verify =
        scenario("verify")
            .foreach(keys(), "key")
            .on(
                exec(
                    http("verify key")
                        .get(KEY + "status")
                        .check(
                            status().is(200),
                            jsonPath("$.count")
                                .ofInt()
                                .transformWithSession(
                                    (count, s) -> verdict(s.getString("key"), count))
                                .is("ok"))))
            .injectOpen(atOnceUsers(1));
    setUp(configure.andThen(LoadParams.load("acquire", acquire).andThen(verify)))
        .protocols(LoadParams.protocol())
        .assertions(
            LoadParams.bounds(
                details("configure").failedRequests().count().is(0L),
                details("verify key").failedRequests().count().is(0L)));
  }

  @Override
  public void before() {
    System.out.printf(
        "RateLimiterSimulation: %d keys %s-* (limit %d per %d s) at %s%n",
        KEYS, PREFIX, LIMIT, WINDOW_SECONDS, LoadParams.describe());
  }

  @Override
  public void after() {
    long total = allowed.values().stream().mapToLong(AtomicLong::get).sum();
    long most = allowed.values().stream().mapToLong(AtomicLong::get).max().orElse(0);
    System.out.printf(
        "RateLimiterSimulation: %d acquires allowed (at most %d on one key, limit %d), %d refused,"
            + " %d failed, %d duplicate remaining values%n",
        total, most, LIMIT, refused.get(), failed.get(), duplicates.get());
  }
}

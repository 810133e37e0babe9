package io.durableobjects.loadtest;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The system properties the HTTP simulations share, and their load profile.
 *
 * <p>{@code baseUrl} (http://127.0.0.1:8080), {@code token} (bearer token; none if empty), {@code
 * users} (closed model: that many virtual users, each looping over the scenario's step for {@code
 * durationSec}; default 16), {@code rate} (open model instead: new users per second, each running
 * the step once; 0 = closed model), {@code durationSec} (10), {@code p99Ms} (bound of the global
 * p99, default 2000), {@code maxFailedPercent} (bound of the global failed-request share, default
 * 1.0).
 */
final class LoadParams {
  static final String BASE_URL = System.getProperty("baseUrl", "http://127.0.0.1:8080");
  static final String TOKEN = System.getProperty("token", "");
  static final int USERS = Integer.getInteger("users", 16);
  static final double RATE = Double.parseDouble(System.getProperty("rate", "0"));
  static final int DURATION_SEC = Integer.getInteger("durationSec", 10);
  static final int P99_MS = Integer.getInteger("p99Ms", 2000);
  static final double MAX_FAILED_PERCENT =
      Double.parseDouble(System.getProperty("maxFailedPercent", "1.0"));

  /** Unique per JVM: names of fresh objects, so every run starts from empty ones. */
  static final String RUN = Long.toString(System.currentTimeMillis(), 36);

  private LoadParams() {}

  static HttpProtocolBuilder protocol() {
    HttpProtocolBuilder protocol =
        http.baseUrl(BASE_URL)
            .acceptHeader("application/json")
            .contentTypeHeader("application/json");
    if (RATE > 0) {
      // Open model: a user per request or two; sharing connections avoids a TCP handshake each.
      protocol = protocol.shareConnections();
    }
    return TOKEN.isEmpty() ? protocol : protocol.authorizationHeader("Bearer " + TOKEN);
  }

  /**
   * The main load: {@code step} run by {@code users} looping users for {@code durationSec} (closed
   * model), or once by each of {@code rate} new users per second (open model).
   */
  static PopulationBuilder load(String name, ChainBuilder step) {
    Duration duration = Duration.ofSeconds(DURATION_SEC);
    if (RATE > 0) {
      return scenario(name).exec(step).injectOpen(constantUsersPerSec(RATE).during(duration));
    }
    // exitASAP false: a user finishes its step (and its bookkeeping) once the time is up.
    return scenario(name).during(duration, false).on(step).injectOpen(atOnceUsers(USERS));
  }

  /**
   * The bounds every run asserts, failed requests below {@code maxFailedPercent} and p99 below
   * {@code p99Ms}, followed by a simulation's {@code extra} ones.
   */
  static List<Assertion> bounds(Assertion... extra) {
    List<Assertion> all = new ArrayList<>();
    all.add(global().failedRequests().percent().lt(MAX_FAILED_PERCENT));
    all.add(global().responseTime().percentile(99.0).lt(P99_MS));
    all.addAll(List.of(extra));
    return all;
  }

  static String describe() {
    return String.format(
        Locale.ROOT,
        "%s, %s for %d s (run %s)",
        BASE_URL,
        RATE > 0 ? RATE + " users/s (open model)" : USERS + " users (closed model)",
        DURATION_SEC,
        RUN);
  }
}

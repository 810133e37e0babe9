package io.durableobjects.loadtest;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Durable increments on one counter ({@code POST /v1/counter/by-name/{name}/increment}): the
 * throughput of a single object, whose requests are serialised.
 *
 * <pre>
 * ./mvnw -pl loadtest gatling:test -Dgatling.simulationClass=io.durableobjects.loadtest.HotObjectSimulation \
 *     -DbaseUrl=http://127.0.0.1:8080 -Dusers=16 -DdurationSec=10
 * </pre>
 *
 * <p>Properties: those of {@link LoadParams}, and {@code name} (the counter; default {@code
 * hot-<run>}, new for every run so that it starts at 0).
 *
 * <p>Correctness: every successful increment must answer a count no other increment answered. After
 * the load, "final count" reads the counter; its check fails unless the count is at least the
 * number of successful increments and at most that plus the failed ones (a failed request may still
 * have been applied): with no failures, exactly equal. "final count" must not fail.
 */
public class HotObjectSimulation extends Simulation {
  private static final String NAME = System.getProperty("name", "hot-" + LoadParams.RUN);
  private static final String PATH = "/v1/counter/by-name/" + NAME + "/";

  private final AtomicLong succeeded = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final Set<Long> answers = ConcurrentHashMap.newKeySet();
  private final AtomicLong duplicates = new AtomicLong();

  private final ChainBuilder increment =
      exec(http("increment")
              .post(PATH + "increment")
              .check(status().is(200), bodyString().transform(Long::parseLong).saveAs("count")))
          .exec(
              s -> {
                if (s.isFailed() || !s.contains("count")) {
                  failed.incrementAndGet();
                } else {
                  succeeded.incrementAndGet();
                  if (!answers.add(s.getLong("count"))) {
                    duplicates.incrementAndGet();
                  }
                }
                return s.remove("count").markAsSucceeded();
              });

  private final ScenarioBuilder verify =
      scenario("verify")
          .exec(
              http("final count")
                  .get(PATH)
                  .check(
                      status().is(200),
                      bodyString()
                          .transform(body -> verdict(Long.parseLong(body.trim())))
                          .is("ok")));

  private String verdict(long count) {
    long ok = succeeded.get();
    long maybe = failed.get();
    if (duplicates.get() > 0) {
      return duplicates.get() + " increments answered a count another one answered too";
    }
    if (count < ok || count > ok + maybe) {
      return "count " + count + " but " + ok + " increments succeeded and " + maybe + " failed";
    }
    return "ok";
  }

  {
    setUp(LoadParams.load("hot object", increment).andThen(verify.injectOpen(atOnceUsers(1))))
        .protocols(LoadParams.protocol())
        .assertions(LoadParams.bounds(details("final count").failedRequests().count().is(0L)));
  }

  @Override
  public void before() {
    System.out.println("HotObjectSimulation: counter " + NAME + " at " + LoadParams.describe());
  }

  @Override
  public void after() {
    System.out.printf(
        "HotObjectSimulation: %d increments succeeded, %d failed, %d duplicate answers%n",
        succeeded.get(), failed.get(), duplicates.get());
  }
}

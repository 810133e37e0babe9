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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Durable increments on counters picked uniformly at random among {@code objects} (a million by
 * default): far more objects than a node keeps in memory for long, so most requests activate one
 * (give the namespace a short idle-timeout on the nodes, e.g. {@code
 * -Ddurable-objects.namespaces.counter.idle-timeout=30s}, to keep it that way for long runs).
 * Compare its throughput with {@link SpreadSimulation}'s, whose 10 000 counters all stay active.
 *
 * <pre>
 * ./mvnw -pl loadtest gatling:test -Dgatling.simulationClass=io.durableobjects.loadtest.MillionObjectsSimulation \
 *     -DbaseUrl=http://127.0.0.1:8080 -Dusers=256 -DdurationSec=60 -Dobjects=1000000
 * </pre>
 *
 * <p>Properties: those of {@link LoadParams}, and {@code objects} (1000000), {@code namespace} (a
 * namespace of the examples' Counter class; default {@code counter}), {@code prefix} (the counters'
 * name prefix; default {@code million-<run>}, new for every run), {@code sample} (1000).
 *
 * <p>Correctness: every counter's increments are counted, acknowledged ones and failed ones (which
 * may still have been applied). After the load, "sample count" reads {@code sample} of the counters
 * that were incremented (the lowest-numbered); its check fails unless each count is at least the
 * counter's acknowledged increments and at most that plus its failed ones. "sample count" must not
 * fail.
 */
public class MillionObjectsSimulation extends Simulation {
  private static final int OBJECTS = Integer.getInteger("objects", 1_000_000);
  private static final int SAMPLE = Math.min(OBJECTS, Integer.getInteger("sample", 1_000));
  private static final String NAMESPACE = System.getProperty("namespace", "counter");
  private static final String PREFIX = System.getProperty("prefix", "million-" + LoadParams.RUN);
  private static final String PATH = "/v1/" + NAMESPACE + "/by-name/" + PREFIX + "-";

  // 8 bytes per counter each: 16 MB for a million.
  private final AtomicLongArray acked = new AtomicLongArray(OBJECTS);
  private final AtomicLongArray failed = new AtomicLongArray(OBJECTS);

  private final ChainBuilder increment =
      exec(s -> s.set("object", ThreadLocalRandom.current().nextInt(OBJECTS)))
          .exec(
              http("increment")
                  .post(PATH + "#{object}/increment")
                  .check(status().is(200), bodyString().transform(Long::parseLong).gte(1L)))
          .exec(
              s -> {
                (s.isFailed() ? failed : acked).incrementAndGet(s.getInt("object"));
                return s.markAsSucceeded();
              });

  private final ScenarioBuilder verify =
      scenario("verify")
          .exec(s -> s.set("sample", incremented()))
          .foreach("#{sample}", "object")
          .on(
              exec(
                  http("sample count")
                      .get(PATH + "#{object}/")
                      .check(
                          status().is(200),
                          bodyString()
                              .transformWithSession(
                                  (body, s) ->
                                      verdict(s.getInt("object"), Long.parseLong(body.trim())))
                              .is("ok"))));

  /** Up to {@code sample} of the counters that were sent an increment, lowest first. */
  private List<Integer> incremented() {
    List<Integer> sample = new ArrayList<>();
    for (int i = 0; i < OBJECTS && sample.size() < SAMPLE; i++) {
      if (acked.get(i) + failed.get(i) > 0) {
        sample.add(i);
      }
    }
    return sample;
  }

  private String verdict(int object, long count) {
    long ok = acked.get(object);
    long maybe = failed.get(object);
    if (count < ok || count > ok + maybe) {
      return "counter "
          + object
          + " is "
          + count
          + " but "
          + ok
          + " increments succeeded and "
          + maybe
          + " failed";
    }
    return "ok";
  }

  {
    setUp(LoadParams.load("million objects", increment).andThen(verify.injectOpen(atOnceUsers(1))))
        .protocols(LoadParams.protocol())
        .assertions(LoadParams.bounds(details("sample count").failedRequests().count().is(0L)));
  }

  @Override
  public void before() {
    System.out.println(
        "MillionObjectsSimulation: "
            + OBJECTS
            + " counters "
            + PATH
            + "<n>, "
            + SAMPLE
            + " of them checked, at "
            + LoadParams.describe());
  }

  @Override
  public void after() {
    long ok = 0;
    long maybe = 0;
    for (int i = 0; i < OBJECTS; i++) {
      ok += acked.get(i);
      maybe += failed.get(i);
    }
    System.out.printf(
        "MillionObjectsSimulation: %d acknowledged increments, %d failed%n", ok, maybe);
  }
}

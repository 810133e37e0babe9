package io.durableobjects.loadtest;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads of warm objects: first {@code warmUsers} users increment each of {@code objects} fresh
 * counters once ("warm"), so they are active and hold a count; then, optionally, {@code
 * baselineSec} seconds of {@code GET /health/alive} ("baseline alive": a route that touches no
 * object, the gateway's own cost) by {@code users} users; then the load proper, {@code GET
 * /v1/counter/by-name/{name}/} of a random warm counter ("read"), whose answer must be at least 1.
 *
 * <pre>
 * ./mvnw -pl loadtest gatling:test -Dgatling.simulationClass=io.durableobjects.loadtest.ReadSimulation \
 *     -DbaseUrl=http://127.0.0.1:8080 -Dusers=32 -DdurationSec=10 -Dobjects=1000 -DbaselineSec=5
 * </pre>
 *
 * <p>Properties: those of {@link LoadParams}, and {@code objects} (1000), {@code warmUsers} (8),
 * {@code baselineSec} (5; 0 leaves the baseline out), {@code prefix} (the counters' name prefix;
 * default {@code read-<run>}). Compare "read" with "baseline alive" in the report.
 */
public class ReadSimulation extends Simulation {
  private static final int OBJECTS = Integer.getInteger("objects", 1000);
  private static final int WARM_USERS = Integer.getInteger("warmUsers", 8);
  private static final int BASELINE_SEC = Integer.getInteger("baselineSec", 5);
  private static final String PREFIX = System.getProperty("prefix", "read-" + LoadParams.RUN);

  private final AtomicInteger nextToWarm = new AtomicInteger();

  private Session claim(Session s) {
    return s.set("i", nextToWarm.getAndIncrement());
  }

  private final ChainBuilder read =
      exec(s -> s.set("object", PREFIX + "-" + ThreadLocalRandom.current().nextInt(OBJECTS)))
          .exec(
              http("read")
                  .get("/v1/counter/by-name/#{object}/")
                  .check(
                      status().is(200),
                      bodyString().transform(b -> Long.parseLong(b.trim())).gte(1L)));

  {
    PopulationBuilder warm =
        scenario("warm")
            .exec(this::claim)
            .asLongAs(s -> s.getInt("i") < OBJECTS)
            .on(
                exec(http("warm")
                        .post("/v1/counter/by-name/" + PREFIX + "-#{i}/increment")
                        .check(status().is(200)))
                    .exec(this::claim))
            .injectOpen(atOnceUsers(WARM_USERS));
    PopulationBuilder load = LoadParams.load("read", read);
    if (BASELINE_SEC > 0) {
      load =
          scenario("baseline")
              .during(Duration.ofSeconds(BASELINE_SEC))
              .on(exec(http("baseline alive").get("/health/alive").check(status().is(200))))
              .injectOpen(atOnceUsers(LoadParams.RATE > 0 ? 1 : LoadParams.USERS))
              .andThen(load);
    }
    setUp(warm.andThen(load)).protocols(LoadParams.protocol()).assertions(LoadParams.bounds());
  }

  @Override
  public void before() {
    System.out.println(
        "ReadSimulation: " + OBJECTS + " counters " + PREFIX + "-* at " + LoadParams.describe());
  }
}

package io.durableobjects.loadtest;

import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Simulation;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Durable increments on counters chosen at random among {@code objects}: the throughput of many
 * objects, each activated on first use (so the first minutes include activations).
 *
 * <pre>
 * ./mvnw -pl loadtest gatling:test -Dgatling.simulationClass=io.durableobjects.loadtest.SpreadSimulation \
 *     -DbaseUrl=http://127.0.0.1:8080 -Dusers=32 -DdurationSec=10 -Dobjects=10000
 * </pre>
 *
 * <p>Properties: those of {@link LoadParams}, and {@code objects} (10000), {@code prefix} (the
 * counters' name prefix; default {@code spread-<run>}, new for every run).
 */
public class SpreadSimulation extends Simulation {
  private static final int OBJECTS = Integer.getInteger("objects", 10_000);
  private static final String PREFIX = System.getProperty("prefix", "spread-" + LoadParams.RUN);

  private final ChainBuilder increment =
      exec(s -> s.set("object", PREFIX + "-" + ThreadLocalRandom.current().nextInt(OBJECTS)))
          .exec(
              http("increment")
                  .post("/v1/counter/by-name/#{object}/increment")
                  .check(status().is(200), bodyString().transform(Long::parseLong).gte(1L)));

  {
    setUp(LoadParams.load("spread", increment))
        .protocols(LoadParams.protocol())
        .assertions(LoadParams.bounds());
  }

  @Override
  public void before() {
    System.out.println(
        "SpreadSimulation: " + OBJECTS + " counters " + PREFIX + "-* at " + LoadParams.describe());
  }
}

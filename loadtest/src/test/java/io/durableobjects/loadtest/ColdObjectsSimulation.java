package io.durableobjects.loadtest;

import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Simulation;
import java.util.concurrent.atomic.AtomicLong;

/**
 * First requests to new objects: every request is a GET of a counter never used before, so each one
 * activates an object that has no state (the journal is read and found empty). What a node costs
 * per new object, as opposed to {@link SpreadSimulation}'s active ones. Each answer must be {@code
 * 0}.
 *
 * <pre>
 * ./mvnw -pl loadtest gatling:test -Dgatling.simulationClass=io.durableobjects.loadtest.ColdObjectsSimulation \
 *     -DbaseUrl=http://127.0.0.1:8080 -Dusers=256 -DdurationSec=30
 * </pre>
 *
 * <p>Properties: those of {@link LoadParams} (closed model with {@code users}, or open model with
 * {@code rate} new objects per second), and {@code namespace} (a namespace of the examples' Counter
 * class; default {@code counter}), {@code prefix} (the counters' name prefix; default {@code
 * cold-<run>}, new for every run, so no name is ever reused).
 */
public class ColdObjectsSimulation extends Simulation {
  private static final String NAMESPACE = System.getProperty("namespace", "counter");
  private static final String PREFIX = System.getProperty("prefix", "cold-" + LoadParams.RUN);

  private final AtomicLong next = new AtomicLong();

  private final ChainBuilder first =
      exec(s -> s.set("object", PREFIX + "-" + next.getAndIncrement()))
          .exec(
              http("first request")
                  .get("/v1/" + NAMESPACE + "/by-name/#{object}/")
                  .check(status().is(200), bodyString().is("0")));

  {
    setUp(LoadParams.load("cold objects", first))
        .protocols(LoadParams.protocol())
        .assertions(LoadParams.bounds());
  }

  @Override
  public void before() {
    System.out.println(
        "ColdObjectsSimulation: new counters /v1/"
            + NAMESPACE
            + "/by-name/"
            + PREFIX
            + "-<n> at "
            + LoadParams.describe());
  }

  @Override
  public void after() {
    System.out.println("ColdObjectsSimulation: " + next.get() + " objects requested");
  }
}

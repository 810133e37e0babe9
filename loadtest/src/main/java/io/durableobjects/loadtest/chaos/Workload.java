package io.durableobjects.loadtest.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The load of one run, on the run's own objects, through the gateways a load balancer would route
 * to (those whose {@code /health/ready} answers 200, polled every 250 ms):
 *
 * <ul>
 *   <li>clients incrementing counters <i>without</i> a key ({@code POST
 *       /v1/counter/by-name/{name}/increment}, the new count as text): after a failure each retries
 *       (after {@code Retry-After}, or 200 ms) as a new increment, the failed attempt counted as
 *       ambiguous unless it certainly did not apply;
 *   <li>clients incrementing counters <i>with</i> an {@code Idempotency-Key}: each increment is
 *       retried with its key until it is acknowledged; one in ten is sent once more after its
 *       answer (it must answer the same);
 *   <li>clients scheduling reminders ({@code POST /v1/reminder/by-name/{name}/schedule?in=2s..8s},
 *       with a key, retried the same way), one a second each;
 *   <li>readers ({@code GET /v1/counter/by-name/{name}/}), checked against what was acknowledged
 *       before each read was sent.
 * </ul>
 *
 * Everything is recorded in the {@link Ledger}. {@link #stop} stops new work and lets keyed
 * increments and reminders still being retried finish, for up to the drain time.
 */
final class Workload {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Http http;
  private final List<String> gateways;
  private final Ledger ledger;
  private final List<String> unkeyed;
  private final List<String> keyed;
  private final List<String> reminderObjects;
  private final Set<String> ready = ConcurrentHashMap.newKeySet();
  private final List<Thread> threads = new ArrayList<>();
  private final List<Thread> pollers = new ArrayList<>();
  private volatile boolean sending = true;
  private volatile boolean polling = true;
  private volatile long drainDeadline = Long.MAX_VALUE;
  private final java.util.concurrent.ConcurrentLinkedQueue<String> clientErrors =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  Workload(
      Http http,
      List<String> gateways,
      Ledger ledger,
      List<String> unkeyed,
      List<String> keyed,
      List<String> reminderObjects) {
    this.http = http;
    this.gateways = List.copyOf(gateways);
    this.ledger = ledger;
    this.unkeyed = List.copyOf(unkeyed);
    this.keyed = List.copyOf(keyed);
    this.reminderObjects = List.copyOf(reminderObjects);
  }

  /** Starts the readiness pollers and the clients (the counts are per kind). */
  Workload start(int unkeyedClients, int keyedClients, int reminderClients, int readers) {
    for (String gateway : gateways) {
      pollers.add(daemon("ready-" + gateway, () -> pollReadiness(gateway)));
    }
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (ready.isEmpty() && System.nanoTime() < until) {
      Processes.sleep(50);
    }
    for (int i = 0; i < unkeyedClients; i++) {
      threads.add(daemon("unkeyed-" + i, this::unkeyedClient));
    }
    for (int i = 0; i < keyedClients; i++) {
      threads.add(daemon("keyed-" + i, this::keyedClient));
    }
    for (int i = 0; i < reminderClients; i++) {
      threads.add(daemon("reminders-" + i, this::reminderClient));
    }
    for (int i = 0; i < readers; i++) {
      threads.add(daemon("reader-" + i, this::reader));
    }
    return this;
  }

  /** Stops new work; waits up to {@code drain} for retries in progress, then for every client. */
  void stop(Duration drain) {
    drainDeadline = System.nanoTime() + drain.toNanos();
    sending = false;
    for (Thread thread : threads) {
      try {
        thread.join(drain.plus(Http.REQUEST_TIMEOUT).plusSeconds(5).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    polling = false;
  }

  // -- clients --------------------------------------------------------------------------------

  private void unkeyedClient() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (sending) {
      String counter = unkeyed.get(random.nextInt(unkeyed.size()));
      // Retried as a new increment until one is acknowledged (or the run stops sending).
      while (sending) {
        long sent = System.nanoTime();
        Http.Result result = post(counterPath(counter) + "increment", null, null);
        if (result == null) {
          continue;
        }
        if (result.ok()) {
          ledger.acknowledged(
              counter, new Ledger.Ack(parseLong(result.body()), sent, System.nanoTime()));
          break;
        }
        if (result.kind() == Http.Kind.AMBIGUOUS) {
          ledger.ambiguous(counter);
        }
        backOff(result);
      }
    }
  }

  private void keyedClient() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (sending) {
      String counter = keyed.get(random.nextInt(keyed.size()));
      String key = UUID.randomUUID().toString();
      boolean mayHaveApplied = false;
      Http.Result result = null;
      long sent = 0;
      while (System.nanoTime() < drainDeadline) {
        sent = System.nanoTime();
        result = post(counterPath(counter) + "increment", key, null);
        if (result == null) {
          continue;
        }
        if (result.ok()) {
          break;
        }
        mayHaveApplied |= result.kind() == Http.Kind.AMBIGUOUS;
        backOff(result);
      }
      if (result == null || !result.ok()) {
        ledger.abandoned(counter, mayHaveApplied);
        continue;
      }
      long value = parseLong(result.body());
      ledger.acknowledged(counter, key, new Ledger.Ack(value, sent, System.nanoTime()));
      if (random.nextInt(10) == 0) {
        Http.Result replay = post(counterPath(counter) + "increment", key, null);
        if (replay != null && replay.ok() && parseLong(replay.body()) != value) {
          ledger.replayMismatch(counter, key, value, parseLong(replay.body()));
        }
      }
    }
  }

  private void reminderClient() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (sending) {
      String object = reminderObjects.get(random.nextInt(reminderObjects.size()));
      String key = UUID.randomUUID().toString();
      String text = "chaos " + key;
      String delay = (2 + random.nextInt(7)) + "s";
      boolean mayHaveApplied = false;
      Http.Result result = null;
      while (System.nanoTime() < drainDeadline) {
        result = post("/v1/reminder/by-name/" + object + "/schedule?in=" + delay, key, text);
        if (result == null) {
          continue;
        }
        if (result.ok()) {
          break;
        }
        mayHaveApplied |= result.kind() == Http.Kind.AMBIGUOUS;
        backOff(result);
      }
      if (result != null && result.ok()) {
        try {
          JsonNode scheduled = JSON.readTree(result.body());
          ledger.reminder(
              new Ledger.Reminder(
                  object,
                  scheduled.get("id").asLong(),
                  scheduled.get("text").asText(),
                  Instant.parse(scheduled.get("due").asText())));
        } catch (Exception e) {
          throw new IllegalStateException("unexpected answer to a schedule: " + result, e);
        }
      } else if (mayHaveApplied) {
        ledger.remindersAmbiguous.incrementAndGet();
      }
      pause(1000);
    }
  }

  private void reader() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (sending) {
      boolean keyedOne = random.nextBoolean();
      List<String> counters = keyedOne ? keyed : unkeyed;
      String counter = counters.get(random.nextInt(counters.size()));
      long floor = ledger.highestAcknowledged(counter);
      String gateway = pickGateway(random);
      if (gateway == null) {
        pause(100);
        continue;
      }
      Http.Result result =
          http.send(Http.request(gateway + counterPath(counter)).GET().build(), 200);
      if (result.ok()) {
        ledger.read(counter, floor, parseLong(result.body()));
      }
      pause(50);
    }
  }

  // -- plumbing -------------------------------------------------------------------------------

  static String counterPath(String counter) {
    return "/v1/counter/by-name/" + counter + "/";
  }

  /** A POST through a ready gateway; null (after a short pause) when none is ready. */
  private Http.Result post(String path, String key, String text) {
    String gateway = pickGateway(ThreadLocalRandom.current());
    if (gateway == null) {
      pause(100);
      return null;
    }
    HttpRequest.Builder request =
        Http.request(gateway + path)
            .POST(
                text == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(text));
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return http.send(request.build(), 200, 201);
  }

  private String pickGateway(ThreadLocalRandom random) {
    List<String> candidates = new ArrayList<>(ready);
    return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
  }

  private void backOff(Http.Result result) {
    long millis = result.retryAfter().map(Duration::toMillis).orElse(200L);
    pause(Math.min(millis, 2000));
  }

  private void pollReadiness(String gateway) {
    while (polling) {
      if (http.probe(gateway + "/health/ready", Duration.ofSeconds(1)).ok()) {
        ready.add(gateway);
      } else {
        ready.remove(gateway);
      }
      pause(250);
    }
  }

  private static long parseLong(String body) {
    try {
      return Long.parseLong(body.strip());
    } catch (NumberFormatException e) {
      throw new IllegalStateException("a counter answered '" + Http.abbreviate(body) + "'", e);
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Errors that ended a client (an answer the suite did not expect). */
  List<String> clientErrors() {
    return List.copyOf(clientErrors);
  }

  private Thread daemon(String name, Runnable body) {
    Runnable guarded =
        () -> {
          try {
            body.run();
          } catch (RuntimeException e) {
            clientErrors.add(name + ": " + e.getMessage());
          }
        };
    Thread thread = new Thread(guarded, "chaos-" + name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}

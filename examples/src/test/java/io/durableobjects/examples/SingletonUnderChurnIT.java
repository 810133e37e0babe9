package io.durableobjects.examples;

import static io.durableobjects.examples.InJvmCluster.address;
import static io.durableobjects.examples.InJvmCluster.httpPort;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.durableobjects.cassandra.testkit.CassandraExtension;
import io.durableobjects.gateway.DurableObjectsServer;
import io.durableobjects.testsupport.Await;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Singleton per ID under churn (issue 7). Client threads increment 50 {@link SingletonProbe}
 * counters through the gateways of whatever nodes are running, while the cluster changes: a node
 * leaves gracefully and a new one joins, the oldest node (the shard coordinator's) leaves and a new
 * one joins, a node is cut off from the others (the split-brain resolver downs it, and it downs
 * itself) and a new one joins, and a node is cut off and at once downed by an operator.
 *
 * <p>Every increment carries an Idempotency-Key and is retried with it, on another node, until it
 * is acknowledged, so each is applied exactly once. Then: no object ever had two live instances
 * ({@link SingletonProbe.Ledger}: in-flight at most one, no instance serving after a newer one was
 * created), every object's acknowledged counts are exactly 1..n in the order of its instances, and
 * its durable count is n, the number of its acknowledged increments.
 *
 * <p>The cluster is the run's shared one ({@link SharedInJvmCluster}, whose configuration has the
 * probe namespace, Artery's test mode and a split-brain resolver's {@code stable-after} of 3 s
 * instead of 20 s, so the test stays short; it is also the margin sharding waits after a downed
 * node is removed before it starts that node's objects elsewhere).
 *
 * <p>An operator's Down of a node that is still reachable is left out: with Pekko 1.2.1 the downed
 * node, while it shuts down, may quarantine a survivor, whose split-brain resolver then downs it
 * too (DownSelfQuarantinedByRemote, for a quarantine from any member, even a Down one), and the
 * cluster loses two nodes instead of one.
 */
@ExtendWith({CassandraExtension.class, SharedInJvmCluster.class})
@Timeout(240)
class SingletonUnderChurnIT {
  private static final int OBJECTS = 50;
  private static final int CLIENTS = 6;

  /** How long a client keeps retrying one increment before it gives up (then counted). */
  private static final Duration GIVE_UP_AFTER = Duration.ofSeconds(45);

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final List<Integer> ports = new CopyOnWriteArrayList<>();
  private final Map<String, List<Ack>> acks = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> abandoned = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong acknowledged = new AtomicLong();
  private volatile boolean loadRunning = true;

  /** An acknowledged increment: the count it answered and the instance that served it. */
  private record Ack(long count, long instance) {}

  @Test
  void noObjectEverRunsTwiceAndNoAcknowledgedIncrementIsLost(InJvmCluster cluster)
      throws Exception {
    long started = System.nanoTime();
    List<String> churn = new ArrayList<>();
    List<Thread> clients = new ArrayList<>();
    try {
      cluster.ensureNodes(3).nodes().forEach(node -> ports.add(httpPort(node)));
      for (int i = 0; i < CLIENTS; i++) {
        Thread client = new Thread(this::incrementUntilStopped, "churn-client-" + i);
        client.start();
        clients.add(client);
      }
      churn.add("load @" + now());
      awaitMoreAcknowledged(100);

      // 1. A node leaves gracefully; a new one joins.
      DurableObjectsServer leaving = cluster.nodes().get(1);
      churn.add(step("leave", leaving));
      stopGracefully(cluster, leaving);
      churn.add(step("joined", join(cluster)));
      awaitMoreAcknowledged(100);

      // 2. The oldest node, which runs the shard coordinator, leaves; a new one joins.
      leaving = cluster.nodes().get(0);
      churn.add(step("leave-oldest", leaving));
      stopGracefully(cluster, leaving);
      churn.add(step("joined", join(cluster)));
      awaitMoreAcknowledged(100);

      // 3. A node is cut off; both sides' split-brain resolvers down it. Clients keep using its
      // gateway until it is gone. A new node joins.
      DurableObjectsServer isolated = cluster.nodes().get(0);
      churn.add(step("partition", isolated));
      cluster.isolate(isolated);
      cluster.awaitTerminated(isolated, Duration.ofSeconds(60));
      ports.remove(Integer.valueOf(httpPort(isolated)));
      cluster.awaitUp(2);
      churn.add(step("joined", join(cluster)));
      awaitMoreAcknowledged(100);

      // 4. A node stops answering the others (crashed, as far as they can tell) and an operator
      // downs it at once, before the split-brain resolver would: only sharding's removal margin
      // keeps its objects from starting elsewhere before it has stopped them.
      DurableObjectsServer downed = cluster.nodes().get(0);
      churn.add(step("isolate+down", downed));
      cluster.isolate(downed);
      Cluster.get(cluster.nodes().get(1).system()).manager().tell(new Down(address(downed)));
      cluster.awaitTerminated(downed, Duration.ofSeconds(60));
      ports.remove(Integer.valueOf(httpPort(downed)));
      cluster.awaitUp(2);
      awaitMoreAcknowledged(100);

      loadRunning = false;
      for (Thread client : clients) {
        client.join(GIVE_UP_AFTER.plusSeconds(30).toMillis());
        assertThat(client.isAlive()).as("%s finished", client.getName()).isFalse();
      }

      long maxInFlight = 0;
      long maxInstances = 0;
      long activations = 0;
      long totalAbandoned = 0;
      List<String> staleServes = new ArrayList<>();
      for (int i = 0; i < OBJECTS; i++) {
        String name = name(i);
        String id = cluster.idFromName("probe", name).toString();
        SingletonProbe.Ledger ledger = SingletonProbe.ledger(id);
        maxInFlight = Math.max(maxInFlight, ledger.maxInFlight());
        maxInstances = Math.max(maxInstances, ledger.maxConcurrentInstances());
        activations += ledger.activations();
        staleServes.addAll(ledger.staleServes().stream().map(s -> name + ": " + s).toList());

        List<Ack> objectAcks = new ArrayList<>(acks.getOrDefault(name, List.of()));
        objectAcks.sort(Comparator.comparingLong(Ack::count));
        long lost = abandoned.getOrDefault(name, new AtomicLong()).get();
        totalAbandoned += lost;
        long durable = count(cluster, name);
        if (lost == 0) {
          assertThat(objectAcks.stream().map(Ack::count))
              .as("%s: acknowledged counts", name)
              .containsExactlyElementsOf(
                  LongStream.rangeClosed(1, objectAcks.size()).boxed().toList());
          assertThat(durable).as("%s: durable count", name).isEqualTo(objectAcks.size());
        } else {
          // An increment given up on may or may not have been applied.
          assertThat(objectAcks.stream().map(Ack::count).distinct().count())
              .isEqualTo(objectAcks.size());
          assertThat(durable).isBetween((long) objectAcks.size(), objectAcks.size() + lost);
        }
        assertThat(objectAcks.stream().map(Ack::instance))
            .as("%s: serving instances in commit order", name)
            .isSorted();
      }
      System.out.printf(
          "SingletonUnderChurnIT summary: %d requests, %d increments acknowledged, failed"
              + " attempts by status %s, %d increments given up, %d activations of %d objects,"
              + " max concurrent instances %d, max in-flight per object %d, %d stale serves;"
              + " churn %s; %d s%n",
          requests.get(),
          acknowledged.get(),
          new TreeMap<>(failures),
          totalAbandoned,
          activations,
          OBJECTS,
          maxInstances,
          maxInFlight,
          staleServes.size(),
          churn,
          Duration.ofNanos(System.nanoTime() - started).toSeconds());
      assertThat(staleServes).as("instances serving after a newer one was created").isEmpty();
      assertThat(maxInstances).as("max concurrent instances of an object").isEqualTo(1);
      assertThat(maxInFlight).as("max requests in flight in one object").isEqualTo(1);
      assertThat(totalAbandoned).as("increments never acknowledged").isZero();
    } finally {
      loadRunning = false;
      for (Thread client : clients) {
        client.interrupt();
      }
    }
  }

  private String name(int i) {
    return "churn-" + run + "-" + i;
  }

  /** A churn step, with the wall-clock time it began (to match the nodes' logs). */
  private static String step(String what, DurableObjectsServer node) {
    return what + " " + address(node).port().get() + " @" + now();
  }

  private static String now() {
    return LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss"));
  }

  private DurableObjectsServer join(InJvmCluster cluster) throws Exception {
    DurableObjectsServer node = cluster.startNode();
    cluster.awaitUp(cluster.nodes().size());
    ports.add(httpPort(node));
    return node;
  }

  private void stopGracefully(InJvmCluster cluster, DurableObjectsServer node)
      throws InterruptedException {
    cluster.stop(node); // clients meet its drain and closed port, and retry elsewhere
    ports.remove(Integer.valueOf(httpPort(node)));
    cluster.awaitUp(cluster.nodes().size());
  }

  private void awaitMoreAcknowledged(long more) throws InterruptedException {
    long target = acknowledged.get() + more;
    Await.until(
        more + " more increments acknowledged",
        Duration.ofSeconds(60),
        () -> acknowledged.get() >= target);
  }

  /** One client: increments random objects through random running nodes until the load stops. */
  private void incrementUntilStopped() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (loadRunning) {
      String name = name(random.nextInt(OBJECTS));
      String key = run + "-" + UUID.randomUUID();
      long giveUp = System.nanoTime() + GIVE_UP_AFTER.toNanos();
      while (!incrementOnce(name, key)) {
        if (System.nanoTime() > giveUp || Thread.currentThread().isInterrupted()) {
          abandoned.computeIfAbsent(name, n -> new AtomicLong()).incrementAndGet();
          break;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /** One attempt; true if acknowledged. */
  private boolean incrementOnce(String name, String key) {
    List<Integer> running = List.copyOf(ports);
    int port = running.get(ThreadLocalRandom.current().nextInt(running.size()));
    requests.incrementAndGet();
    String failure;
    try {
      HttpResponse<String> response =
          NodeFixture.postIdempotent(port, "/v1/probe/by-name/" + name + "/increment", key);
      if (response.statusCode() == 200) {
        long instance = Long.parseLong(response.headers().firstValue("Instance").orElseThrow());
        acks.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>())
            .add(new Ack(Long.parseLong(response.body()), instance));
        acknowledged.incrementAndGet();
        return true;
      }
      failure = response.statusCode() + " " + errorCode(response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = "interrupted";
    } catch (Exception e) {
      failure = e.getClass().getSimpleName();
    }
    failures.computeIfAbsent(failure, f -> new AtomicLong()).incrementAndGet();
    return false;
  }

  /** The error code and the start of the message (object IDs elided), to group failures by. */
  private static String errorCode(String body) {
    try {
      JsonNode error = JsonResponses.JSON.readTree(body);
      String message = error.path("message").asText().replaceAll("[0-9a-f]{64}", "<id>");
      return error.path("error").asText()
          + " ("
          + (message.length() > 60 ? message.substring(0, 60) + "..." : message)
          + ")";
    } catch (Exception e) {
      return "non-JSON body";
    }
  }

  private long count(InJvmCluster cluster, String name) throws Exception {
    HttpResponse<String> response =
        NodeFixture.get(httpPort(cluster.nodes().get(0)), "/v1/probe/by-name/" + name + "/");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Long.parseLong(response.body());
  }
}

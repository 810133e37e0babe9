package io.durableobjects.examples;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.DurableObjectNamespace;
import io.durableobjects.core.DurableObjects;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.core.admin.ObjectInspection;
import io.durableobjects.core.admin.PendingAlarm;
import io.durableobjects.core.admin.StoredEntry;
import io.durableobjects.testsupport.OneNodeCluster;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.japi.function.Creator;

/**
 * A one-node cluster with the demo's namespaces (application.conf) on the in-memory journal, for
 * the examples' unit tests; every message goes through the cluster serializer ({@link
 * OneNodeCluster}, the harness core's tests share).
 */
final class ExampleNode implements AutoCloseable {
  /** The in-memory journal, catalog and alarm index instead of Cassandra's. */
  private static final Config IN_MEMORY_SPIS =
      ConfigFactory.parseString(
          """
          durable-objects.journal.plugin-id = ""
          durable-objects.journal.snapshot-plugin-id = ""
          durable-objects.catalog.class = ""
          durable-objects.alarms.index-class = ""
          """);

  private final ActorTestKit testKit;

  ExampleNode(String name) {
    this(name, ConfigFactory.empty());
  }

  /** A node whose configuration also has {@code overrides} (e.g. namespaces of test objects). */
  ExampleNode(String name, Config overrides) {
    testKit =
        OneNodeCluster.start(name, overrides.withFallback(IN_MEMORY_SPIS), ConfigFactory.load());
  }

  DurableObjectNamespace namespace(String name) {
    return DurableObjects.get(testKit.system()).namespace(name);
  }

  Response call(String namespace, String object, Request request) throws Exception {
    DurableObjectNamespace ns = namespace(namespace);
    try {
      return ns.get(ns.idFromName(object))
          .fetch(request)
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      // A refusal the object threw (its writes rolled back) reaches an HTTP client as this answer.
      if (e.getCause() instanceof DurableObjectException refused && refused.status() < 500) {
        return Response.error(refused.status(), refused.code(), refused.getMessage());
      }
      throw e;
    }
  }

  /** What the admin API sees of the object: its committed keys and its pending alarms. */
  ObjectInspection inspect(String namespace, String object) throws Exception {
    DurableObjectNamespace ns = namespace(namespace);
    return DurableObjects.get(testKit.system())
        .admin()
        .inspect(ns.idFromName(object), Optional.empty(), 1000)
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  /** The keys the object stores, in key order. */
  List<String> storedKeys(String namespace, String object) throws Exception {
    return inspect(namespace, object).entries().stream().map(StoredEntry::key).toList();
  }

  /** The names of the object's pending alarms, in order of name. */
  List<String> alarmNames(String namespace, String object) throws Exception {
    return inspect(namespace, object).alarms().stream().map(PendingAlarm::name).toList();
  }

  /**
   * Runs {@code check} until it passes or {@code max}, scaled by {@code
   * pekko.actor.testkit.typed.timefactor}, is over; then fails with its last error.
   */
  void awaitAssert(Duration max, Creator<?> check) {
    testKit.createTestProbe().awaitAssert(max, Duration.ofMillis(100), check);
  }

  @Override
  public void close() {
    testKit.shutdownTestKit();
  }
}

package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.core.DurableObjectNamespace;
import io.durableobjects.core.DurableObjects;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.core.admin.ObjectInspection;
import io.durableobjects.core.admin.PendingAlarm;
import io.durableobjects.core.admin.StoredEntry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.japi.function.Creator;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;

/**
 * A one-node cluster with the demo's namespaces (application.conf) on the in-memory journal, for
 * the examples' unit tests; every message goes through the cluster serializer.
 */
final class ExampleNode implements AutoCloseable {
  private final ActorTestKit testKit;

  ExampleNode(String name) {
    this(name, ConfigFactory.empty());
  }

  /** A node whose configuration also has {@code overrides} (e.g. namespaces of test objects). */
  ExampleNode(String name, Config overrides) {
    testKit =
        ActorTestKit.create(
            name,
            overrides.withFallback(ConfigFactory.parseString(
                    """
                    pekko.actor.provider = cluster
                    pekko.remote.artery.canonical { hostname = "127.0.0.1", port = 0 }
                    pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                    pekko.loglevel = WARNING
                    pekko.actor.serialize-messages = on
                    # The in-memory journal below instead of the Cassandra plugin.
                    durable-objects.journal.plugin-id = ""
                    durable-objects.journal.snapshot-plugin-id = ""
                    # ...and the in-memory catalog and alarm index instead of Cassandra's.
                    durable-objects.catalog.class = ""
                    durable-objects.alarms.index-class = ""
                    """)
                .withFallback(PersistenceTestKitPlugin.getInstance().config())
                .withFallback(PersistenceTestKitSnapshotPlugin.config())
                .withFallback(ConfigFactory.load())));
    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(10),
            () -> {
              assertThat(cluster.selfMember().status()).isEqualTo(MemberStatus.up());
              return null;
            });
  }

  DurableObjectNamespace namespace(String name) {
    return DurableObjects.get(testKit.system()).namespace(name);
  }

  Response call(String namespace, String object, Request request) throws Exception {
    DurableObjectNamespace ns = namespace(namespace);
    return ns.get(ns.idFromName(object)).fetch(request).toCompletableFuture().get(10, TimeUnit.SECONDS);
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

package io.durableobjects.core.internal.entity;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.core.Request;
import io.durableobjects.core.internal.DurableObjectsSettings;
import io.durableobjects.core.internal.InMemoryAlarmIndex;
import io.durableobjects.core.internal.InMemoryObjectCatalog;
import io.durableobjects.core.internal.NamespaceSettings;
import io.durableobjects.core.internal.NodeServices;
import io.durableobjects.core.internal.ObjectIds;
import io.durableobjects.core.internal.storage.StorageSettings;
import io.durableobjects.core.internal.storage.ValueCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;

/**
 * One object actor without sharding, for tests at the level of its messages: the persistence
 * testkit's in-memory journal, Pekko's {@link ManualTime} for its timers (request timeouts, alarm
 * timers) and a manual wall clock for alarm due times; both move only when the test says so ({@link
 * #advance}). Every message to the actor goes through the serializer.
 */
public final class EntityTestKit {
  public static final String NAMESPACE = "scripted";

  public final ActorTestKit testKit;
  public final ManualTime time;
  public final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  public final PersistenceTestKit journal;
  public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  public final InMemoryAlarmIndex alarmIndex = new InMemoryAlarmIndex();
  final TestProbe<ClusterSharding.ShardCommand> shard;
  private final ObjectEntity.Config config;

  public EntityTestKit(String name, Class<?> objectClass, String hocon) {
    Config conf =
        ConfigFactory.parseString(
                hocon
                    + "\ndurable-objects.namespaces."
                    + NAMESPACE
                    + ".class = \""
                    + objectClass.getName()
                    + "\"\npekko.actor.serialize-messages = on\npekko.loglevel = WARNING\n"
                    // Manual time moves the journal's own timeouts too: out of the way with them.
                    + "pekko.persistence.journal-plugin-fallback.circuit-breaker.call-timeout = 3650d\n"
                    + "pekko.persistence.journal-plugin-fallback.recovery-event-timeout = 3650d\n"
                    + "pekko.persistence.snapshot-store-plugin-fallback.circuit-breaker.call-timeout = 3650d\n")
            .withFallback(ManualTime.config())
            .withFallback(PersistenceTestKitPlugin.getInstance().config())
            .withFallback(PersistenceTestKitSnapshotPlugin.config())
            .withFallback(ConfigFactory.load());
    testKit = ActorTestKit.create(name, conf);
    time = ManualTime.get(testKit.system());
    journal = PersistenceTestKit.create(testKit.system());
    shard = testKit.createTestProbe();
    DurableObjectsSettings settings =
        DurableObjectsSettings.fromConfig(conf, getClass().getClassLoader());
    NamespaceSettings namespace = settings.namespaces().get(NAMESPACE);
    ObjectMapper mapper =
        JacksonObjectMapperProvider.get(testKit.system())
            .getOrCreate("jackson-json", Optional.empty());
    // No calls leave the object in these tests: no env and no caller.
    NodeServices services =
        new NodeServices(
            new ValueCodec(mapper, StorageSettings.fromConfig(conf)),
            mapper,
            () -> null,
            new InMemoryObjectCatalog(),
            alarmIndex,
            meters,
            null);
    config = ObjectEntity.Config.of(namespace, settings, services, clock);
  }

  /** Spawns the object of this name. */
  public ActorRef<ObjectCommand> spawn(String objectName) {
    String hex = ObjectIds.fromName(NAMESPACE, objectName);
    return testKit.spawn(
        ObjectEntity.create(config, persistenceId(objectName), hex, shard.getRef()),
        "object-" + objectName);
  }

  /** The persistence ID of the object of this name, as its journal has it. */
  public String persistenceIdOf(String objectName) {
    return persistenceId(objectName).id();
  }

  static PersistenceId persistenceId(String objectName) {
    return PersistenceId.of(
        "durable-object-" + NAMESPACE, ObjectIds.fromName(NAMESPACE, objectName));
  }

  /**
   * The object's admin view. Once it answers, every call and timer message before it has been
   * handled (the input gate is serial), so a delivery that was due has happened.
   */
  public FetchReply.Inspected inspect(ActorRef<ObjectCommand> object) {
    TestProbe<FetchReply> reply = testKit.createTestProbe();
    object.tell(
        new ObjectCommand.Admin(ObjectCommand.AdminOperation.INSPECT, null, 100, reply.getRef()));
    FetchReply answer = reply.receiveMessage();
    if (!(answer instanceof FetchReply.Inspected inspected)) {
      throw new AssertionError("the object's admin view failed: " + answer);
    }
    return inspected;
  }

  /** Moves the wall clock and the scheduler together. */
  public void advance(Duration duration) {
    clock.advance(duration);
    time.timePasses(duration);
  }

  Duration requestTimeout() {
    return config.requestTimeout();
  }

  /** A fetch of {@code pathAndQuery} on the object of this name. */
  public static ObjectCommand.Fetch fetch(
      String objectName, String pathAndQuery, List<String> chain, ActorRef<FetchReply> replyTo) {
    int q = pathAndQuery.indexOf('?');
    Request request =
        q < 0
            ? Request.of("POST", pathAndQuery)
            : Request.of("POST", pathAndQuery.substring(0, q))
                .withQuery(pathAndQuery.substring(q + 1));
    return new ObjectCommand.Fetch(objectName, request, chain, replyTo);
  }

  public void shutdown() {
    testKit.shutdownTestKit();
  }

  /** A wall clock that moves only when told. */
  public static final class ManualClock extends Clock {
    private final AtomicLong millis;

    ManualClock(Instant start) {
      this.millis = new AtomicLong(start.toEpochMilli());
    }

    public void advance(Duration duration) {
      millis.addAndGet(duration.toMillis());
    }

    @Override
    public long millis() {
      return millis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}

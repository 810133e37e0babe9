package io.durableobjects.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.core.DurableObject;
import io.durableobjects.core.DurableObjectState;
import io.durableobjects.core.FetchHandler;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DurableObjectsSettingsTest {

  public static final class Good implements FetchHandler {
    public Good(DurableObjectState state) {}

    @Override
    public Response fetch(Request request) {
      return Response.text("ok");
    }
  }

  public static final class NoStateConstructor implements FetchHandler {
    public NoStateConstructor() {}

    @Override
    public Response fetch(Request request) {
      return Response.text("ok");
    }
  }

  public static final class RpcOnly implements DurableObject {
    public RpcOnly(DurableObjectState state) {}
  }

  public abstract static class Abstract implements DurableObject {
    public Abstract(DurableObjectState state) {}
  }

  public static final class NotAnObject {
    public NotAnObject(DurableObjectState state) {}
  }

  private static DurableObjectsSettings parse(String hocon) {
    return DurableObjectsSettings.fromConfig(
        ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve(),
        DurableObjectsSettingsTest.class.getClassLoader());
  }

  private static String ns(String name, Class<?> c) {
    return "durable-objects.namespaces." + name + ".class = \"" + c.getName() + "\"";
  }

  @Test
  void readsNamespacesAndDefaults() {
    DurableObjectsSettings settings = parse(ns("counter", Good.class));
    assertThat(settings.namespaces()).containsOnlyKeys("counter");
    assertThat(settings.namespaces().get("counter").objectClass()).isEqualTo(Good.class);
    assertThat(settings.askTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.snapshots()).isEqualTo(new SnapshotPolicy(1000, 2, true, 1024 * 1024, 50));
  }

  @Test
  void theFailoverTimeoutIsAtMostTheAskTimeoutOrOff() {
    assertThat(parse(ns("counter", Good.class)).unreachableAskTimeout())
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(
            parse(ns("counter", Good.class) + "\ndurable-objects.unreachable-ask-timeout = off")
                .unreachableAskTimeout())
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(
            parse(ns("counter", Good.class) + "\ndurable-objects.ask-timeout = 2s")
                .unreachableAskTimeout())
        .isEqualTo(Duration.ofSeconds(2));
    assertThatThrownBy(
            () ->
                parse(ns("counter", Good.class) + "\ndurable-objects.unreachable-ask-timeout = 0s"))
        .hasMessageContaining("must be a positive duration");
  }

  @Test
  void aMissingClassIsNamedWithItsConfigPath() {
    assertThatThrownBy(
            () -> parse("durable-objects.namespaces.counter.class = \"com.example.Missing\""))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("durable-objects.namespaces.counter.class")
        .hasMessageContaining("class 'com.example.Missing' of namespace 'counter' was not found");
  }

  @Test
  void aClassThatIsNotADurableObjectIsRefused() {
    assertThatThrownBy(() -> parse(ns("counter", NotAnObject.class)))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("does not implement io.durableobjects.core.DurableObject");
  }

  @Test
  void aClassWithoutTheStateConstructorIsRefused() {
    assertThatThrownBy(() -> parse(ns("counter", NoStateConstructor.class)))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining(
            "needs a public constructor taking a io.durableobjects.core.DurableObjectState");
  }

  @Test
  void aClassWithoutFetchIsAccepted() {
    // An object may take only RPC calls (or only alarms, or only WebSocket events); its HTTP
    // requests are answered 501 at run time, which ObjectModelTest shows.
    assertThat(parse(ns("counter", RpcOnly.class)).namespaces()).containsKey("counter");
  }

  @Test
  void anAbstractClassIsRefused() {
    assertThatThrownBy(() -> parse(ns("counter", Abstract.class)))
        .hasMessageContaining("is abstract");
  }

  @Test
  void badNamespaceNamesAndShapesAreRefused() {
    assertThatThrownBy(() -> parse(ns("Counter", Good.class)))
        .hasMessageContaining("namespace name 'Counter' is invalid");
    assertThatThrownBy(() -> parse("durable-objects.namespaces.counter = \"x\""))
        .hasMessageContaining("expected an object such as { class =");
    assertThatThrownBy(() -> parse("durable-objects.namespaces.counter { }"))
        .hasMessageContaining("durable-objects.namespaces.counter.class")
        .hasMessageContaining("missing");
  }

  @Test
  void aNamespaceMayHaveItsOwnIdleTimeout() {
    DurableObjectsSettings settings =
        parse(
            ns("counter", Good.class)
                + "\n"
                + ns("session", Good.class)
                + "\ndurable-objects.namespaces.session.idle-timeout = 30m");
    assertThat(settings.namespaces().get("counter").idleTimeout()).isEmpty();
    assertThat(settings.namespaces().get("session").idleTimeout()).contains(Duration.ofMinutes(30));
    assertThatThrownBy(
            () ->
                parse(
                    ns("session", Good.class)
                        + "\ndurable-objects.namespaces.session.idle-timeout = 0s"))
        .hasMessageContaining("durable-objects.namespaces.session.idle-timeout")
        .hasMessageContaining("must be positive");
    assertThatThrownBy(
            () ->
                parse(
                    ns("session", Good.class)
                        + "\ndurable-objects.namespaces.session.idle-timeout = soon"))
        .hasMessageContaining("durable-objects.namespaces.session.idle-timeout")
        .hasMessageContaining("expected a duration");
  }

  @Test
  void expireAfterIdleIsOffUnlessANamespaceSetsIt() {
    String key = "\ndurable-objects.namespaces.carts.expire-after-idle = ";
    DurableObjectsSettings settings =
        parse(ns("counter", Good.class) + "\n" + ns("carts", Good.class) + key + "30d");
    assertThat(settings.namespaces().get("counter").expireAfterIdle()).isEmpty();
    assertThat(settings.namespaces().get("carts").expireAfterIdle()).contains(Duration.ofDays(30));
    assertThat(
            parse(ns("carts", Good.class) + key + "1s").namespaces().get("carts").expireAfterIdle())
        .contains(Duration.ofSeconds(1));
    assertThat(
            parse(ns("carts", Good.class) + key + "off")
                .namespaces()
                .get("carts")
                .expireAfterIdle())
        .isEmpty();
    assertThat(
            parse(ns("carts", Good.class) + key + "false")
                .namespaces()
                .get("carts")
                .expireAfterIdle())
        .isEmpty();
  }

  @Test
  void expireAfterIdleMustBeADurationOfAtLeastOneSecond() {
    String key = "\ndurable-objects.namespaces.carts.expire-after-idle = ";
    for (String bad : List.of("0s", "-5m", "999ms")) {
      assertThatThrownBy(() -> parse(ns("carts", Good.class) + key + bad))
          .isInstanceOf(ConfigException.BadValue.class)
          .hasMessageContaining("durable-objects.namespaces.carts.expire-after-idle")
          .hasMessageContaining("must be at least 1s");
    }
    assertThatThrownBy(() -> parse(ns("carts", Good.class) + key + "soon"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("durable-objects.namespaces.carts.expire-after-idle")
        .hasMessageContaining("expected a duration");
    assertThatThrownBy(() -> parse(ns("carts", Good.class) + key + "true"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("durable-objects.namespaces.carts.expire-after-idle");
    assertThatThrownBy(() -> parse(ns("carts", Good.class) + key + "36501d"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("durable-objects.namespaces.carts.expire-after-idle")
        .hasMessageContaining("at most 36500d");
  }

  @Test
  void badNumbersAndDurationsAreRefused() {
    assertThatThrownBy(() -> parse("durable-objects.ask-timeout = 0s"))
        .hasMessageContaining("durable-objects.ask-timeout")
        .hasMessageContaining("must be a positive duration");
    assertThatThrownBy(() -> parse("durable-objects.journal.snapshot-every = 0"))
        .hasMessageContaining("durable-objects.journal.snapshot-every")
        .hasMessageContaining("must be at least 1, got 0");
    assertThatThrownBy(() -> parse("durable-objects.journal.snapshot-after-size = 1000"))
        .hasMessageContaining("durable-objects.journal.snapshot-after-size")
        .hasMessageContaining("must be at least 1 KiB, got 1000 bytes");
  }

  @Test
  void theAlarmIndexFaultSettingsAreReadAndChecked() {
    AlarmSettings alarms = parse(ns("counter", Good.class)).alarms();
    assertThat(alarms.quarantineAfter()).isEqualTo(Duration.ofMinutes(2));
    assertThat(alarms.quarantineRetryInterval()).isEqualTo(Duration.ofMinutes(10));
    assertThat(alarms.indexRetryAttempts()).isEqualTo(8);
    assertThat(alarms.indexRetryDelay(1)).isEqualTo(Duration.ofMillis(200));
    assertThat(alarms.indexRetryDelay(3)).isEqualTo(Duration.ofMillis(800));
    assertThat(alarms.indexRetryDelay(20)).isEqualTo(Duration.ofSeconds(5));
    assertThatThrownBy(() -> parse("durable-objects.alarms.quarantine-after = 10s"))
        .hasMessageContaining("durable-objects.alarms.quarantine-after")
        .hasMessageContaining("must be longer than wake-retry-interval (PT10S), got PT10S");
    assertThatThrownBy(() -> parse("durable-objects.alarms.quarantine-retry-interval = 5s"))
        .hasMessageContaining("durable-objects.alarms.quarantine-retry-interval")
        .hasMessageContaining("must be longer than lookahead (PT5S), got PT5S");
    assertThatThrownBy(() -> parse("durable-objects.alarms.index-retry-max-backoff = 100ms"))
        .hasMessageContaining("durable-objects.alarms.index-retry-max-backoff")
        .hasMessageContaining("must not be shorter than index-retry-min-backoff (PT0.2S)");
    assertThatThrownBy(() -> parse("durable-objects.alarms.index-retry-attempts = 0"))
        .hasMessageContaining("durable-objects.alarms.index-retry-attempts")
        .hasMessageContaining("must be at least 1, got 0");
  }

  @Test
  void theLimitsInBytesMustFitOneSnapshot() {
    // Defaults: 8 MiB + 4 MiB + 1000 alarms of 280 bytes + 6 KiB + 34 bytes, below 15 MiB.
    parse(ns("counter", Good.class));
    assertThatThrownBy(() -> parse("durable-objects.storage.max-object-size = 11 MiB"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining(
            "'durable-objects.storage.max-snapshot-size': is 15728640 bytes, less than what an"
                + " object may hold by the other limits: 16014826 bytes"
                + " (storage.max-object-size 11534336 + idempotency.max-records-size 4194304 +"
                + " alarms.max-per-object 1000 x 280 + auto-response 6152 + 34 fixed)");
    // Raised together, they fit again.
    parse("durable-objects.storage { max-object-size = 11 MiB, max-snapshot-size = 16 MiB }");
  }

  @Test
  void idempotencyIsLimitedInBytesAndTheOldKeyCapIsRefused() {
    IdempotencySettings defaults = parse(ns("counter", Good.class)).idempotency();
    assertThat(defaults.retention()).isEqualTo(Duration.ofHours(24));
    assertThat(defaults.maxBytes()).isEqualTo(4L * 1024 * 1024);
    assertThat(defaults.maxResponseBytes()).isEqualTo(64L * 1024);
    assertThatThrownBy(() -> parse("durable-objects.idempotency.max-keys = 1000"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("durable-objects.idempotency.max-keys")
        .hasMessageContaining("is no longer read")
        .hasMessageContaining("max-records-size");
    assertThatThrownBy(
            () ->
                parse(
                    "durable-objects.idempotency { max-records-size = 1 MiB, max-response-size = 2"
                        + " MiB }"))
        .hasMessageContaining("durable-objects.idempotency")
        .hasMessageContaining("max-response-size must be at least 0 and below max-records-size")
        .hasMessageContaining("max-response-size = 2097152 and max-records-size = 1048576");
  }

  @Test
  void journalWritesAndWaitingCallsAreLimitedInBytes() {
    EntityLimits defaults = parse(ns("counter", Good.class)).entityLimits();
    assertThat(defaults.maxBatchBytes()).isEqualTo(4L * 1024 * 1024);
    assertThat(defaults.maxWaitingBytes()).isEqualTo(64L * 1024 * 1024);
    assertThatThrownBy(() -> parse("durable-objects.entity.max-batch-size = 16 MiB"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("durable-objects.entity.max-batch-size")
        .hasMessageContaining("must be between 1 byte and 12 MiB")
        .hasMessageContaining("got 16777216");
    assertThatThrownBy(() -> parse("durable-objects.entity.max-batch-size = 0"))
        .hasMessageContaining("durable-objects.entity.max-batch-size");
    assertThatThrownBy(() -> parse("durable-objects.entity.max-waiting-size = 0"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("durable-objects.entity.max-waiting-size")
        .hasMessageContaining("must be at least 1 byte, got 0");
  }
}

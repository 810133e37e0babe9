package io.durableobjects.core.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** INTERNAL API: the typed view of {@code durable-objects} in the node's configuration. */
public final class DurableObjectsSettings {
  private static final String ROOT = "durable-objects";

  private final Map<String, NamespaceSettings> namespaces;
  private final Duration askTimeout;
  private final Duration unreachableAskTimeout;
  private final SnapshotPolicy snapshots;
  private final int stashCapacity;
  private final EntityLimits entityLimits;
  private final long maxResponseBytes;
  private final Duration requestTimeout;
  private final Duration idleTimeout;
  private final int activeObjectLimit;
  private final IdempotencySettings idempotency;
  private final String journalPluginId;
  private final String snapshotPluginId;
  private final AlarmSettings alarms;
  private final io.durableobjects.core.internal.entity.ObjectSockets.Limits webSockets;

  private DurableObjectsSettings(
      Map<String, NamespaceSettings> namespaces,
      Duration askTimeout,
      Duration unreachableAskTimeout,
      SnapshotPolicy snapshots,
      int stashCapacity,
      EntityLimits entityLimits,
      long maxResponseBytes,
      Duration requestTimeout,
      Duration idleTimeout,
      int activeObjectLimit,
      IdempotencySettings idempotency,
      String journalPluginId,
      String snapshotPluginId,
      AlarmSettings alarms,
      io.durableobjects.core.internal.entity.ObjectSockets.Limits webSockets) {
    this.alarms = alarms;
    this.webSockets = webSockets;
    this.namespaces = namespaces;
    this.askTimeout = askTimeout;
    this.unreachableAskTimeout = unreachableAskTimeout;
    this.snapshots = snapshots;
    this.stashCapacity = stashCapacity;
    this.entityLimits = entityLimits;
    this.maxResponseBytes = maxResponseBytes;
    this.requestTimeout = requestTimeout;
    this.idleTimeout = idleTimeout;
    this.activeObjectLimit = activeObjectLimit;
    this.idempotency = idempotency;
    this.journalPluginId = journalPluginId;
    this.snapshotPluginId = snapshotPluginId;
  }

  /**
   * Reads and validates the settings.
   *
   * @throws ConfigException with the path and a description of every kind of bad value
   */
  public static DurableObjectsSettings fromConfig(Config root, ClassLoader loader) {
    Config config = root.getConfig(ROOT);
    Duration askTimeout = positive(config, "ask-timeout");
    Duration unreachableAskTimeout = unreachableAskTimeout(config, askTimeout);
    SnapshotPolicy snapshots = SnapshotPolicy.fromConfig(config);
    int stashCapacity = atLeast(config, "entity.stash-capacity", 1);
    long maxResponseBytes = config.getBytes("entity.max-response-size");
    if (maxResponseBytes < 1 || maxResponseBytes > 3L * 1024 * 1024) {
      throw new ConfigException.BadValue(
          config.origin(),
          ROOT + ".entity.max-response-size",
          "must be between 1 byte and 3 MiB (an answer must fit one large remoting frame, 4 MiB),"
              + " got "
              + maxResponseBytes);
    }
    Duration requestTimeout = positive(config, "entity.request-timeout");
    Duration idleTimeout = positive(config, "passivation.idle-timeout");
    int activeObjectLimit = atLeast(config, "passivation.active-object-limit", 1);
    IdempotencySettings idempotency = idempotency(config);

    AlarmSettings alarms = AlarmSettings.fromConfig(config);
    SnapshotBudget.check(root, idempotency.maxBytes(), alarms.maxPerObject());

    ConfigObject entries = config.getObject("namespaces");
    Map<String, NamespaceSettings> namespaces = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> entry : entries.entrySet()) {
      String path = ROOT + ".namespaces." + quoteIfNeeded(entry.getKey());
      namespaces.put(
          entry.getKey(),
          NamespaceSettings.fromConfig(path, entry.getKey(), entry.getValue(), loader));
    }
    return new DurableObjectsSettings(
        Collections.unmodifiableMap(namespaces),
        askTimeout,
        unreachableAskTimeout,
        snapshots,
        stashCapacity,
        EntityLimits.fromConfig(config),
        maxResponseBytes,
        requestTimeout,
        idleTimeout,
        activeObjectLimit,
        idempotency,
        optionalString(config, "journal.plugin-id"),
        optionalString(config, "journal.snapshot-plugin-id"),
        alarms,
        webSockets(config));
  }

  private static io.durableobjects.core.internal.entity.ObjectSockets.Limits webSockets(
      Config config) {
    int maxSockets = atLeast(config, "websockets.max-per-object", 1);
    int maxTags = atLeast(config, "websockets.max-tags", 0);
    long attachment = config.getBytes("websockets.max-attachment-size");
    long message = config.getBytes("websockets.max-message-size");
    if (attachment < 1 || attachment > 1024 * 1024) {
      throw new ConfigException.BadValue(
          config.origin(),
          ROOT + ".websockets.max-attachment-size",
          "must be between 1 byte and 1 MiB, got " + attachment);
    }
    if (message < 1 || message > 3L * 1024 * 1024) {
      throw new ConfigException.BadValue(
          config.origin(),
          ROOT + ".websockets.max-message-size",
          "must be between 1 byte and 3 MiB (one remoting frame), got " + message);
    }
    return new io.durableobjects.core.internal.entity.ObjectSockets.Limits(
        maxSockets, maxTags, (int) attachment, (int) message);
  }

  /** The limits on objects' WebSockets. */
  public io.durableobjects.core.internal.entity.ObjectSockets.Limits webSockets() {
    return webSockets;
  }

  /** How alarms are retried, limited and polled. */
  public AlarmSettings alarms() {
    return alarms;
  }

  public Map<String, NamespaceSettings> namespaces() {
    return namespaces;
  }

  public Duration askTimeout() {
    return askTimeout;
  }

  /**
   * How long a call waits for its answer while a cluster member is unreachable: the setting, but at
   * most {@link #askTimeout} (which it is when the setting is {@code off}).
   */
  public Duration unreachableAskTimeout() {
    return unreachableAskTimeout;
  }

  private static Duration unreachableAskTimeout(Config config, Duration askTimeout) {
    String path = "unreachable-ask-timeout";
    Object raw = config.getValue(path).unwrapped();
    if (Boolean.FALSE.equals(raw) || "off".equals(raw)) {
      return askTimeout;
    }
    Duration timeout = positive(config, path);
    // Never longer than ask-timeout: a node that lowers ask-timeout needs not lower this too.
    return timeout.compareTo(askTimeout) > 0 ? askTimeout : timeout;
  }

  /** When objects write snapshots ({@code durable-objects.journal}). */
  public SnapshotPolicy snapshots() {
    return snapshots;
  }

  public int stashCapacity() {
    return stashCapacity;
  }

  /** The object actor's limits in bytes: its journal writes and its waiting calls. */
  public EntityLimits entityLimits() {
    return entityLimits;
  }

  /** The largest response body (or RPC result) an object may answer with. */
  public long maxResponseBytes() {
    return maxResponseBytes;
  }

  /** How long an object's asynchronous request (or activation) may take before it fails. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** How long an object may be idle before it is evicted from memory. */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** The most objects a node keeps active; beyond it the least recently used are evicted. */
  public int activeObjectLimit() {
    return activeObjectLimit;
  }

  /** How objects remember responses by idempotency key. */
  public IdempotencySettings idempotency() {
    return idempotency;
  }

  /** The journal plugin objects persist to; empty for Pekko's default journal plugin. */
  public String journalPluginId() {
    return journalPluginId;
  }

  /** The snapshot plugin objects use; empty for Pekko's default snapshot plugin. */
  public String snapshotPluginId() {
    return snapshotPluginId;
  }

  // Deliberately absent from core's reference.conf: a storage module's reference.conf sets them,
  // and a key both files defined would be decided by classpath order.
  private static String optionalString(Config config, String key) {
    return config.hasPath(key) ? config.getString(key) : "";
  }

  private static IdempotencySettings idempotency(Config config) {
    if (config.hasPath("idempotency.max-keys")) {
      // Keys are no longer forgotten before their retention: the limit is in bytes and refuses.
      throw new ConfigException.BadValue(
          config.origin(),
          ROOT + ".idempotency.max-keys",
          "is no longer read: every key is kept for its whole retention, and"
              + " durable-objects.idempotency.max-records-size limits what one object remembers"
              + " (new keys are refused with 429 beyond it); remove max-keys");
    }
    long maxRecordsBytes = config.getBytes("idempotency.max-records-size");
    long maxResponseBytes = config.getBytes("idempotency.max-response-size");
    if (maxResponseBytes < 0 || maxRecordsBytes < 1 || maxResponseBytes >= maxRecordsBytes) {
      throw new ConfigException.BadValue(
          config.origin(),
          ROOT + ".idempotency",
          "max-response-size must be at least 0 and below max-records-size, which must be"
              + " positive; got max-response-size = "
              + maxResponseBytes
              + " and max-records-size = "
              + maxRecordsBytes);
    }
    return new IdempotencySettings(
        positive(config, "idempotency.retention"), maxRecordsBytes, maxResponseBytes);
  }

  static Duration positive(Config config, String key) {
    Duration value = config.getDuration(key);
    if (value.isNegative() || value.isZero()) {
      throw new ConfigException.BadValue(
          config.origin(),
          ROOT + "." + key,
          "must be a positive duration such as 10s, got " + value);
    }
    return value;
  }

  static int atLeast(Config config, String key, int min) {
    int value = config.getInt(key);
    if (value < min) {
      throw new ConfigException.BadValue(
          config.origin(), ROOT + "." + key, "must be at least " + min + ", got " + value);
    }
    return value;
  }

  private static String quoteIfNeeded(String key) {
    return key.matches("[A-Za-z0-9_-]+") ? key : "\"" + key + "\"";
  }
}

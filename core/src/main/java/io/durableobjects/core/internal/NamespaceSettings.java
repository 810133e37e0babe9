package io.durableobjects.core.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.durableobjects.core.DurableObject;
import io.durableobjects.core.DurableObjectState;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * INTERNAL API: one entry of {@code durable-objects.namespaces}: a namespace name and the object
 * class behind it, checked when the node starts so that a bad entry fails fast and clearly.
 */
public final class NamespaceSettings {
  /** Lowercase letters, digits and dashes; starts with a letter; at most 63 characters. */
  public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

  private final String name;
  private final Class<? extends DurableObject> objectClass;
  private final MethodHandle constructor;
  private final boolean handlesAlarms;
  private final Optional<Duration> idleTimeout;
  private final HistoryRetention history;
  private final Optional<Duration> expireAfterIdle;

  private NamespaceSettings(
      String name,
      Class<? extends DurableObject> objectClass,
      MethodHandle constructor,
      Optional<Duration> idleTimeout,
      HistoryRetention history,
      Optional<Duration> expireAfterIdle) {
    this.name = name;
    this.objectClass = objectClass;
    this.constructor = constructor;
    this.idleTimeout = idleTimeout;
    this.history = history;
    this.expireAfterIdle = expireAfterIdle;
    this.handlesAlarms = ObjectHandlers.handlesAlarms(objectClass);
  }

  /** Whether the class implements {@code AlarmHandler} or {@code AsyncAlarmHandler}. */
  public boolean handlesAlarms() {
    return handlesAlarms;
  }

  /**
   * This namespace's own {@code idle-timeout}, when set: objects of some kinds are worth keeping in
   * memory longer (or shorter) than the node's {@code passivation.idle-timeout}.
   */
  public Optional<Duration> idleTimeout() {
    return idleTimeout;
  }

  /**
   * This namespace's {@code expire-after-idle}, when set: an object not called for this long is
   * erased (its data, alarms and history), as by the admin delete. Empty: objects never expire.
   */
  public Optional<Duration> expireAfterIdle() {
    return expireAfterIdle;
  }

  public String name() {
    return name;
  }

  /** How long the journal keeps this namespace's transactions ({@code history.retention}). */
  public HistoryRetention history() {
    return history;
  }

  public Class<? extends DurableObject> objectClass() {
    return objectClass;
  }

  /** Creates an object instance; whatever its constructor throws is rethrown as is. */
  public DurableObject newInstance(DurableObjectState state) throws Throwable {
    return (DurableObject) constructor.invoke(state);
  }

  /**
   * Reads the namespace {@code name} from {@code entry}, the value at {@code
   * durable-objects.namespaces.<name>}.
   *
   * @throws ConfigException.BadValue with the config path and what is wrong
   */
  static NamespaceSettings fromConfig(
      String path, String name, ConfigValue entry, ClassLoader loader) {
    if (!NAME.matcher(name).matches()) {
      throw new ConfigException.BadValue(
          entry.origin(),
          path,
          "namespace name '"
              + name
              + "' is invalid: use lowercase letters, digits and '-', starting with a letter,"
              + " at most 63 characters");
    }
    if (entry.valueType() != ConfigValueType.OBJECT) {
      throw new ConfigException.BadValue(
          entry.origin(), path, "expected an object such as { class = \"com.example.MyObject\" }");
    }
    Config config = ((com.typesafe.config.ConfigObject) entry).toConfig();
    if (!config.hasPath("class")) {
      throw new ConfigException.BadValue(
          entry.origin(),
          path + ".class",
          "missing: name the object class of namespace '" + name + "'");
    }
    String className = config.getString("class");
    String classPath = path + ".class";
    Class<?> loaded;
    try {
      loaded = Class.forName(className, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new ConfigException.BadValue(
          config.getValue("class").origin(),
          classPath,
          "class '" + className + "' of namespace '" + name + "' was not found on the classpath",
          e);
    }
    if (!DurableObject.class.isAssignableFrom(loaded)) {
      throw new ConfigException.BadValue(
          config.getValue("class").origin(),
          classPath,
          "class '"
              + className
              + "' of namespace '"
              + name
              + "' does not implement "
              + DurableObject.class.getName());
    }
    if (loaded.isInterface() || Modifier.isAbstract(loaded.getModifiers())) {
      throw new ConfigException.BadValue(
          config.getValue("class").origin(),
          classPath,
          "class '"
              + className
              + "' of namespace '"
              + name
              + "' is abstract; name a concrete class");
    }
    MethodHandle constructor;
    try {
      constructor =
          MethodHandles.publicLookup()
              .findConstructor(loaded, MethodType.methodType(void.class, DurableObjectState.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      throw new ConfigException.BadValue(
          config.getValue("class").origin(),
          classPath,
          "class '"
              + className
              + "' of namespace '"
              + name
              + "' needs a public constructor taking a "
              + DurableObjectState.class.getName()
              + (Modifier.isPublic(loaded.getModifiers()) ? "" : " (and the class must be public)"),
          e);
    }
    @SuppressWarnings("unchecked")
    Class<? extends DurableObject> objectClass = (Class<? extends DurableObject>) loaded;
    return new NamespaceSettings(
        name,
        objectClass,
        constructor,
        idleTimeout(config, path),
        HistoryRetention.fromConfig(config, path),
        expireAfterIdle(config, path));
  }

  /** The longest expire-after-idle: its alarm time (now + E + E/4, in millis) must not overflow. */
  static final Duration MAX_EXPIRE_AFTER_IDLE = Duration.ofDays(36500);

  /** {@code expire-after-idle}: absent or {@code off} is never; else at least 1s. */
  private static Optional<Duration> expireAfterIdle(Config config, String path) {
    String key = "expire-after-idle";
    if (!config.hasPath(key)) {
      return Optional.empty();
    }
    ConfigValue value = config.getValue(key);
    String keyPath = path + "." + key;
    if ((value.valueType() == ConfigValueType.STRING && "off".equals(value.unwrapped()))
        || (value.valueType() == ConfigValueType.BOOLEAN
            && Boolean.FALSE.equals(value.unwrapped()))) {
      return Optional.empty();
    }
    Duration expiry;
    try {
      expiry = config.getDuration(key);
    } catch (ConfigException.BadValue | ConfigException.WrongType e) {
      throw new ConfigException.BadValue(
          value.origin(),
          keyPath,
          "expected a duration such as 30d or 12h, or off: " + e.getMessage(),
          e);
    }
    if (expiry.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new ConfigException.BadValue(
          value.origin(), keyPath, "must be at least 1s (or off), got " + expiry);
    }
    if (expiry.compareTo(MAX_EXPIRE_AFTER_IDLE) > 0) {
      throw new ConfigException.BadValue(
          value.origin(), keyPath, "must be at most 36500d (or off), got " + expiry);
    }
    return Optional.of(expiry);
  }

  private static Optional<Duration> idleTimeout(Config config, String path) {
    if (!config.hasPath("idle-timeout")) {
      return Optional.empty();
    }
    String keyPath = path + ".idle-timeout";
    Duration timeout;
    try {
      timeout = config.getDuration("idle-timeout");
    } catch (ConfigException.BadValue | ConfigException.WrongType e) {
      throw new ConfigException.BadValue(
          config.getValue("idle-timeout").origin(),
          keyPath,
          "expected a duration such as 30s or 10m: " + e.getMessage(),
          e);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new ConfigException.BadValue(
          config.getValue("idle-timeout").origin(), keyPath, "must be positive, got " + timeout);
    }
    return Optional.of(timeout);
  }
}

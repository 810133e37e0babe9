package io.durableobjects.cassandra;

import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How the driver logs in to Cassandra and whether it speaks TLS: the {@code
 * durable-objects.cassandra.auth} and {@code durable-objects.cassandra.tls} sections (environment
 * variables {@code DO_CASSANDRA_USERNAME}, {@code DO_CASSANDRA_PASSWORD}, {@code DO_CASSANDRA_TLS},
 * {@code DO_CASSANDRA_TRUSTSTORE_PATH}, {@code DO_CASSANDRA_TRUSTSTORE_PASSWORD}), validated.
 *
 * <p>They become the DataStax driver's own settings: {@code advanced.auth-provider} with its {@code
 * PlainTextAuthProvider}, and {@code advanced.ssl-engine-factory} with its {@code
 * DefaultSslEngineFactory}. HOCON cannot set those sections only when a variable is present, and a
 * configured auth provider warns on every connection to a Cassandra that does not authenticate, so
 * they are derived here: {@link #nodeConfig()} for the node's session ({@value
 * CassandraSettings#DRIVER_PATH}), {@link #applyTo} for the schema's.
 *
 * <p>Immutable; {@link #toString()} hides the passwords.
 */
public final class CassandraSecurity {
  private static final String AUTH = CassandraSettings.CONFIG_PATH + ".auth";
  private static final String TLS = CassandraSettings.CONFIG_PATH + ".tls";
  private static final String AUTH_PROVIDER = "PlainTextAuthProvider";
  private static final String SSL_ENGINE_FACTORY = "DefaultSslEngineFactory";

  /** No authentication, no TLS. */
  public static final CassandraSecurity NONE = new CassandraSecurity("", "", false, "", "", true);

  private final String username;
  private final String password;
  private final boolean tls;
  private final String truststorePath;
  private final String truststorePassword;
  private final boolean hostnameValidation;

  private CassandraSecurity(
      String username,
      String password,
      boolean tls,
      String truststorePath,
      String truststorePassword,
      boolean hostnameValidation) {
    this.username = username;
    this.password = password;
    this.tls = tls;
    this.truststorePath = truststorePath;
    this.truststorePassword = truststorePassword;
    this.hostnameValidation = hostnameValidation;
  }

  /**
   * Reads and checks the {@code auth} and {@code tls} sections of {@value
   * CassandraSettings#CONFIG_PATH}.
   *
   * @throws IllegalArgumentException naming the setting and its environment variable: a username
   *     without a password or the reverse, a {@code tls.enabled} that is not a boolean, a
   *     truststore that is not a readable file while TLS is on
   */
  public static CassandraSecurity fromConfig(Config config) {
    Objects.requireNonNull(config, "config");
    String username = string(config, AUTH + ".username");
    String password = string(config, AUTH + ".password");
    if (username.isBlank() != password.isEmpty()) {
      throw new IllegalArgumentException(
          username.isBlank()
              ? AUTH
                  + ".password (DO_CASSANDRA_PASSWORD) is set but "
                  + AUTH
                  + ".username (DO_CASSANDRA_USERNAME) is empty: set both or neither"
              : AUTH
                  + ".username (DO_CASSANDRA_USERNAME) is set but "
                  + AUTH
                  + ".password (DO_CASSANDRA_PASSWORD) is empty: set both or neither");
    }
    boolean tls = bool(config, TLS + ".enabled", "DO_CASSANDRA_TLS");
    boolean hostnameValidation =
        bool(config, TLS + ".hostname-validation", "DO_CASSANDRA_TLS_HOSTNAME_VALIDATION");
    String truststore = string(config, TLS + ".truststore-path").strip();
    if (tls && !truststore.isEmpty() && !Files.isReadable(Path.of(truststore))) {
      throw new IllegalArgumentException(
          TLS
              + ".truststore-path (DO_CASSANDRA_TRUSTSTORE_PATH): no readable file at "
              + truststore
              + " (TLS to Cassandra is on: "
              + TLS
              + ".enabled, DO_CASSANDRA_TLS)");
    }
    return new CassandraSecurity(
        username.strip(),
        password,
        tls,
        truststore,
        string(config, TLS + ".truststore-password"),
        hostnameValidation);
  }

  /** Whether the driver logs in (a username and password are configured). */
  public boolean authenticates() {
    return !username.isEmpty();
  }

  /** The user the driver logs in as; empty when it does not authenticate. */
  public String username() {
    return username;
  }

  /** Whether the driver connects with TLS. */
  public boolean tls() {
    return tls;
  }

  /**
   * The driver settings, as keys relative to a driver section ({@code advanced.auth-provider.*},
   * {@code advanced.ssl-engine-factory.*}); empty for {@link #NONE}.
   */
  public Map<String, Object> driverSettings() {
    Map<String, Object> values = new LinkedHashMap<>();
    if (authenticates()) {
      values.put("advanced.auth-provider.class", AUTH_PROVIDER);
      values.put("advanced.auth-provider.username", username);
      values.put("advanced.auth-provider.password", password);
    }
    if (tls) {
      values.put("advanced.ssl-engine-factory.class", SSL_ENGINE_FACTORY);
      values.put("advanced.ssl-engine-factory.hostname-validation", hostnameValidation);
      if (!truststorePath.isEmpty()) {
        values.put("advanced.ssl-engine-factory.truststore-path", truststorePath);
        values.put("advanced.ssl-engine-factory.truststore-password", truststorePassword);
      }
    }
    return values;
  }

  /**
   * An overlay that sets these settings in the node's driver section ({@value
   * CassandraSettings#DRIVER_PATH}), for layering with {@code withFallback} on top of a resolved
   * configuration (the node's, before its actor system starts).
   */
  public Config nodeConfig() {
    Map<String, Object> values = new LinkedHashMap<>();
    driverSettings()
        .forEach((key, value) -> values.put(CassandraSettings.DRIVER_PATH + "." + key, value));
    return ConfigFactory.parseMap(values, "CassandraSecurity.nodeConfig");
  }

  /** Sets these settings on a programmatic driver configuration (the schema's one-shot session). */
  public ProgrammaticDriverConfigLoaderBuilder applyTo(
      ProgrammaticDriverConfigLoaderBuilder builder) {
    if (authenticates()) {
      builder
          .withString(DefaultDriverOption.AUTH_PROVIDER_CLASS, AUTH_PROVIDER)
          .withString(DefaultDriverOption.AUTH_PROVIDER_USER_NAME, username)
          .withString(DefaultDriverOption.AUTH_PROVIDER_PASSWORD, password);
    }
    if (tls) {
      builder
          .withString(DefaultDriverOption.SSL_ENGINE_FACTORY_CLASS, SSL_ENGINE_FACTORY)
          .withBoolean(DefaultDriverOption.SSL_HOSTNAME_VALIDATION, hostnameValidation);
      if (!truststorePath.isEmpty()) {
        builder
            .withString(DefaultDriverOption.SSL_TRUSTSTORE_PATH, truststorePath)
            .withString(DefaultDriverOption.SSL_TRUSTSTORE_PASSWORD, truststorePassword);
      }
    }
    return builder;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof CassandraSecurity that
        && username.equals(that.username)
        && password.equals(that.password)
        && tls == that.tls
        && truststorePath.equals(that.truststorePath)
        && truststorePassword.equals(that.truststorePassword)
        && hostnameValidation == that.hostnameValidation;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        username, password, tls, truststorePath, truststorePassword, hostnameValidation);
  }

  @Override
  public String toString() {
    return "CassandraSecurity(username="
        + (authenticates() ? username : "(none)")
        + ", tls="
        + tls
        + (tls
            ? ", truststore=" + (truststorePath.isEmpty() ? "(JVM default)" : truststorePath)
            : "")
        + ")";
  }

  private static String string(Config config, String path) {
    try {
      return config.getString(path);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("invalid setting " + path + ": " + e.getMessage(), e);
    }
  }

  private static boolean bool(Config config, String path, String variable) {
    try {
      return config.getBoolean(path);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(
          path
              + " ("
              + variable
              + ") must be true or false, but was \""
              + (config.hasPath(path) ? config.getValue(path).unwrapped() : "")
              + "\"",
          e);
    }
  }
}

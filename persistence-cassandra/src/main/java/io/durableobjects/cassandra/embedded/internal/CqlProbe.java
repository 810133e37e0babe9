package io.durableobjects.cassandra.embedded.internal;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.auth.AuthenticationException;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.OptionsMap;
import com.datastax.oss.driver.api.core.config.TypedDriverOption;
import com.datastax.oss.driver.api.core.cql.Row;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * INTERNAL API
 *
 * <p>Waits until a node answers {@code SELECT release_version FROM system.local}. First polls the
 * CQL port with plain TCP connects (cheap; Cassandra binds it last), then opens a driver session
 * and retries the query. A node that demands credentials (authenticator: PasswordAuthenticator)
 * answers CQL too, so that counts as up. Stops early when the node's process exits.
 */
public final class CqlProbe {

  private static final long POLL_MILLIS = 200;

  private final InetSocketAddress contactPoint;
  private final String localDatacenter;

  public CqlProbe(InetSocketAddress contactPoint, String localDatacenter) {
    this.contactPoint = contactPoint;
    this.localDatacenter = localDatacenter;
  }

  /** Outcome of {@link #await}: the release version, or why it stopped. */
  public static final class Result {
    private final String releaseVersion;
    private final String failure;

    private Result(String releaseVersion, String failure) {
      this.releaseVersion = releaseVersion;
      this.failure = failure;
    }

    public boolean succeeded() {
      return releaseVersion != null;
    }

    public String releaseVersion() {
      return releaseVersion;
    }

    public String failure() {
      return failure;
    }
  }

  /**
   * Polls until the query succeeds, {@code process} exits or {@code deadlineNanos} (a {@link
   * System#nanoTime()} value) passes.
   */
  public Result await(Process process, long deadlineNanos) throws InterruptedException {
    String lastError = "CQL port " + contactPoint.getPort() + " never accepted a connection";
    boolean portOpen = false;
    while (System.nanoTime() < deadlineNanos) {
      if (!process.isAlive()) {
        return new Result(null, "the Cassandra process exited with status " + process.exitValue());
      }
      if (!portOpen) {
        portOpen = accepts();
      }
      if (portOpen) {
        try {
          return new Result(query(remainingMillis(deadlineNanos)), null);
        } catch (RuntimeException e) {
          if (demandsCredentials(e)) {
            // A node with authenticator: PasswordAuthenticator answers CQL, but only to a login.
            return new Result("unknown (the node requires authentication)", null);
          }
          lastError = "CQL query failed: " + e;
        }
      }
      Thread.sleep(POLL_MILLIS);
    }
    if (!process.isAlive()) {
      return new Result(null, "the Cassandra process exited with status " + process.exitValue());
    }
    return new Result(null, "timed out; last error: " + lastError);
  }

  /** Driver settings for a session to one embedded node (no application.conf involved). */
  public static DriverConfigLoader configLoader(
      InetSocketAddress contactPoint, String localDatacenter, Duration requestTimeout) {
    return DriverConfigLoader.fromMap(options(contactPoint, localDatacenter, requestTimeout));
  }

  private static OptionsMap options(
      InetSocketAddress contactPoint, String localDatacenter, Duration timeout) {
    OptionsMap options = OptionsMap.driverDefaults();
    options.put(
        TypedDriverOption.CONTACT_POINTS,
        List.of(contactPoint.getHostString() + ":" + contactPoint.getPort()));
    options.put(TypedDriverOption.LOAD_BALANCING_LOCAL_DATACENTER, localDatacenter);
    options.put(TypedDriverOption.REQUEST_TIMEOUT, timeout);
    options.put(TypedDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, timeout);
    options.put(TypedDriverOption.CONTROL_CONNECTION_TIMEOUT, timeout);
    options.put(TypedDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, timeout);
    // Netty's default quiet period makes every session close take 2 s.
    options.put(TypedDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0);
    options.put(TypedDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0);
    // The driver refreshes its schema metadata after each DDL statement and completes the statement
    // only after that refresh, which it debounces by 1 s: every CREATE would take over a second.
    options.put(TypedDriverOption.METADATA_SCHEMA_WINDOW, Duration.ZERO);
    return options;
  }

  private boolean accepts() {
    try (Socket socket = new Socket()) {
      socket.connect(contactPoint, 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private String query(long remainingMillis) {
    Duration timeout = Duration.ofMillis(Math.max(1000, Math.min(remainingMillis, 10_000)));
    OptionsMap options = options(contactPoint, localDatacenter, timeout);
    // The probe needs neither schema nor token metadata; skipping them makes the session cheap.
    options.put(TypedDriverOption.METADATA_SCHEMA_ENABLED, false);
    options.put(TypedDriverOption.METADATA_TOKEN_MAP_ENABLED, false);
    try (CqlSession session =
        CqlSession.builder().withConfigLoader(DriverConfigLoader.fromMap(options)).build()) {
      Row row = session.execute("SELECT release_version FROM system.local").one();
      if (row == null) {
        throw new IllegalStateException("system.local returned no row");
      }
      return row.getString("release_version");
    }
  }

  /** Whether the session failed because the node wants credentials (and so is up). */
  private static boolean demandsCredentials(RuntimeException e) {
    List<Throwable> errors = new ArrayList<>();
    errors.add(e);
    if (e instanceof AllNodesFailedException all) {
      all.getAllErrors().values().forEach(errors::addAll);
    }
    return errors.stream()
        .anyMatch(
            error ->
                error instanceof AuthenticationException
                    && String.valueOf(error.getMessage()).contains("requires authentication"));
  }

  private static long remainingMillis(long deadlineNanos) {
    return Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
  }
}

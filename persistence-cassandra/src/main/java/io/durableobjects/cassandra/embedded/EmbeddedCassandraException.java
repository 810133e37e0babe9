package io.durableobjects.cassandra.embedded;

/**
 * An embedded Cassandra node could not be started (or its environment is not usable).
 *
 * <p>Thrown by {@link EmbeddedCassandra.Builder#start()} when Cassandra's jars are missing from the
 * local Maven repository, a requested port is already bound, the data directory is used by another
 * embedded node, the forked JVM exits during startup, or CQL does not answer within the startup
 * timeout. When the forked JVM was started, it has been killed before this exception is thrown, and
 * the message ends with the last lines of Cassandra's log and of the JVM's stdout/stderr, which
 * usually name the real cause.
 *
 * <p>Invalid builder arguments are reported as {@link IllegalArgumentException} instead.
 */
public class EmbeddedCassandraException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, including any log tail
   */
  public EmbeddedCassandraException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what failed, including any log tail
   * @param cause the underlying error
   */
  public EmbeddedCassandraException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.durableobjects.cassandra.embedded.internal;

import java.time.Duration;

/**
 * Stops a started node once and releases its data directory: gracefully on {@link #close()}
 * (SIGTERM, then a kill after the grace period), at once with {@link #kill()} for a node that
 * failed to start; optionally from a JVM shutdown hook, so that a normal exit also stops the node.
 */
public final class NodeShutdown {
  private final NodeProcess process;
  private final DataDirectoryLock lock;
  private final Duration gracePeriod;
  private final Thread shutdownHook;
  private volatile boolean closed;

  /**
   * Takes charge of stopping {@code process}; with {@code registerShutdownHook}, registers a hook
   * that closes it when the JVM exits.
   */
  public NodeShutdown(
      NodeProcess process,
      DataDirectoryLock lock,
      Duration gracePeriod,
      boolean registerShutdownHook) {
    this.process = process;
    this.lock = lock;
    this.gracePeriod = gracePeriod;
    this.shutdownHook =
        registerShutdownHook ? new Thread(this::close, "embedded-cassandra-shutdown") : null;
    if (shutdownHook != null) {
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }
  }

  /** Whether {@link #close()} or {@link #kill()} has been called. */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Stops the node gracefully and releases the data directory. Idempotent; never throws (an
   * unexpected exit status is logged by {@link NodeProcess#stop}).
   */
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      process.stop(gracePeriod);
    } finally {
      lock.close();
      removeShutdownHook();
    }
  }

  /** Kills at once, for a node that failed to start; the caller releases the lock. */
  public synchronized void kill() {
    closed = true;
    process.kill();
    removeShutdownHook();
  }

  private void removeShutdownHook() {
    if (shutdownHook == null || Thread.currentThread() == shutdownHook) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down; the hook runs (or ran) close(), which is idempotent.
    }
  }
}

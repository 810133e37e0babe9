package io.durableobjects.cassandra.embedded.internal;

import io.durableobjects.cassandra.embedded.EmbeddedCassandraException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * INTERNAL API
 *
 * <p>An exclusive {@link FileChannel#tryLock()} on {@code <data dir>/.lock}, held by the launching
 * JVM for the lifetime of one {@code EmbeddedCassandra}. The file records who holds it, so that the
 * error seen by a second launcher (in this JVM or another) names the holder. The operating system
 * drops the lock when the holding JVM dies, so a crash never leaves a stale lock behind.
 */
public final class DataDirectoryLock implements AutoCloseable {

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock.
   *
   * @param file the lock file (created if missing)
   * @param dataDirectory named in the error message
   * @throws EmbeddedCassandraException if another instance, in this JVM or another, holds it
   */
  public static DataDirectoryLock acquire(Path file, Path dataDirectory) {
    FileChannel channel;
    try {
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new EmbeddedCassandraException("cannot open lock file " + file, e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by another EmbeddedCassandra in this JVM
    } catch (IOException e) {
      closeQuietly(channel);
      throw new EmbeddedCassandraException("cannot lock " + file, e);
    }
    if (lock == null) {
      closeQuietly(channel);
      throw new EmbeddedCassandraException(
          "data directory "
              + dataDirectory
              + " is in use by another embedded Cassandra ("
              + describeHolder(file)
              + "); close that one first or use another directory");
    }
    DataDirectoryLock result = new DataDirectoryLock(file, channel, lock);
    result.record("launcher pid " + ProcessHandle.current().pid());
    return result;
  }

  /**
   * Waits until no Cassandra JVM holds {@code nodeLock} (see {@link ParentWatchingCassandraMain}).
   * A node whose launcher died drains for a few seconds before it exits; starting a new node on the
   * same files before that would corrupt them.
   *
   * @throws EmbeddedCassandraException if the lock is still held after {@code timeout}
   */
  public static void awaitNodeLockFree(Path nodeLock, Path dataDirectory, Duration timeout) {
    if (!Files.exists(nodeLock)) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try (FileChannel channel = FileChannel.open(nodeLock, StandardOpenOption.WRITE)) {
        FileLock probe = channel.tryLock();
        if (probe != null) {
          probe.release();
          return;
        }
      } catch (OverlappingFileLockException e) {
        // Cannot happen: only forked Cassandra JVMs hold this lock; treat as held.
      } catch (IOException e) {
        return; // The file vanished or is unreadable: nothing holds it that we could wait for.
      }
      if (System.nanoTime() > deadline) {
        throw new EmbeddedCassandraException(
            "a Cassandra process ("
                + describeHolder(nodeLock)
                + ") is still running on data directory "
                + dataDirectory
                + " after waiting "
                + timeout.toMillis()
                + " ms; stop it first");
      }
      sleepQuietly(200);
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedCassandraException("interrupted while waiting for a Cassandra to exit", e);
    }
  }

  /** Overwrites the holder description stored in the lock file. */
  public void record(String holder) {
    try {
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
      channel.force(false);
    } catch (IOException e) {
      // Only diagnostics are lost.
    }
  }

  /** Releases the lock; idempotent. */
  @Override
  public void close() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } catch (IOException e) {
      // The channel close below releases it as well.
    }
    closeQuietly(channel);
  }

  @Override
  public String toString() {
    return "DataDirectoryLock(" + file + ")";
  }

  private static String describeHolder(Path file) {
    try {
      String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
      return holder.isEmpty() ? "holder unknown" : holder;
    } catch (IOException e) {
      return "holder unknown";
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}

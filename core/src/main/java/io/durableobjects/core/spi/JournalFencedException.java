package io.durableobjects.core.spi;

/**
 * A journal write refused because another instance of the object now holds its journal: the
 * instance that tried it is stale (its node was presumed failed and the object was started
 * elsewhere), and nothing of the write was applied.
 *
 * <p>A journal plugin that enforces one writer per object fails the write with this exception (the
 * Cassandra module's journal does). The object runtime then stops the stale instance instead of
 * recovering it again, and answers its waiting requests with a retryable error.
 */
public class JournalFencedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JournalFencedException(String message) {
    super(message);
  }
}

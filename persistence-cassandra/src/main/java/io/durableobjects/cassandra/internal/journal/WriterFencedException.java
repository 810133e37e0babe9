package io.durableobjects.cassandra.internal.journal;

/**
 * INTERNAL API
 *
 * <p>A journal write refused because another instance of the object took over its journal (or
 * wrote past this instance's state): the write was not applied, and the instance that tried it is
 * stale. Never retried by the journal.
 */
public final class WriterFencedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  WriterFencedException(String message) {
    super(message);
  }
}

package io.durableobjects.core.spi;

import java.util.List;

/**
 * The message a journal plugin answers to read an object's events without recovering it: the change
 * feed, the history and point-in-time reads use it while the object runs elsewhere.
 *
 * <p>Pekko Persistence's own replay protocol first reads the highest sequence number, which a
 * fencing journal turns into a claim that would fence the running instance off. A journal plugin
 * that fences says {@code durable-objects-reads = on} in its plugin configuration and answers
 * {@link ReadEvents} to its sender with {@link EventsRead} (or a {@code Status.Failure}) without
 * claiming; for any other plugin the runtime uses the replay protocol, which reads without side
 * effects there.
 */
public final class JournalReads {
  private JournalReads() {}

  /**
   * Read the events of {@code persistenceId} from {@code fromSequenceNr} to {@code toSequenceNr}
   * (both inclusive; {@code Long.MAX_VALUE}: up to the last), at most {@code max} of them.
   */
  public record ReadEvents(String persistenceId, long fromSequenceNr, long toSequenceNr, int max) {}

  /**
   * The events read, in order of sequence number; deleted ones are missing.
   *
   * @param highestSequenceNr the highest sequence number the journal has written for the object (0
   *     if none)
   */
  public record EventsRead(List<Event> events, long highestSequenceNr) {
    public EventsRead {
      events = List.copyOf(events);
    }
  }

  /**
   * One event.
   *
   * @param timestampMillis when the journal wrote it (epoch milliseconds), 0 if unknown
   * @param payload the deserialized event
   */
  public record Event(long sequenceNr, long timestampMillis, Object payload) {}
}

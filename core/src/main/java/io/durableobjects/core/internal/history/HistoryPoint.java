package io.durableobjects.core.internal.history;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * INTERNAL API: a point in an object's history: after the transaction with a sequence number, or
 * after the last one committed at or before a time.
 *
 * @param sequenceNr the sequence number, or {@code Long.MAX_VALUE} for a time
 * @param timeMillis the time (epoch milliseconds), or {@code Long.MAX_VALUE} for a sequence number
 */
public record HistoryPoint(long sequenceNr, long timeMillis) {

  /**
   * Parses {@code asOf}: a sequence number (digits) or an ISO-8601 instant such as {@code
   * 2026-12-06T10:15:30Z}.
   *
   * @throws IllegalArgumentException with what is wrong
   */
  public static HistoryPoint parse(String asOf) {
    if (asOf == null || asOf.isBlank()) {
      throw new IllegalArgumentException(
          "asOf is missing: give a sequence number or an ISO-8601 instant such as"
              + " 2026-12-06T10:15:30Z");
    }
    if (asOf.chars().allMatch(Character::isDigit)) {
      try {
        return new HistoryPoint(Long.parseLong(asOf), Long.MAX_VALUE);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("asOf '" + shorten(asOf) + "' is too large");
      }
    }
    try {
      return new HistoryPoint(Long.MAX_VALUE, Instant.parse(asOf).toEpochMilli());
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "asOf '"
              + shorten(asOf)
              + "' is neither a sequence number nor an ISO-8601 instant such as"
              + " 2026-12-06T10:15:30Z");
    }
  }

  /** Whether this point is a time rather than a sequence number. */
  public boolean isTime() {
    return timeMillis != Long.MAX_VALUE;
  }

  @Override
  public String toString() {
    return isTime() ? Instant.ofEpochMilli(timeMillis).toString() : "sequence number " + sequenceNr;
  }

  private static String shorten(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "…";
  }
}

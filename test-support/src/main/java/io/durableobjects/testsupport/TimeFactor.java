package io.durableobjects.testsupport;

import java.time.Duration;

/**
 * Pekko's test time factor, for the timeouts of tests that do not run on Pekko's testkit: a slow CI
 * machine runs {@code ./mvnw verify -Dpekko.test.timefactor=3} and every timeout and await of the
 * tests grows threefold (the root POM hands the property to the test JVMs, also as {@code
 * pekko.actor.testkit.typed.timefactor}, so Pekko's own testkits dilate the same way).
 */
public final class TimeFactor {
  /** The system property, the same as Pekko's classic testkit reads. */
  public static final String PROPERTY = "pekko.test.timefactor";

  private TimeFactor() {}

  /** The factor (at least 1; 1 when unset or not a number). */
  public static double factor() {
    String value = System.getProperty(PROPERTY);
    if (value == null || value.isBlank()) {
      return 1.0;
    }
    try {
      return Math.max(1.0, Double.parseDouble(value.trim()));
    } catch (NumberFormatException e) {
      return 1.0;
    }
  }

  /** {@code timeout} times the factor. */
  public static Duration dilated(Duration timeout) {
    return Duration.ofMillis((long) (timeout.toMillis() * factor()));
  }

  /** {@code seconds} times the factor, as a Duration. */
  public static Duration seconds(long seconds) {
    return dilated(Duration.ofSeconds(seconds));
  }
}

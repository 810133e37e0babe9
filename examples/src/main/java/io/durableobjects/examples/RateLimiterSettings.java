package io.durableobjects.examples;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;

/**
 * The {@link RateLimiter}'s default limits, from {@code durable-objects.examples.rate-limiter}:
 *
 * <pre>{@code
 * durable-objects.examples.rate-limiter {
 *   limit = 100   # acquires per window, 1 to 1000000
 *   window = 1h   # whole seconds, 1s to 30d
 * }
 * }</pre>
 *
 * <p>Absent keys mean these values. They are read from the node's configuration ({@code
 * state.env().config()}), so every node configured alike has the same defaults.
 */
final class RateLimiterSettings {
  static final String PATH = "durable-objects.examples.rate-limiter";
  static final RateLimiter.Limits BUILT_IN = new RateLimiter.Limits(100, 3600);

  private RateLimiterSettings() {}

  /**
   * The limits at {@value #PATH} of {@code config}.
   *
   * @throws ConfigException.BadValue naming the key, if a value is out of range or the window is
   *     not a whole number of seconds
   * @throws ConfigException.WrongType if a value is not a number or a duration
   */
  static RateLimiter.Limits fromConfig(Config config) {
    Config section = config.hasPath(PATH) ? config.getConfig(PATH) : ConfigFactory.empty();
    long limit = section.hasPath("limit") ? section.getLong("limit") : BUILT_IN.limit();
    Duration window =
        section.hasPath("window")
            ? section.getDuration("window")
            : Duration.ofSeconds(BUILT_IN.windowSeconds());
    if (limit < 1 || limit > RateLimiter.Limits.MAX_LIMIT) {
      throw new ConfigException.BadValue(
          PATH + ".limit",
          "must be between 1 and " + RateLimiter.Limits.MAX_LIMIT + ", got " + limit);
    }
    if (window.getNano() != 0
        || window.getSeconds() < 1
        || window.getSeconds() > RateLimiter.Limits.MAX_WINDOW_SECONDS) {
      throw new ConfigException.BadValue(
          PATH + ".window", "must be a whole number of seconds from 1s to 30d, got " + window);
    }
    return new RateLimiter.Limits((int) limit, window.getSeconds());
  }
}

package io.durableobjects.core.internal.history;

import io.durableobjects.core.ChangeFeed;
import java.util.List;

/**
 * INTERNAL API: which keys an object class's change feed shows ({@link ChangeFeed}).
 *
 * @param enabled whether the class has a feed
 * @param prefixes the prefixes of the keys shown; empty: all
 */
public record KeyFilter(boolean enabled, List<String> prefixes) {
  /** Every key: the history an operator reads. */
  public static final KeyFilter ALL = new KeyFilter(true, List.of());

  public KeyFilter {
    prefixes = List.copyOf(prefixes);
  }

  /** The filter {@code objectClass} declares with {@link ChangeFeed}, else {@link #ALL}. */
  public static KeyFilter of(Class<?> objectClass) {
    ChangeFeed feed = objectClass.getAnnotation(ChangeFeed.class);
    return feed == null ? ALL : new KeyFilter(feed.enabled(), List.of(feed.keyPrefixes()));
  }

  boolean shows(String key) {
    if (prefixes.isEmpty()) {
      return true;
    }
    for (String prefix : prefixes) {
      if (key.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}

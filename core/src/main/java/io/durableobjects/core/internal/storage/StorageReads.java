package io.durableobjects.core.internal.storage;

import com.fasterxml.jackson.databind.JavaType;
import io.durableobjects.core.ListOptions;
import io.durableobjects.core.StorageException;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * INTERNAL API: the reads of {@link TransactionalStorage}: single keys, several keys and ranges of
 * a {@link KeyValueState}, decoded by a {@link ValueCodec} into a Jackson type (a class or a
 * generic type). Stateless: the transaction hands it the state to read.
 */
final class StorageReads {
  private final ValueCodec codec;

  StorageReads(ValueCodec codec) {
    this.codec = codec;
  }

  /** The key must be valid already. */
  <T> Optional<T> get(KeyValueState state, String key, JavaType type) {
    return state.get(key).map(bytes -> codec.decode(key, bytes, type));
  }

  <T> Map<String, T> get(KeyValueState state, Collection<String> keys, JavaType type) {
    TreeSet<String> sorted = validated(keys);
    Map<String, T> result = new LinkedHashMap<>();
    for (String key : sorted) {
      Optional<byte[]> encoded = state.get(key);
      if (encoded.isPresent()) {
        result.put(key, codec.decode(key, encoded.get(), type));
      }
    }
    return Collections.unmodifiableMap(result);
  }

  /** The options must not be null. */
  <T> Map<String, T> list(KeyValueState state, ListOptions options, JavaType type) {
    String lower = null;
    boolean lowerInclusive = true;
    if (options.start().isPresent()) {
      lower = options.start().get();
    } else if (options.startAfter().isPresent()) {
      lower = options.startAfter().get();
      lowerInclusive = false;
    }
    String upper = options.end().orElse(null);
    String prefix = options.prefix().orElse("");
    if (!prefix.isEmpty()) {
      // The keys with a prefix are the range [prefix, prefixEnd(prefix)): intersect with it.
      if (lower == null || KeyValueState.UTF8_ORDER.compare(prefix, lower) > 0) {
        lower = prefix;
        lowerInclusive = true;
      }
      String prefixEnd = Keys.prefixEnd(prefix);
      if (prefixEnd != null
          && (upper == null || KeyValueState.UTF8_ORDER.compare(prefixEnd, upper) < 0)) {
        upper = prefixEnd;
      }
    }
    int limit = options.limit().orElse(Integer.MAX_VALUE);
    Map<String, T> result = new LinkedHashMap<>();
    Iterator<Map.Entry<String, byte[]>> it =
        state.scan(lower, lowerInclusive, upper, options.reverse());
    while (result.size() < limit && it.hasNext()) {
      Map.Entry<String, byte[]> entry = it.next();
      result.put(entry.getKey(), codec.decode(entry.getKey(), entry.getValue(), type));
    }
    return Collections.unmodifiableMap(result);
  }

  /** The keys, validated, without duplicates, in UTF-8 order. */
  static TreeSet<String> validated(Collection<String> keys) {
    if (keys == null) {
      throw new StorageException("the collection of storage keys must not be null");
    }
    TreeSet<String> sorted = new TreeSet<>(KeyValueState.UTF8_ORDER);
    for (String key : keys) {
      sorted.add(Keys.validate(key));
    }
    return sorted;
  }
}

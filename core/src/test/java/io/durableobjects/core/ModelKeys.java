package io.durableobjects.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Random keys for the model-based tests: one to three code points from an alphabet chosen around
 * every UTF-8 encoding boundary (where UTF-8 order and UTF-16 order differ), often keys the model
 * already holds.
 */
final class ModelKeys {
  /** Code points whose UTF-8 order differs from UTF-16 order, around every encoding boundary. */
  private static final String[] ALPHABET = {
    "a",
    "b",
    "z",
    "é",
    "\u07FF",
    "\u0800",
    "\uD7FF",
    "\uE000",
    "\uFFFD",
    "\uD83D\uDE00",
    "\uDBFF\uDFFF"
  };

  /** The order of the keys' UTF-8 bytes: the storage's order, for the models. */
  static final Comparator<String> UTF8 =
      (a, b) ->
          Arrays.compareUnsigned(
              a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  private final Random random;
  private final Supplier<? extends NavigableMap<String, ?>> model;

  /** Draws from {@code random}; {@code model} gives the current model (it may be replaced). */
  ModelKeys(Random random, Supplier<? extends NavigableMap<String, ?>> model) {
    this.random = random;
    this.model = model;
  }

  /** A key: four times in ten an existing one, found by a random probe into the model. */
  String key() {
    NavigableMap<String, ?> current = model.get();
    if (!current.isEmpty() && random.nextInt(10) < 4) {
      String probe = randomString(1 + random.nextInt(3));
      Map.Entry<String, ?> entry = current.ceilingEntry(probe);
      return entry != null ? entry.getKey() : current.firstKey();
    }
    int r = random.nextInt(10);
    return randomString(r < 3 ? 1 : r < 7 ? 2 : 3);
  }

  /** A prefix: half the time a prefix of an existing key, else a short random string. */
  String prefix() {
    if (!model.get().isEmpty() && random.nextBoolean()) {
      String key = key();
      int cut = key.offsetByCodePoints(0, random.nextInt(key.codePointCount(0, key.length())));
      return key.substring(0, cut);
    }
    return randomString(random.nextInt(3));
  }

  /** {@code codePoints} random code points from the alphabet. */
  String randomString(int codePoints) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < codePoints; i++) {
      s.append(ALPHABET[random.nextInt(ALPHABET.length)]);
    }
    return s.toString();
  }
}

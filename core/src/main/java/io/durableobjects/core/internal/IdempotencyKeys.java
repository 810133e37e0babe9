package io.durableobjects.core.internal;

/** INTERNAL API: the {@code Idempotency-Key} header and what a valid key looks like. */
public final class IdempotencyKeys {
  public static final String HEADER = "Idempotency-Key";
  private static final int MAX_LENGTH = 255;

  private IdempotencyKeys() {}

  /** Null if {@code key} is valid, else why not. */
  public static String problem(String key) {
    if (key.isEmpty() || key.length() > MAX_LENGTH) {
      return "an Idempotency-Key has 1 to " + MAX_LENGTH + " characters, got " + key.length();
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return "an Idempotency-Key is visible ASCII; character " + i + " is not";
      }
    }
    return null;
  }
}

package io.durableobjects.core.spi;

/**
 * The start of an object ID, as an operator searches the {@link ObjectCatalog} by it: 0 to 64
 * lowercase hex characters. The IDs it matches form one contiguous range in ID order, from {@link
 * #lowest()} to {@link #highest()}, both included, so that a catalog sorted by ID can read just
 * that range.
 *
 * @param value the prefix, validated; empty matches every ID
 */
public record IdPrefix(String value) {
  /** The length of an object ID in hex characters. */
  public static final int ID_LENGTH = 64;

  private static final int SHOWN = 80;

  /**
   * @throws IllegalArgumentException saying what is wrong with {@code value}: null, longer than an
   *     ID, or with a character that is not a lowercase hex digit
   */
  public IdPrefix {
    if (value == null) {
      throw new IllegalArgumentException("the ID prefix must not be null");
    }
    if (value.length() > ID_LENGTH) {
      throw new IllegalArgumentException(
          "the ID prefix has "
              + value.length()
              + " characters, more than an object ID's "
              + ID_LENGTH
              + ": \""
              + shorten(value)
              + "\"");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        throw new IllegalArgumentException(
            "the ID prefix must be lowercase hex digits (0-9, a-f), but it has '"
                + c
                + "' at index "
                + i
                + ": \""
                + shorten(value)
                + "\"");
      }
    }
  }

  /** The prefix matching every ID. */
  public static IdPrefix all() {
    return new IdPrefix("");
  }

  /** Whether this prefix matches every ID. */
  public boolean isEmpty() {
    return value.isEmpty();
  }

  /** Whether {@code id} starts with this prefix. */
  public boolean matches(String id) {
    return id.startsWith(value);
  }

  /** The smallest ID this prefix matches: the prefix followed by zeros. */
  public String lowest() {
    return value + "0".repeat(ID_LENGTH - value.length());
  }

  /** The largest ID this prefix matches: the prefix followed by {@code f}s. */
  public String highest() {
    return value + "f".repeat(ID_LENGTH - value.length());
  }

  // A malformed prefix may be anything, of any length: keep the message readable.
  private static String shorten(String text) {
    return text.length() <= SHOWN ? text : text.substring(0, SHOWN) + "...";
  }
}

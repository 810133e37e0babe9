package io.durableobjects.cassandra.internal;

/**
 * INTERNAL API
 *
 * <p>Object IDs as the Cassandra object catalog stores them: validation, and the bucket (partition)
 * of an ID. The bucket is the value of the ID's first hex character, so reading buckets 0 to 15 in
 * order, each clustered by ID, yields every ID of a namespace in ascending order.
 */
public final class CatalogIds {

  /** Buckets per namespace: one per value of the first hex character. */
  public static final int BUCKETS = 16;

  private static final int ID_LENGTH = 64;
  private static final int SHOWN = 80;

  private CatalogIds() {}

  /**
   * Checks that {@code id} is an object ID: exactly 64 lowercase hex characters.
   *
   * @param what names the argument in the message, e.g. "afterId"
   * @return {@code id}
   * @throws IllegalArgumentException saying what is wrong
   */
  public static String require(String what, String id) {
    if (id == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
    String reason = null;
    if (id.length() != ID_LENGTH) {
      reason = "it has " + id.length() + " characters";
    } else {
      for (int i = 0; i < ID_LENGTH; i++) {
        if (!isLowerHex(id.charAt(i))) {
          reason = "it contains '" + id.charAt(i) + "' at index " + i;
          break;
        }
      }
    }
    if (reason != null) {
      throw new IllegalArgumentException(
          what
              + " must be an object ID (64 lowercase hex characters), but "
              + reason
              + ": \""
              + shorten(id)
              + "\"");
    }
    return id;
  }

  /** The bucket of a valid ID ({@link #require}): its first hex character's value, 0 to 15. */
  public static int bucket(String id) {
    return Character.digit(id.charAt(0), 16);
  }

  private static boolean isLowerHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  }

  // A malformed ID may be anything, of any length: keep the message readable.
  private static String shorten(String text) {
    return text.length() <= SHOWN ? text : text.substring(0, SHOWN) + "...";
  }
}

package io.durableobjects.core.internal.storage;

import io.durableobjects.core.Storage;
import io.durableobjects.core.StorageException;

/** INTERNAL API: key validation and key arithmetic in UTF-8 (code point) order. */
public final class Keys {
  private Keys() {}

  /** Length of {@code s} in UTF-8 bytes, without encoding it. */
  public static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /**
   * The index of the first surrogate in {@code s} that is not half of a pair, or -1. A string with
   * one cannot be encoded in UTF-8, so it is neither a key nor a bound of a listing.
   */
  public static int unpairedSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        return i;
      }
      if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Checks a key, with a message that says what is wrong.
   *
   * @throws StorageException if the key is null, empty, not valid UTF-16 or longer than {@link
   *     Storage#MAX_KEY_BYTES} in UTF-8
   */
  public static String validate(String key) {
    if (key == null) {
      throw new StorageException("storage key must not be null");
    }
    if (key.isEmpty()) {
      throw new StorageException("storage key must not be empty");
    }
    int unpaired = unpairedSurrogate(key);
    if (unpaired >= 0) {
      throw new StorageException("storage key has an unpaired surrogate at index " + unpaired);
    }
    int length = utf8Length(key);
    if (length > Storage.MAX_KEY_BYTES) {
      throw StorageException.limitExceeded(
          "storage key is "
              + length
              + " bytes in UTF-8; the limit is "
              + Storage.MAX_KEY_BYTES
              + " bytes");
    }
    return key;
  }

  /**
   * The least string that is greater, in UTF-8 order, than every string starting with {@code
   * prefix}; {@code null} if there is none (the prefix is empty or all U+10FFFF). The keys with
   * this prefix are exactly those in {@code [prefix, prefixEnd(prefix))}.
   *
   * <p>{@code prefix} must have no unpaired surrogate.
   */
  public static String prefixEnd(String prefix) {
    int end = prefix.length();
    while (end > 0) {
      int codePoint = prefix.codePointBefore(end);
      int start = end - Character.charCount(codePoint);
      if (codePoint < Character.MAX_CODE_POINT) {
        int next = codePoint + 1;
        if (next == Character.MIN_SURROGATE) {
          next = Character.MAX_SURROGATE + 1; // surrogates are not characters: skip to U+E000
        }
        return prefix.substring(0, start) + Character.toString(next);
      }
      end = start; // U+10FFFF has no successor: carry into the previous character
    }
    return null;
  }
}

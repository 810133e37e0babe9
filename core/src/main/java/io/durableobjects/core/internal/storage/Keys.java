package io.durableobjects.core.internal.storage;

import io.durableobjects.core.Storage;
import io.durableobjects.core.StorageException;

/** INTERNAL API: key validation. */
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

  /** Checks a key, with a message that says what is wrong. */
  public static String validate(String key) {
    if (key == null) {
      throw new StorageException("storage key must not be null");
    }
    if (key.isEmpty()) {
      throw new StorageException("storage key must not be empty");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))) {
          i++;
          continue;
        }
        throw new StorageException("storage key has an unpaired surrogate at index " + i);
      }
      if (Character.isLowSurrogate(c)) {
        throw new StorageException("storage key has an unpaired surrogate at index " + i);
      }
    }
    int length = utf8Length(key);
    if (length > Storage.MAX_KEY_BYTES) {
      throw new StorageException(
          "storage key is "
              + length
              + " bytes in UTF-8; the limit is "
              + Storage.MAX_KEY_BYTES
              + " bytes");
    }
    return key;
  }
}

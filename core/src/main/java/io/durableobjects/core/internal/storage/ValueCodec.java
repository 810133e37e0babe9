package io.durableobjects.core.internal.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durableobjects.core.StorageException;
import java.io.IOException;
import java.util.Arrays;

/**
 * INTERNAL API: turns stored values into bytes and back, and carries the storage limits ({@link
 * StorageSettings}) that apply to them.
 *
 * <p>The first byte says how the rest is encoded: {@link #JSON} (Jackson) or {@link #RAW} (a {@code
 * byte[]} stored as is). This byte is part of the persistent format.
 */
public final class ValueCodec {
  static final byte JSON = 1;
  static final byte RAW = 2;

  private final ObjectMapper mapper;
  private final StorageSettings settings;

  /** A codec with the default limits ({@link StorageSettings#DEFAULTS}). */
  public ValueCodec(ObjectMapper mapper) {
    this(mapper, StorageSettings.DEFAULTS);
  }

  /**
   * A codec with this value limit ({@code durable-objects.storage.max-value-size}) and the default
   * object limit.
   */
  public ValueCodec(ObjectMapper mapper, int maxValueBytes) {
    this(mapper, new StorageSettings(maxValueBytes, StorageSettings.DEFAULTS.maxObjectBytes()));
  }

  /**
   * A codec with both limits, as read by {@link StorageSettings#fromConfig}; the object limit is
   * the one every {@link TransactionalStorage} made with this codec enforces.
   */
  public ValueCodec(ObjectMapper mapper, StorageSettings settings) {
    this.mapper = mapper;
    this.settings = settings;
  }

  public StorageSettings settings() {
    return settings;
  }

  /** The largest serialized value, in bytes (without the tag byte). */
  public int maxValueBytes() {
    return settings.maxValueBytes();
  }

  /**
   * Encodes a value: a tag byte, then the raw bytes or the JSON.
   *
   * @throws StorageException if the value is null, cannot be serialized, or is larger than {@link
   *     #maxValueBytes()} serialized
   */
  public byte[] encode(String key, Object value) {
    if (value == null) {
      throw new StorageException(
          "cannot store null under key '" + key + "'; use delete to remove a key");
    }
    byte[] encoded;
    if (value instanceof byte[] raw) {
      checkSize(key, raw.length);
      encoded = new byte[raw.length + 1];
      encoded[0] = RAW;
      System.arraycopy(raw, 0, encoded, 1, raw.length);
    } else {
      byte[] json;
      try {
        json = mapper.writeValueAsBytes(value);
      } catch (JsonProcessingException e) {
        throw new StorageException(
            "cannot serialize the value for key '"
                + key
                + "' ("
                + value.getClass().getName()
                + "): "
                + e.getOriginalMessage(),
            e);
      }
      checkSize(key, json.length);
      encoded = new byte[json.length + 1];
      encoded[0] = JSON;
      System.arraycopy(json, 0, encoded, 1, json.length);
    }
    return encoded;
  }

  private void checkSize(String key, int length) {
    if (length > settings.maxValueBytes()) {
      throw StorageException.limitExceeded(
          "value for key '"
              + key
              + "' is "
              + length
              + " bytes serialized; the limit is "
              + settings.maxValueBytes()
              + " bytes");
    }
  }

  /** The stored form of an encoded value, for operators: its JSON text or its raw bytes. */
  public static io.durableobjects.core.admin.StoredEntry toStoredEntry(String key, byte[] encoded) {
    byte[] rest = Arrays.copyOfRange(encoded, 1, encoded.length);
    return encoded[0] == RAW
        ? io.durableobjects.core.admin.StoredEntry.bytes(key, rest)
        : io.durableobjects.core.admin.StoredEntry.json(key, rest);
  }

  /**
   * Decodes a value. Raw bytes are read as {@code byte[]} (or {@code Object}), always as a fresh
   * copy; JSON is read by Jackson into {@code type}.
   *
   * @throws StorageException if {@code type} is null or the value cannot be read as {@code type}
   */
  public <T> T decode(String key, byte[] encoded, Class<T> type) {
    if (type == null) {
      throw new StorageException("the type to read key '" + key + "' as must not be null");
    }
    return decode(key, encoded, mapper.constructType(type));
  }

  /** The Jackson type of {@code type}, to read values as (for a generic type). */
  public JavaType typeOf(TypeReference<?> type) {
    if (type == null) {
      throw new StorageException("the type to read values as must not be null");
    }
    return mapper.getTypeFactory().constructType(type);
  }

  /** The Jackson type of {@code type}, to read values as. */
  public JavaType typeOf(Class<?> type) {
    if (type == null) {
      throw new StorageException("the type to read values as must not be null");
    }
    return mapper.constructType(type);
  }

  /**
   * Decodes a value as a Jackson type (generic types included); otherwise as {@link #decode(String,
   * byte[], Class)}.
   */
  @SuppressWarnings("unchecked")
  public <T> T decode(String key, byte[] encoded, JavaType type) {
    byte tag = encoded[0];
    if (tag == RAW) {
      Class<?> raw = type.getRawClass();
      if (raw == byte[].class || raw == Object.class) {
        return (T) Arrays.copyOfRange(encoded, 1, encoded.length);
      }
      throw new StorageException(
          "key '" + key + "' holds raw bytes; read it as byte[], not " + type.toCanonical());
    }
    if (tag != JSON) {
      throw new StorageException("key '" + key + "' holds a value of unknown encoding " + tag);
    }
    try {
      return mapper.readValue(encoded, 1, encoded.length - 1, type);
    } catch (IOException e) {
      throw new StorageException(
          "cannot read key '" + key + "' as " + describe(type) + ": " + e.getMessage(), e);
    }
  }

  // A class reads as its name (as before); a generic type as its full form, List<Item> and such.
  private static String describe(JavaType type) {
    return type.hasGenericTypes() ? type.toCanonical() : type.getRawClass().getName();
  }
}

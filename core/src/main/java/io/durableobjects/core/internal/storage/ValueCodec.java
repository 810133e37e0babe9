package io.durableobjects.core.internal.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durableobjects.core.Storage;
import io.durableobjects.core.StorageException;
import java.io.IOException;
import java.util.Arrays;

/**
 * INTERNAL API: turns stored values into bytes and back.
 *
 * <p>The first byte says how the rest is encoded: {@link #JSON} (Jackson) or {@link #RAW} (a
 * {@code byte[]} stored as is). This byte is part of the persistent format.
 */
public final class ValueCodec {
  static final byte JSON = 1;
  static final byte RAW = 2;

  private final ObjectMapper mapper;

  public ValueCodec(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  public byte[] encode(String key, Object value) {
    if (value == null) {
      throw new StorageException(
          "cannot store null under key '" + key + "'; use delete to remove a key");
    }
    byte[] encoded;
    if (value instanceof byte[] raw) {
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
      encoded = new byte[json.length + 1];
      encoded[0] = JSON;
      System.arraycopy(json, 0, encoded, 1, json.length);
    }
    if (encoded.length - 1 > Storage.MAX_VALUE_BYTES) {
      throw new StorageException(
          "value for key '"
              + key
              + "' is "
              + (encoded.length - 1)
              + " bytes serialized; the limit is "
              + Storage.MAX_VALUE_BYTES
              + " bytes");
    }
    return encoded;
  }

  public <T> T decode(String key, byte[] encoded, Class<T> type) {
    if (type == null) {
      throw new StorageException("the type to read key '" + key + "' as must not be null");
    }
    byte tag = encoded[0];
    if (tag == RAW) {
      byte[] raw = Arrays.copyOfRange(encoded, 1, encoded.length);
      if (type == byte[].class || type == Object.class) {
        return type.cast(raw);
      }
      throw new StorageException(
          "key '" + key + "' holds raw bytes; read it as byte[], not " + type.getName());
    }
    if (tag != JSON) {
      throw new StorageException("key '" + key + "' holds a value of unknown encoding " + tag);
    }
    try {
      return mapper.readValue(encoded, 1, encoded.length - 1, type);
    } catch (IOException e) {
      throw new StorageException(
          "cannot read key '" + key + "' as " + type.getName() + ": " + e.getMessage(), e);
    }
  }
}

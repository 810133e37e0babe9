package io.durableobjects.core.internal.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import io.durableobjects.core.DurableObjectException;
import java.io.IOException;
import java.util.List;

/**
 * INTERNAL API: reads and writes the JSON of request and response bodies with one mapper,
 * configured like Pekko's {@code jackson-json} binding that stores values (Java time as ISO-8601
 * text, {@code Optional}, records, constructor parameter names, unknown properties ignored), and
 * turns a body that does not fit into a 400 that says what is wrong and where.
 */
public final class BodyJson {
  /** The mapper; thread-safe once built. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new ParameterNamesModule())
          .addModule(new Jdk8Module())
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private static final int MAX_DETAIL = 300;

  private BodyJson() {}

  /** {@code value} as JSON text. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot write " + value.getClass().getName() + " as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Reads {@code body} as {@code type}.
   *
   * @throws DurableObjectException 400 {@code bad_request} if the body is empty, not JSON, or JSON
   *     that does not fit {@code type}; the message says where (line and column, and the field)
   */
  public static <T> T read(byte[] body, JavaType type) {
    if (body.length == 0) {
      throw badRequest("the request body is empty; expected " + describe(type));
    }
    try {
      T value = MAPPER.readValue(body, type);
      if (value == null) {
        throw badRequest("the request body is JSON null; expected " + describe(type));
      }
      return value;
    } catch (JsonProcessingException e) {
      throw badRequest("the request body is not valid " + describe(type) + ": " + problem(e));
    } catch (IOException e) {
      throw badRequest("the request body cannot be read: " + e.getMessage());
    }
  }

  /**
   * What is wrong with the JSON and where: the field path (for example {@code items[0].quantity})
   * if Jackson knows it, the line and column, and Jackson's own explanation, shortened.
   */
  public static String problem(JsonProcessingException e) {
    StringBuilder where = new StringBuilder();
    if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      where.append("at ").append(path(mapping.getPath())).append(", ");
    }
    JsonLocation location = e.getLocation();
    if (location != null && location.getLineNr() > 0) {
      where
          .append("line ")
          .append(location.getLineNr())
          .append(", column ")
          .append(location.getColumnNr())
          .append(": ");
    }
    String detail = String.valueOf(e.getOriginalMessage()).replace('\n', ' ');
    if (detail.length() > MAX_DETAIL) {
      detail = detail.substring(0, MAX_DETAIL) + "…";
    }
    return where + detail;
  }

  /** A field path such as {@code items[0].quantity}. */
  private static String path(List<JsonMappingException.Reference> references) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : references) {
      if (ref.getFieldName() != null) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.length() == 0 ? "the top level" : "field '" + path + "'";
  }

  /** A short name for the type a body was read as: {@code JSON for Item}, {@code a JSON array}. */
  private static String describe(JavaType type) {
    if (type.isCollectionLikeType() || type.isArrayType()) {
      return "JSON (an array)";
    }
    if (type.isMapLikeType()) {
      return "JSON (an object)";
    }
    return "JSON for " + type.getRawClass().getSimpleName();
  }

  private static DurableObjectException badRequest(String message) {
    return new DurableObjectException(400, "bad_request", message);
  }
}

package io.durableobjects.core.internal.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
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
 *
 * <p>Reading is stricter than storage in one way: a client's {@code 1.5} or {@code "2"} for an
 * integer is refused rather than truncated or converted, since a request that says something else
 * than it means is the client's error.
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
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
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
      throw badRequest("the request body is not " + valid(describe(type)) + ": " + problem(e));
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
    // A constructor that refused the values (a record validating itself) says best what is wrong.
    String detail =
        String.valueOf(
                e instanceof ValueInstantiationException && e.getCause() != null
                    ? e.getCause().getMessage()
                    : e.getOriginalMessage())
            .replace('\n', ' ');
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

  /**
   * What a body was read as: {@code a JSON array}, {@code a JSON object for Item}, {@code JSON}.
   */
  private static String describe(JavaType type) {
    Class<?> raw = type.getRawClass();
    if (type.isCollectionLikeType() || type.isArrayType()) {
      return "a JSON array";
    }
    if (type.isMapLikeType()) {
      return "a JSON object";
    }
    if (raw.isPrimitive()
        || raw.getName().startsWith("java.")
        || com.fasterxml.jackson.databind.JsonNode.class.isAssignableFrom(raw)) {
      return "JSON for " + raw.getSimpleName();
    }
    return "a JSON object for " + raw.getSimpleName();
  }

  // "a JSON object for Item" -> "a valid JSON object for Item"; "JSON for Long" -> "valid JSON for
  // Long".
  private static String valid(String description) {
    return description.startsWith("a ")
        ? "a valid " + description.substring(2)
        : "valid " + description;
  }

  private static DurableObjectException badRequest(String message) {
    return new DurableObjectException(400, "bad_request", message);
  }
}

package io.durableobjects.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.durableobjects.core.Response;

/**
 * JSON for the examples' tests: a mapper to read the objects' answers, and the writer the objects
 * answer with ({@link Response#json(Object)}).
 */
final class JsonResponses {
  /** Reads and writes {@code java.time} values as ISO-8601 text, as the objects do. */
  static final ObjectMapper JSON =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .build();

  private JsonResponses() {}

  /** {@code value} as the examples answer it. */
  static Response json(Object value) {
    return Response.json(value);
  }
}

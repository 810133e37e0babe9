package io.durableobjects.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import java.io.IOException;
import java.util.Optional;

/** Small JSON helpers the examples share: parse a body, answer JSON, answer a JSON error. */
final class JsonResponses {
  /** Writes {@code java.time} values as ISO-8601 text, such as {@code "2025-01-31T12:00:00Z"}. */
  static final ObjectMapper JSON =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .build();

  private JsonResponses() {}

  /** The body as a JSON object, or empty if it is not one. */
  static Optional<ObjectNode> objectBody(Request request) {
    try {
      JsonNode node = JSON.readTree(request.body());
      return node instanceof ObjectNode object ? Optional.of(object) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static Response json(Object value) {
    try {
      return Response.json(JSON.writeValueAsString(value));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** The gateway's error shape, {@code {"error", "message"}}, from the object itself. */
  static Response error(int status, String code, String message) {
    ObjectNode body = JSON.createObjectNode().put("error", code).put("message", message);
    return Response.json(body.toString()).withStatus(status);
  }

  static Response methodNotAllowed(String allowed) {
    return error(405, "method_not_allowed", "use " + allowed).withHeader("Allow", allowed);
  }

  static Response notFound(String path) {
    return error(404, "not_found", "no such route: " + path);
  }
}

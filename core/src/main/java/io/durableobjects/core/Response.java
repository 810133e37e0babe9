package io.durableobjects.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.durableobjects.core.internal.json.BodyJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * An immutable HTTP-style response from an object: status, headers and body.
 *
 * <pre>{@code
 * return Response.text("42");
 * return Response.json(new Count(42));          // {"count":42}
 * return Response.json("{\"count\":42}");       // JSON text as is
 * return Response.status(404).withBody("no such item");
 * }</pre>
 */
public final class Response {
  private static final byte[] EMPTY = new byte[0];

  private final int status;
  private final List<Header> headers;
  private final byte[] body;

  @JsonCreator
  private Response(
      @JsonProperty("status") int status,
      @JsonProperty("headers") List<Header> headers,
      @JsonProperty("body") byte[] body) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status " + status + " is not in 100..599");
    }
    this.status = status;
    this.headers = headers == null ? List.of() : List.copyOf(headers);
    this.body = body == null ? EMPTY : body;
  }

  /** An empty response with this status. */
  public static Response status(int status) {
    return new Response(status, List.of(), EMPTY);
  }

  /** 200 with this text as a UTF-8 {@code text/plain} body. */
  public static Response text(String text) {
    return new Response(
        200,
        List.of(new Header("Content-Type", "text/plain; charset=UTF-8")),
        text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * 200 with this JSON <em>text</em>, as is, as an {@code application/json} body. To answer a
   * string as a JSON string value, use {@link #json(Object)} with the string as an {@code Object}.
   */
  public static Response json(String json) {
    return new Response(
        200,
        List.of(new Header("Content-Type", "application/json")),
        json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * 200 with {@code value} serialized as JSON (Jackson, configured like the values in storage:
   * records, Java time as ISO-8601 text, {@code Optional}), as an {@code application/json} body;
   * {@code null} answers {@code null}.
   *
   * @throws IllegalArgumentException if Jackson cannot serialize the value
   */
  public static Response json(Object value) {
    return json(BodyJson.write(value));
  }

  /**
   * An error in the gateway's shape: {@code status} with the JSON body {@code {"error": code,
   * "message": message}}, as the runtime answers its own errors.
   *
   * @throws IllegalArgumentException if the status is not in 400..599 or code is empty
   */
  public static Response error(int status, String code, String message) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("an error status is in 400..599, got " + status);
    }
    if (code == null || code.isEmpty()) {
      throw new IllegalArgumentException("the error code must not be empty");
    }
    java.util.Map<String, String> body = new java.util.LinkedHashMap<>();
    body.put("error", code);
    body.put("message", message == null ? "" : message);
    return json((Object) body).withStatus(status);
  }

  /** 200 with these bytes as an {@code application/octet-stream} body (the array is copied). */
  public static Response bytes(byte[] body) {
    return new Response(
        200, List.of(new Header("Content-Type", "application/octet-stream")), body.clone());
  }

  /** A copy with this status. */
  public Response withStatus(int newStatus) {
    return new Response(newStatus, headers, body);
  }

  /** A copy with the header set to this value, replacing headers of the same name. */
  public Response withHeader(String name, String value) {
    return new Response(status, Headers.with(headers, name, value), body);
  }

  /** A copy with exactly these headers, in this order (repeated names allowed). */
  public Response withHeaders(List<Header> newHeaders) {
    return new Response(status, newHeaders, body);
  }

  /** A copy with this text as its UTF-8 body (headers unchanged). */
  public Response withBody(String text) {
    return new Response(status, headers, text.getBytes(StandardCharsets.UTF_8));
  }

  /** A copy with this body (the array is copied; headers unchanged). */
  public Response withBody(byte[] newBody) {
    return new Response(status, headers, newBody.clone());
  }

  /** The HTTP status code. */
  @JsonProperty("status")
  public int status() {
    return status;
  }

  /** All headers, in order. */
  @JsonProperty("headers")
  public List<Header> headers() {
    return headers;
  }

  /** The first value of the header {@code name} (case-insensitive), if present. */
  public Optional<String> header(String name) {
    return Headers.first(headers, name);
  }

  /** A copy of the body. */
  public byte[] body() {
    return body.clone();
  }

  @JsonProperty("body")
  private byte[] rawBody() {
    return body;
  }

  /** The body's length in bytes. */
  public int bodyLength() {
    return body.length;
  }

  /** The body decoded as UTF-8 text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** Responses are equal when their status, headers (in order) and body bytes are. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Response other
        && other.status == status
        && other.headers.equals(headers)
        && java.util.Arrays.equals(other.body, body);
  }

  @Override
  public int hashCode() {
    return (31 * status + headers.hashCode()) * 31 + java.util.Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    return "Response[" + status + ", " + headers.size() + " headers, " + body.length + " bytes]";
  }
}

package io.durableobjects.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import io.durableobjects.core.internal.json.BodyJson;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable HTTP-style request addressed to one object: method, path relative to the object, raw
 * query string, headers and body.
 *
 * <p>Build one with {@link #of(String, String)} and the {@code withX} methods, each of which
 * returns a copy:
 *
 * <pre>{@code
 * Request.of("POST", "/increment").withHeader("Content-Type", "text/plain").withBody("1")
 * }</pre>
 */
public final class Request {
  private static final byte[] EMPTY = new byte[0];

  private final String method;
  private final String path;
  private final String query;
  private final List<Header> headers;
  private final byte[] body;

  @JsonCreator
  private Request(
      @JsonProperty("method") String method,
      @JsonProperty("path") String path,
      @JsonProperty("query") String query,
      @JsonProperty("headers") List<Header> headers,
      @JsonProperty("body") byte[] body) {
    this.method = validMethod(method);
    this.path = validPath(path);
    this.query = query;
    this.headers = headers == null ? List.of() : List.copyOf(headers);
    this.body = body == null ? EMPTY : body;
  }

  /**
   * A request with no query, headers or body.
   *
   * @param method an HTTP method token such as {@code GET} or {@code POST}
   * @param path the path relative to the object; must start with {@code /}
   * @throws IllegalArgumentException if the method or path is malformed
   */
  public static Request of(String method, String path) {
    return new Request(method, path, null, List.of(), EMPTY);
  }

  /** A copy with this raw (still percent-encoded) query string, without the leading {@code ?}. */
  public Request withQuery(String rawQuery) {
    return new Request(method, path, rawQuery, headers, body);
  }

  /** A copy with the header set to this value, replacing headers of the same name. */
  public Request withHeader(String name, String value) {
    return new Request(method, path, query, Headers.with(headers, name, value), body);
  }

  /** A copy with exactly these headers. */
  public Request withHeaders(List<Header> newHeaders) {
    return new Request(method, path, query, newHeaders, body);
  }

  /** A copy with this body (the array is copied). */
  public Request withBody(byte[] newBody) {
    return new Request(method, path, query, headers, newBody.clone());
  }

  /** A copy with this text as its UTF-8 encoded body. */
  public Request withBody(String text) {
    return new Request(method, path, query, headers, text.getBytes(StandardCharsets.UTF_8));
  }

  /** The HTTP method, upper case as sent, for example {@code GET}. */
  @JsonProperty("method")
  public String method() {
    return method;
  }

  /** The path relative to the object, starting with {@code /}; {@code /} for the object's root. */
  @JsonProperty("path")
  public String path() {
    return path;
  }

  /** The raw query string (percent-encoded, without {@code ?}), if the request had one. */
  public Optional<String> query() {
    return Optional.ofNullable(query);
  }

  @JsonProperty("query")
  private String rawQuery() {
    return query;
  }

  /** The first value of the query parameter {@code name}, decoded, if present. */
  public Optional<String> queryParam(String name) {
    if (query == null || query.isEmpty()) {
      return Optional.empty();
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      if (key.equals(name)) {
        return Optional.of(eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    return Optional.empty();
  }

  /** All headers, in the order received. */
  @JsonProperty("headers")
  public List<Header> headers() {
    return headers;
  }

  /** The first value of the header {@code name} (case-insensitive), if present. */
  public Optional<String> header(String name) {
    return Headers.first(headers, name);
  }

  /** A copy of the body; empty if the request had none. */
  public byte[] body() {
    return body.clone();
  }

  @JsonProperty("body")
  private byte[] rawBody() {
    return body;
  }

  /** The body decoded as UTF-8 text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The body's length in bytes. */
  public int bodyLength() {
    return body.length;
  }

  /**
   * The body read as JSON into {@code type} (Jackson, configured like the values in storage: Java
   * time as ISO-8601 text, {@code Optional}, records; unknown properties are ignored).
   *
   * <pre>{@code
   * record Score(String player, long score) {}
   * Score score = request.bodyAs(Score.class);
   * }</pre>
   *
   * @throws DurableObjectException with status 400 ({@code bad_request}) if the body is empty, not
   *     JSON, or JSON that does not fit {@code type}; the message says what and where (line and
   *     column, the field). Thrown from a handler (or a {@link Router} route) it reaches the caller
   *     as that 400, never as a 500.
   */
  public <T> T bodyAs(Class<T> type) {
    if (type == null) {
      throw new IllegalArgumentException("the type to read the body as must not be null");
    }
    return BodyJson.read(body, BodyJson.MAPPER.constructType(type));
  }

  /**
   * The body read as JSON into a generic type: {@code request.bodyAs(new
   * TypeReference<List<Item>>() {})}. Otherwise as {@link #bodyAs(Class)}.
   */
  public <T> T bodyAs(TypeReference<T> type) {
    if (type == null) {
      throw new IllegalArgumentException("the type to read the body as must not be null");
    }
    return BodyJson.read(body, BodyJson.MAPPER.constructType(type));
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s; // malformed percent-encoding: hand the raw text to the object rather than fail
    }
  }

  private static String validMethod(String method) {
    Objects.requireNonNull(method, "method");
    if (method.isEmpty()) {
      throw new IllegalArgumentException("method must not be empty");
    }
    for (int i = 0; i < method.length(); i++) {
      char c = method.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-' || c == '_')) {
        throw new IllegalArgumentException("method '" + method + "' is not an HTTP method token");
      }
    }
    return method;
  }

  private static String validPath(String path) {
    Objects.requireNonNull(path, "path");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path '" + path + "' must start with '/'");
    }
    return path;
  }

  @Override
  public String toString() {
    // Paths are percent-decoded client input: no control character reaches a log line.
    return "Request["
        + method
        + " "
        + io.durableobjects.core.spi.LogText.escape(path)
        + (query == null ? "" : "?" + io.durableobjects.core.spi.LogText.escape(query))
        + ", "
        + headers.size()
        + " headers, "
        + body.length
        + " bytes]";
  }
}

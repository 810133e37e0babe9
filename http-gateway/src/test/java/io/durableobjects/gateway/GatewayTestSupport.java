package io.durableobjects.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durableobjects.gateway.testing.GatewayNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Helpers shared by the gateway's HTTP contract tests (/tmp/spec/api.md): an HTTP/1.1 client, the
 * error-shape assertion every error goes through, and a raw-socket client for the inputs that
 * {@link HttpClient} refuses to send (malformed request targets and headers, chunked bodies).
 */
final class GatewayTestSupport {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Pattern GENERATED_REQUEST_ID = Pattern.compile("[0-9a-f]{32}");
  static final Pattern VALID_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  static final Pattern HEX_ID = Pattern.compile("[0-9a-f]{64}");

  /** HTTP/1.1 only: the default client would offer an h2c upgrade on every request. */
  static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private GatewayTestSupport() {}

  static HttpResponse<String> send(
      GatewayNode node, String method, String pathAndQuery, String body, String... headers)
      throws Exception {
    return send(node.baseUrl(), method, pathAndQuery, body, headers);
  }

  /** {@code headers} are name, value pairs. */
  static HttpResponse<String> send(
      GatewayNode node, String method, String pathAndQuery, byte[] body, String... headers)
      throws Exception {
    return send(node.baseUrl(), method, pathAndQuery, body, headers);
  }

  static HttpResponse<String> get(GatewayNode node, String pathAndQuery, String... headers)
      throws Exception {
    return get(node.baseUrl(), pathAndQuery, headers);
  }

  static HttpResponse<String> post(
      GatewayNode node, String pathAndQuery, String body, String... headers) throws Exception {
    return post(node.baseUrl(), pathAndQuery, body, headers);
  }

  /** To the gateway at {@code baseUrl} ({@code http://host:port}). */
  static HttpResponse<String> send(
      String baseUrl, String method, String pathAndQuery, String body, String... headers)
      throws Exception {
    return send(
        baseUrl,
        method,
        pathAndQuery,
        body == null ? null : body.getBytes(StandardCharsets.UTF_8),
        headers);
  }

  /** {@code headers} are name, value pairs. */
  static HttpResponse<String> send(
      String baseUrl, String method, String pathAndQuery, byte[] body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
            .timeout(Duration.ofSeconds(20))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(String baseUrl, String pathAndQuery, String... headers)
      throws Exception {
    return send(baseUrl, "GET", pathAndQuery, (byte[]) null, headers);
  }

  static HttpResponse<String> post(
      String baseUrl, String pathAndQuery, String body, String... headers) throws Exception {
    return send(baseUrl, "POST", pathAndQuery, body == null ? "" : body, headers);
  }

  static JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  static String describe(HttpResponse<?> r) {
    String uri = r.request().uri().toString();
    return r.request().method()
        + " "
        + (uri.length() > 160 ? uri.substring(0, 160) + "...(" + uri.length() + " chars)" : uri)
        + " -> "
        + r.statusCode()
        + " "
        + r.headers().map()
        + " "
        + r.body();
  }

  /**
   * The documented error shape: the status, {@code application/json}, {@code {"error": code,
   * "message": text}}, an {@code X-Request-Id}, and no stack trace.
   */
  static JsonNode assertError(HttpResponse<String> r, int status, String code) throws IOException {
    assertThat(r.statusCode()).as(describe(r)).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type"))
        .as("Content-Type of " + describe(r))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.isObject()).as(describe(r)).isTrue();
    assertThat(body.path("error").asText(null)).as("error code of " + describe(r)).isEqualTo(code);
    assertThat(body.path("message").isTextual()).as("message of " + describe(r)).isTrue();
    assertThat(body.path("message").asText()).as("message of " + describe(r)).isNotBlank();
    assertRequestId(r);
    assertNoStackTrace(r.body());
    return body;
  }

  static void assertRequestId(HttpResponse<?> r) {
    assertThat(r.headers().firstValue("X-Request-Id"))
        .as("X-Request-Id of " + describe(r))
        .hasValueSatisfying(id -> assertThat(id).matches(VALID_REQUEST_ID));
  }

  static void assertNoStackTrace(String body) {
    assertThat(body)
        .as("no stack trace in the body")
        .doesNotContain("at io.")
        .doesNotContain("at org.apache")
        .doesNotContain("at java.")
        .doesNotContain("\tat ")
        .doesNotContain("Exception:")
        .doesNotContain("Caused by");
  }

  static void assertRetryAfter(HttpResponse<?> r) {
    assertThat(r.headers().firstValue("Retry-After"))
        .as("Retry-After of " + describe(r))
        .hasValueSatisfying(v -> assertThat(Integer.parseInt(v.strip())).isGreaterThanOrEqualTo(0));
  }

  // ---------------------------------------------------------------------------------------------
  // Raw HTTP/1.1 over a socket.

  /** A response read off a raw socket; header names lower case. */
  record RawResponse(int status, Map<String, String> headers, String body) {
    Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    @Override
    public String toString() {
      return status + " " + headers + " " + body;
    }
  }

  /**
   * Sends {@code head} (request line and headers, CRLF-terminated, ending with an empty line) and
   * then {@code body} from a separate thread, so that a server answering before it has read the
   * whole body (413) is seen rather than blocked on; reads one response.
   */
  static RawResponse raw(int port, String head, byte[] body) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      Thread writer = null;
      if (body != null && body.length > 0) {
        writer =
            new Thread(
                () -> {
                  try {
                    for (int i = 0; i < body.length; i += 16 * 1024) {
                      out.write(body, i, Math.min(16 * 1024, body.length - i));
                    }
                    out.flush();
                  } catch (IOException ignored) {
                    // The server may close the connection after answering early.
                  }
                },
                "raw-body-writer");
        writer.setDaemon(true);
        writer.start();
      }
      return readResponse(socket.getInputStream());
    }
  }

  static RawResponse raw(int port, String head) throws IOException {
    return raw(port, head, null);
  }

  static RawResponse readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int c = in.read();
      if (c < 0) {
        throw new IOException(
            "connection closed before a complete response head: "
                + headBytes.toString(StandardCharsets.ISO_8859_1));
      }
      headBytes.write(c);
      state =
          (c == '\r' && (state == 0 || state == 2))
              ? state + 1
              : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : (c == '\r' ? 1 : 0);
    }
    String[] lines = headBytes.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(
            lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).strip());
      }
    }
    byte[] body;
    String length = headers.get("content-length");
    if (length != null) {
      body = in.readNBytes(Integer.parseInt(length));
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = readChunked(in);
    } else {
      body = new byte[0];
    }
    return new RawResponse(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  private static byte[] readChunked(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine(in);
      int size = Integer.parseInt(sizeLine.split(";")[0].strip(), 16);
      if (size == 0) {
        readLine(in);
        return out.toByteArray();
      }
      out.write(in.readNBytes(size));
      readLine(in);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (c != '\r') {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }

  /** Asserts the documented error shape on a raw response. */
  static JsonNode assertRawError(RawResponse r, int status, String... acceptedCodes)
      throws IOException {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.header("content-type"))
        .as("Content-Type of " + r)
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.path("error").asText(null))
        .as("error code of " + r)
        .isIn((Object[]) acceptedCodes);
    assertThat(body.path("message").asText()).as("message of " + r).isNotBlank();
    assertThat(r.header("x-request-id"))
        .as("X-Request-Id of " + r)
        .hasValueSatisfying(id -> assertThat(id).matches(VALID_REQUEST_ID));
    assertNoStackTrace(r.body());
    return body;
  }
}

package io.durableobjects.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deliberately minimal HTTP/1.1 client over a raw {@link Socket}, for tests that must send what
 * {@code java.net.http} refuses to send (garbage methods, broken percent-encoding, bad framing,
 * invalid header names...). One request per connection: the bytes are written exactly as given (on
 * a separate thread, so a server that answers before reading the whole body is seen), then one
 * response is read.
 */
public final class RawHttp {
  private static final AtomicInteger threads = new AtomicInteger();
  private static final ExecutorService writers =
      Executors.newCachedThreadPool(
          new ThreadFactory() {
            @Override
            public Thread newThread(Runnable r) {
              Thread t = new Thread(r, "raw-http-writer-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            }
          });

  private RawHttp() {}

  /** One HTTP response as read from the wire. */
  public record Response(
      int status, String statusLine, List<Map.Entry<String, String>> headers, byte[] body) {

    /** All values of the header {@code name} (case-insensitive), in order. */
    public List<String> headers(String name) {
      List<String> values = new ArrayList<>();
      for (Map.Entry<String, String> h : headers) {
        if (h.getKey().equalsIgnoreCase(name)) {
          values.add(h.getValue());
        }
      }
      return values;
    }

    /** The first value of the header {@code name}, or null. */
    public String header(String name) {
      List<String> values = headers(name);
      return values.isEmpty() ? null : values.get(0);
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** The status line, the headers and (up to 500 chars of) the body, for failure messages. */
    public String describe() {
      StringBuilder s = new StringBuilder(statusLine);
      for (Map.Entry<String, String> h : headers) {
        s.append("\n  ").append(h.getKey()).append(": ").append(h.getValue());
      }
      String text = bodyText();
      s.append("\n  body (")
          .append(body.length)
          .append(" bytes): ")
          .append(text.length() > 500 ? text.substring(0, 500) + "..." : text);
      return s.toString();
    }
  }

  /** The server closed (or reset) the connection without sending a (complete) status line. */
  public static final class NoResponseException extends IOException {
    public NoResponseException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * When the phases of one exchange happened ({@link System#nanoTime()}; 0 = not reached), filled
   * in as they happen so that a caller sees them even when the exchange fails.
   */
  public static final class Timing {
    public volatile long connectStartNanos;
    public volatile long connectedNanos;
    public volatile long writtenNanos;
    public volatile long doneNanos;
  }

  /** What the client side observed while writing the request, next to the response. */
  public record Exchange(Response response, IOException writeFailure, long connectNanos) {}

  /**
   * Connects, writes {@code head} then {@code body} (concurrently with reading), optionally shuts
   * the output down afterwards (so a server waiting for more bytes sees the end of the stream) and
   * reads one response.
   *
   * @param headRequest whether the request was a HEAD (its response has no body)
   * @param timeoutMillis the connect timeout and the longest any single read may block
   * @throws java.net.ConnectException if the connection is refused
   * @throws SocketTimeoutException if the server did not answer in time (a hang)
   * @throws NoResponseException if the connection ended before a complete response head
   */
  public static Exchange exchange(
      String host,
      int port,
      byte[] head,
      byte[] body,
      boolean halfCloseAfterWriting,
      boolean headRequest,
      int timeoutMillis)
      throws IOException {
    return exchange(
        host, port, head, body, halfCloseAfterWriting, headRequest, timeoutMillis, new Timing());
  }

  /** Like {@link #exchange(String, int, byte[], byte[], boolean, boolean, int)}, timed. */
  public static Exchange exchange(
      String host,
      int port,
      byte[] head,
      byte[] body,
      boolean halfCloseAfterWriting,
      boolean headRequest,
      int timeoutMillis,
      Timing timing)
      throws IOException {
    try (Socket socket = new Socket()) {
      long connectStart = System.nanoTime();
      timing.connectStartNanos = connectStart;
      try {
        socket.connect(new InetSocketAddress(host, port), timeoutMillis);
      } finally {
        timing.doneNanos = System.nanoTime();
      }
      timing.connectedNanos = System.nanoTime();
      socket.setSoTimeout(timeoutMillis);
      socket.setTcpNoDelay(true);
      OutputStream out = socket.getOutputStream();
      Future<IOException> writing =
          writers.submit(
              () -> {
                try {
                  out.write(head);
                  if (body.length > 0) {
                    out.write(body);
                  }
                  out.flush();
                  timing.writtenNanos = System.nanoTime();
                  if (halfCloseAfterWriting) {
                    socket.shutdownOutput();
                  }
                  return null;
                } catch (IOException e) {
                  return e;
                }
              });
      Response response;
      try {
        response = read(socket.getInputStream(), headRequest);
      } catch (SocketTimeoutException e) {
        throw e;
      } catch (NoResponseException e) {
        throw e;
      } catch (IOException e) {
        throw new NoResponseException("connection failed while reading: " + e, e);
      } finally {
        timing.doneNanos = System.nanoTime();
      }
      IOException writeFailure = null;
      if (writing.isDone()) {
        try {
          writeFailure = writing.get();
        } catch (Exception e) {
          writeFailure = new IOException(e);
        }
      }
      // Closing the socket (try-with-resources) ends a write still in progress.
      return new Exchange(response, writeFailure, connectStart);
    }
  }

  /** Reads one final response (skipping 1xx interim responses other than 101). */
  public static Response read(InputStream raw, boolean headRequest) throws IOException {
    InputStream in = new java.io.BufferedInputStream(raw);
    while (true) {
      String statusLine = readLine(in, true);
      int status = parseStatus(statusLine);
      List<Map.Entry<String, String>> headers = new ArrayList<>();
      while (true) {
        String line = readLine(in, false);
        if (line.isEmpty()) {
          break;
        }
        int colon = line.indexOf(':');
        if (colon < 0) {
          throw new IOException("malformed response header line: " + line);
        }
        headers.add(Map.entry(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
        if (headers.size() > 500) {
          throw new IOException("more than 500 response headers");
        }
      }
      if (status >= 100 && status < 200 && status != 101) {
        continue;
      }
      Response noBody = new Response(status, statusLine, headers, new byte[0]);
      if (headRequest || status == 101 || status == 204 || status == 304) {
        return noBody;
      }
      String transferEncoding = noBody.header("Transfer-Encoding");
      String contentLength = noBody.header("Content-Length");
      byte[] body;
      if (transferEncoding != null
          && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
        body = readChunked(in);
      } else if (contentLength != null) {
        body = readFully(in, Integer.parseInt(contentLength.trim()));
      } else {
        body = readToEnd(in, 8 << 20);
      }
      return new Response(status, statusLine, headers, body);
    }
  }

  private static int parseStatus(String statusLine) throws IOException {
    // HTTP/1.1 200 OK
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP status line: " + statusLine);
    }
    try {
      return Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException("not an HTTP status line: " + statusLine, e);
    }
  }

  private static String readLine(InputStream in, boolean first) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b;
      try {
        b = in.read();
      } catch (SocketTimeoutException e) {
        throw e;
      } catch (IOException e) {
        if (first && line.size() == 0) {
          throw new NoResponseException("connection reset before a response: " + e, e);
        }
        throw e;
      }
      if (b < 0) {
        if (first && line.size() == 0) {
          throw new NoResponseException("connection closed before a response", null);
        }
        throw new NoResponseException(
            "connection closed within the response head after: "
                + line.toString(StandardCharsets.ISO_8859_1),
            null);
      }
      if (b == '\n') {
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      line.write(b);
      if (line.size() > 64 * 1024) {
        throw new IOException("response line longer than 64 KiB");
      }
    }
  }

  private static byte[] readFully(InputStream in, int n) throws IOException {
    byte[] data = in.readNBytes(n);
    if (data.length < n) {
      throw new EOFException("response body ended after " + data.length + " of " + n + " bytes");
    }
    return data;
  }

  private static byte[] readChunked(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine(in, false);
      int semicolon = sizeLine.indexOf(';');
      int size =
          Integer.parseInt(
              (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
      if (size == 0) {
        while (!readLine(in, false).isEmpty()) {
          // trailers
        }
        return body.toByteArray();
      }
      body.write(readFully(in, size));
      readLine(in, false);
    }
  }

  private static byte[] readToEnd(InputStream in, int max) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int n;
    while ((n = in.read(buffer)) >= 0) {
      body.write(buffer, 0, n);
      if (body.size() > max) {
        throw new IOException("response body longer than " + max + " bytes");
      }
    }
    return body.toByteArray();
  }

  /** {@code s} as ISO-8859-1 bytes (each char one byte; for hand-written request heads). */
  public static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * A printable rendering of raw request bytes: CR and LF as {@code \r\n}, other control and
   * non-ASCII bytes as {@code \xNN}, runs of more than 20 equal bytes as {@code x{N times}}, and
   * everything after {@code max} output chars elided.
   */
  public static String printable(byte[] bytes, int max) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xff;
      if (s.length() >= max) {
        s.append("...(").append(bytes.length - i).append(" more bytes)");
        break;
      }
      int run = 1;
      while (i + run < bytes.length && bytes[i + run] == bytes[i]) {
        run++;
      }
      String one;
      if (b == '\r') {
        one = "\\r";
      } else if (b == '\n') {
        one = "\\n\n";
      } else if (b < 0x20 || b >= 0x7f) {
        one = String.format("\\x%02x", b);
      } else {
        one = String.valueOf((char) b);
      }
      if (run > 20) {
        s.append(one).append('{').append(run).append(" times}");
        i += run - 1;
      } else {
        s.append(one);
      }
    }
    return s.toString();
  }
}

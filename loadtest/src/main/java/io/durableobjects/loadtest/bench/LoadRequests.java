package io.durableobjects.loadtest.bench;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/** The requests {@link HttpLoad} sends: complete HTTP/1.1 bytes, and sources of them. */
final class LoadRequests {
  private LoadRequests() {}

  /** Builds a request with an optional body (sent as JSON when present). */
  static byte[] request(String method, String hostPort, String path, String token, String json) {
    byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
    StringBuilder head =
        new StringBuilder(128)
            .append(method)
            .append(' ')
            .append(path)
            .append(" HTTP/1.1\r\n")
            .append("Host: ")
            .append(hostPort)
            .append("\r\n");
    if (token != null && !token.isEmpty()) {
      head.append("Authorization: Bearer ").append(token).append("\r\n");
    }
    if (json != null) {
      head.append("Content-Type: application/json\r\n");
    }
    head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, all, 0, headBytes.length);
    System.arraycopy(body, 0, all, headBytes.length, body.length);
    return all;
  }

  /** Requests for items picked at random among {@code count}, each built once by {@code build}. */
  static HttpLoad.Requests randomOf(int count, IntFunction<byte[]> build) {
    byte[][] all = prebuilt(count, build);
    return (client, random) -> all[random.nextInt(count)];
  }

  /** Each of {@code count} requests once, in order, shared by all clients; then none. */
  static HttpLoad.Requests eachOnce(int count, IntFunction<byte[]> build) {
    byte[][] all = prebuilt(count, build);
    AtomicInteger next = new AtomicInteger();
    return (client, random) -> {
      int i = next.getAndIncrement();
      return i < count ? all[i] : null;
    };
  }

  private static byte[][] prebuilt(int count, IntFunction<byte[]> build) {
    byte[][] all = new byte[count][];
    for (int i = 0; i < count; i++) {
      all[i] = build.apply(i);
    }
    return all;
  }
}

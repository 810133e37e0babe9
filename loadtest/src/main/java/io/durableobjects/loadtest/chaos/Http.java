package io.durableobjects.loadtest.chaos;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The suite's HTTP client (the JDK's, HTTP/1.1) and what one request got, classified by what it
 * tells about a write: {@link Kind#OK} (the answer), {@link Kind#NOT_APPLIED} (certainly not
 * applied: the connection was refused, or the gateway refused the request before any object saw it)
 * or {@link Kind#AMBIGUOUS} (no answer, a timeout, a reset, any other error: the write may or may
 * not have been applied). Every request is counted in {@link #requests()}.
 */
final class Http {
  /** Longer than the gateway's ask-timeout (10 s), so that a slow object answers 504 first. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

  enum Kind {
    OK,
    NOT_APPLIED,
    AMBIGUOUS
  }

  /** One request's outcome: the status and body of an answer (status -1 without one). */
  record Result(Kind kind, int status, String body, Optional<Duration> retryAfter, String error) {
    boolean ok() {
      return kind == Kind.OK;
    }

    @Override
    public String toString() {
      return status >= 0 ? status + " " + abbreviate(body) : error;
    }
  }

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final AtomicLong requests = new AtomicLong();

  /** HTTP requests sent so far (every attempt, reads and probes included). */
  long requests() {
    return requests.get();
  }

  /** Sends {@code request}; statuses in {@code okStatuses} are {@link Kind#OK}. */
  Result send(HttpRequest request, int... okStatuses) {
    requests.incrementAndGet();
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      int status = response.statusCode();
      Optional<Duration> retryAfter =
          response.headers().firstValue("Retry-After").flatMap(Http::seconds);
      for (int ok : okStatuses) {
        if (status == ok) {
          return new Result(Kind.OK, status, response.body(), retryAfter, null);
        }
      }
      return new Result(
          classify(status, response.body()), status, response.body(), retryAfter, null);
    } catch (HttpConnectTimeoutException | ConnectException e) {
      return new Result(Kind.NOT_APPLIED, -1, "", Optional.empty(), "connect: " + e);
    } catch (HttpTimeoutException e) {
      return new Result(Kind.AMBIGUOUS, -1, "", Optional.empty(), "timeout");
    } catch (IOException e) {
      // A refused connection may come wrapped; a reset or EOF after sending may have applied.
      Throwable cause = e.getCause();
      Kind kind = cause instanceof ConnectException ? Kind.NOT_APPLIED : Kind.AMBIGUOUS;
      return new Result(kind, -1, "", Optional.empty(), e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(Kind.AMBIGUOUS, -1, "", Optional.empty(), "interrupted");
    }
  }

  /**
   * Answers refused before they reach an object: 429, 503 {@code overloaded} or {@code not_ready}
   * (the gateway's own admission control and shutdown), 4xx. Everything else that is not a success
   * (503 {@code unavailable}, 504, 500) may come after the object applied the write.
   */
  private static Kind classify(int status, String body) {
    if (status == 429 || (status >= 400 && status < 500)) {
      return Kind.NOT_APPLIED;
    }
    if (status == 503
        && (body.contains("\"error\":\"overloaded\"")
            || body.contains("\"error\":\"not_ready\""))) {
      return Kind.NOT_APPLIED;
    }
    return Kind.AMBIGUOUS;
  }

  static HttpRequest.Builder request(String url) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT);
  }

  /** A GET with a short timeout, for probes. */
  Result probe(String url, Duration timeout) {
    return send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(), 200);
  }

  private static Optional<Duration> seconds(String value) {
    try {
      return Optional.of(Duration.ofSeconds(Long.parseLong(value.strip())));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  static String abbreviate(String text) {
    String oneLine = text == null ? "" : text.replaceAll("\\s+", " ");
    return oneLine.length() <= 160 ? oneLine : oneLine.substring(0, 160) + "…";
  }
}

package io.durableobjects.gateway.internal;

import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * INTERNAL API: the request ID that ties a response to the log lines about it. A client's own
 * {@code X-Request-Id} is kept when it is short and plain; otherwise the gateway makes one.
 */
public final class RequestIds {
  public static final String HEADER = "X-Request-Id";
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final HexFormat HEX = HexFormat.of();

  private RequestIds() {}

  /** The client's valid request ID, or a new random one (32 lowercase hex characters). */
  public static String of(HttpRequest request) {
    Optional<HttpHeader> given = request.getHeader(HEADER);
    if (given.isPresent() && VALID.matcher(given.get().value()).matches()) {
      return given.get().value();
    }
    return generate();
  }

  /** A new random request ID: 32 lowercase hex characters. */
  public static String generate() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return HEX.toHexDigits(random.nextLong()) + HEX.toHexDigits(random.nextLong());
  }
}

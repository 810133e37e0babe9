package io.durableobjects.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The operator console: {@code GET /console} (a page), {@code /console/console.js} and {@code
 * /console/console.css}, served from this module's resources ({@code
 * io/durableobjects/gateway/console/}), without a build step or anything from another site. The
 * files are public, like {@code /health}: they hold no data. The page asks for the admin token,
 * keeps it in the tab's {@code sessionStorage} and sends it on every call of the admin API ({@code
 * /admin/v1/...}), which is where the data and the checks are.
 *
 * <p>Every file is served with a strict Content-Security-Policy (scripts, styles and connections
 * only from the node itself, no inline script, no framing), {@code X-Content-Type-Options:
 * nosniff}, {@code Referrer-Policy: no-referrer} and {@code X-Frame-Options: DENY}. {@code
 * durable-objects.http.console.enabled = off} removes the routes (404).
 */
public final class ConsoleRoutes extends AllDirectives {
  private static final String RESOURCES = "io/durableobjects/gateway/console/";

  /** The policy of every console file: nothing from elsewhere, nothing inline, never framed. */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

  private static final List<HttpHeader> HEADERS =
      List.of(
          RawHeader.create("Content-Security-Policy", CONTENT_SECURITY_POLICY),
          RawHeader.create("X-Content-Type-Options", "nosniff"),
          RawHeader.create("Referrer-Policy", "no-referrer"),
          RawHeader.create("X-Frame-Options", "DENY"),
          RawHeader.create("Cache-Control", "no-cache"));

  private final Map<String, HttpResponse> files;

  private ConsoleRoutes(Map<String, HttpResponse> files) {
    this.files = Map.copyOf(files);
  }

  /** The console, read from the classpath once. */
  public static ConsoleRoutes load() {
    return new ConsoleRoutes(
        Map.of(
            "/console", file("index.html", ContentTypes.TEXT_HTML_UTF8),
            "/console/console.js",
                file("console.js", ContentTypes.parse("text/javascript; charset=UTF-8")),
            "/console/console.css",
                file("console.css", ContentTypes.parse("text/css; charset=UTF-8"))));
  }

  /** No console: the routes match nothing. */
  public static ConsoleRoutes disabled() {
    return new ConsoleRoutes(Map.of());
  }

  /** Whether {@code path} is one of the console's files. */
  boolean serves(String path) {
    return files.containsKey(path);
  }

  public Route route() {
    return extractUnmatchedPath(
        path -> {
          HttpResponse file = files.get(path);
          return file == null
              ? reject()
              : concat(get(() -> complete(file)), head(() -> complete(file)));
        });
  }

  private static HttpResponse file(String name, ContentType type) {
    byte[] bytes;
    try (InputStream in =
        ConsoleRoutes.class.getClassLoader().getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException(
            "the console's resource " + RESOURCES + name + " is missing");
      }
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the console's resource " + name, e);
    }
    return HttpResponse.create().withEntity(HttpEntities.create(type, bytes)).addHeaders(HEADERS);
  }
}

package io.durableobjects.gateway;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Small pages the gateway serves from the classpath, such as a demo's browser client: {@code
 * durable-objects.http.static-pages} maps a URL path to a resource name. {@code GET} (and {@code
 * HEAD}) on exactly that path answers the resource, with a content type from its extension; any
 * other method gets 405, and a path that is not configured falls through to the other routes (404
 * if none matches). No authentication: pages are public, like {@code /health}; what they do with
 * the API is subject to its tokens.
 *
 * <p>The resources are read once, when the node starts: a missing resource or an extension without
 * a known content type stops the start with a {@link ConfigException} naming the key. The paths are
 * checked by {@link GatewaySettings}; none is under the gateway's own routes, so a page can never
 * hide an API route.
 */
public final class StaticPages extends AllDirectives {
  private static final Map<String, ContentType> TYPES =
      Map.of(
          "html", ContentTypes.TEXT_HTML_UTF8,
          "css", ContentTypes.parse("text/css; charset=UTF-8"),
          "js", ContentTypes.parse("text/javascript; charset=UTF-8"),
          "json", ContentTypes.APPLICATION_JSON,
          "txt", ContentTypes.TEXT_PLAIN_UTF8,
          "svg", ContentTypes.parse("image/svg+xml"),
          "png", ContentTypes.parse("image/png"),
          "ico", ContentTypes.parse("image/x-icon"));

  private final Map<String, HttpResponse> pages;

  private StaticPages(Map<String, HttpResponse> pages) {
    this.pages = Map.copyOf(pages);
  }

  /** No pages: the route matches nothing. */
  public static StaticPages none() {
    return new StaticPages(Map.of());
  }

  /**
   * Reads the pages' resources through {@code loader}.
   *
   * @param pages URL path to resource name, as in {@link GatewaySettings#staticPages()}; a leading
   *     "/" of a resource name is ignored
   * @throws ConfigException naming the key of a page whose resource does not exist or whose type is
   *     not known
   */
  public static StaticPages load(Map<String, String> pages, ClassLoader loader) {
    Map<String, HttpResponse> responses = new HashMap<>();
    pages.forEach(
        (path, resource) -> {
          String key = ConfigUtil.joinPath("durable-objects", "http", "static-pages", path);
          String name = resource.startsWith("/") ? resource.substring(1) : resource;
          ContentType type = TYPES.get(extension(name));
          if (type == null) {
            throw new ConfigException.BadValue(
                key,
                "the resource '"
                    + resource
                    + "' must end in one of "
                    + new TreeSet<>(TYPES.keySet())
                    + " (the content type comes from it)");
          }
          byte[] bytes = read(loader, name);
          if (bytes == null) {
            throw new ConfigException.BadValue(
                key, "the resource '" + resource + "' is not on the classpath");
          }
          responses.put(
              path,
              HttpResponse.create()
                  .withEntity(HttpEntities.create(type, bytes))
                  .addHeader(RawHeader.create("Cache-Control", "no-cache"))
                  .addHeader(RawHeader.create("X-Content-Type-Options", "nosniff")));
        });
    return new StaticPages(responses);
  }

  /** The configured paths. */
  public Set<String> paths() {
    return pages.keySet();
  }

  public Route route() {
    if (pages.isEmpty()) {
      return reject();
    }
    return extractUnmatchedPath(
        path -> {
          HttpResponse page = pages.get(path);
          return page == null
              ? reject()
              : concat(get(() -> complete(page)), head(() -> complete(page)));
        });
  }

  private static String extension(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 || name.lastIndexOf('/') > dot
        ? ""
        : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  private static byte[] read(ClassLoader loader, String name) {
    try (InputStream in = loader.getResourceAsStream(name)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the static page resource " + name, e);
    }
  }
}

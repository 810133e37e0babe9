package io.durableobjects.core;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Routes an object's requests by method and path, so that {@code fetch} does not match paths by
 * hand:
 *
 * <pre>{@code
 * private final Router<Response> router =
 *     Router.create()
 *         .get("/", request -> Response.json(cart()))
 *         .put("/items/{sku}", (request, params) -> put(params.get("sku"), request))
 *         .delete("/items/{sku}", (request, params) -> remove(params.get("sku")));
 *
 * public Response fetch(Request request) {
 *   return router.fetch(request);
 * }
 * }</pre>
 *
 * <p>A pattern is a path of literal segments and {@code {name}} segments, each of which matches one
 * non-empty segment of the request's path (percent-decoded, handed to the route by name). Routes
 * are tried in the order they were added; the query string plays no part.
 *
 * <p><b>Answers of its own.</b> A path that no pattern matches answers 404 ({@code not_found}); a
 * path that matches, with a method no route of it takes, answers 405 ({@code method_not_allowed})
 * with an {@code Allow} header listing the methods it takes. Both use the gateway's error shape,
 * {@code {"error": code, "message": text}} ({@link Response#error}). What a route throws passes
 * through unchanged, like any exception out of a handler: the request's writes are discarded and
 * the caller gets the exception's status, so a {@link DurableObjectException} such as {@link
 * Request#bodyAs}'s 400 reaches an HTTP client as that 400, after the writes made before it were
 * rolled back.
 *
 * <p>Immutable: each method returns a new router; build it once, in a field, and share it. For an
 * {@link AsyncFetchHandler}, {@link #createAsync()} makes a router whose routes answer a {@code
 * CompletionStage<Response>}.
 *
 * @param <R> what routes answer: {@link Response}, or {@code CompletionStage<Response>}
 */
public final class Router<R> {

  /** A route that needs only the request. */
  @FunctionalInterface
  public interface Handler<R> {
    /** Answers the request; may throw (see {@link Router}). */
    R handle(Request request) throws Exception;
  }

  /** A route that also gets the values of the pattern's {@code {name}} segments, by name. */
  @FunctionalInterface
  public interface ParamHandler<R> {
    /** Answers the request; {@code params} maps each {@code {name}} to its decoded segment. */
    R handle(Request request, Map<String, String> params) throws Exception;
  }

  private record Route<R>(
      String method, String pattern, List<String> segments, ParamHandler<R> handler) {}

  private final List<Route<R>> routes;
  private final Function<Response, R> answer;

  private Router(List<Route<R>> routes, Function<Response, R> answer) {
    this.routes = List.copyOf(routes);
    this.answer = answer;
  }

  /** An empty router for a {@link FetchHandler}: routes answer a {@link Response}. */
  public static Router<Response> create() {
    return new Router<>(List.of(), response -> response);
  }

  /** An empty router for an {@link AsyncFetchHandler}: routes answer a stage of a response. */
  public static Router<CompletionStage<Response>> createAsync() {
    return new Router<>(List.of(), CompletableFuture::completedFuture);
  }

  /**
   * A copy with a route for GET requests to {@code pattern}; see {@link #route(String, String,
   * ParamHandler)}.
   */
  public Router<R> get(String pattern, Handler<R> route) {
    return route("GET", pattern, route);
  }

  /** A copy with a route for GET requests to {@code pattern}, given its parameters. */
  public Router<R> get(String pattern, ParamHandler<R> route) {
    return route("GET", pattern, route);
  }

  /**
   * A copy with a route for POST requests to {@code pattern}; see {@link #route(String, String,
   * ParamHandler)}.
   */
  public Router<R> post(String pattern, Handler<R> route) {
    return route("POST", pattern, route);
  }

  /** A copy with a route for POST requests to {@code pattern}, given its parameters. */
  public Router<R> post(String pattern, ParamHandler<R> route) {
    return route("POST", pattern, route);
  }

  /**
   * A copy with a route for PUT requests to {@code pattern}; see {@link #route(String, String,
   * ParamHandler)}.
   */
  public Router<R> put(String pattern, Handler<R> route) {
    return route("PUT", pattern, route);
  }

  /** A copy with a route for PUT requests to {@code pattern}, given its parameters. */
  public Router<R> put(String pattern, ParamHandler<R> route) {
    return route("PUT", pattern, route);
  }

  /**
   * A copy with a route for DELETE requests to {@code pattern}; see {@link #route(String, String,
   * ParamHandler)}.
   */
  public Router<R> delete(String pattern, Handler<R> route) {
    return route("DELETE", pattern, route);
  }

  /** A copy with a route for DELETE requests to {@code pattern}, given its parameters. */
  public Router<R> delete(String pattern, ParamHandler<R> route) {
    return route("DELETE", pattern, route);
  }

  /**
   * A copy with a route for PATCH requests to {@code pattern}; see {@link #route(String, String,
   * ParamHandler)}.
   */
  public Router<R> patch(String pattern, Handler<R> route) {
    return route("PATCH", pattern, route);
  }

  /** A copy with a route for PATCH requests to {@code pattern}, given its parameters. */
  public Router<R> patch(String pattern, ParamHandler<R> route) {
    return route("PATCH", pattern, route);
  }

  /** A copy with a route for any method, such as {@code HEAD} or {@code OPTIONS}. */
  public Router<R> route(String method, String pattern, Handler<R> route) {
    Objects.requireNonNull(route, "route");
    return route(method, pattern, (request, params) -> route.handle(request));
  }

  /**
   * A copy with a route for any method, with path parameters.
   *
   * @throws IllegalArgumentException if the method is not an upper-case token, the pattern does not
   *     start with {@code /}, has an empty or malformed {@code {}} segment or repeats a name, or
   *     the same method and pattern were added before
   */
  public Router<R> route(String method, String pattern, ParamHandler<R> route) {
    Objects.requireNonNull(route, "route");
    if (method == null || !method.matches("[A-Z]+")) {
      throw new IllegalArgumentException(
          "method '" + method + "' is not an upper-case HTTP method");
    }
    List<String> segments = RoutePatterns.parse(pattern);
    for (Route<R> existing : routes) {
      if (existing.method.equals(method) && existing.segments.equals(segments)) {
        throw new IllegalArgumentException(
            "route " + method + " " + pattern + " is already defined");
      }
    }
    List<Route<R>> more = new ArrayList<>(routes);
    more.add(new Route<>(method, pattern, segments, route));
    return new Router<>(more, answer);
  }

  /**
   * Answers {@code request} with the first route whose method and pattern match it; 404 or 405 if
   * none does (see the class description).
   *
   * @throws Exception what the route threw
   */
  public R fetch(Request request) throws Exception {
    String[] path = RoutePatterns.split(request.path());
    Set<String> allowed = new LinkedHashSet<>();
    for (Route<R> route : routes) {
      Map<String, String> params = RoutePatterns.match(route.segments, path);
      if (params == null) {
        continue;
      }
      if (!route.method.equals(request.method())) {
        allowed.add(route.method);
        continue;
      }
      R result = route.handler.handle(request, params);
      if (result == null) {
        throw new ObjectFailedException(
            "the route " + route.method + " " + route.pattern + " answered null");
      }
      return result;
    }
    if (!allowed.isEmpty()) {
      String allow = String.join(", ", allowed);
      return answer.apply(
          Response.error(405, "method_not_allowed", "use " + allow).withHeader("Allow", allow));
    }
    return answer.apply(Response.error(404, "not_found", "no such route: " + request.path()));
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("Router[");
    for (Route<R> route : routes) {
      s.append(route.method).append(' ').append(route.pattern).append("; ");
    }
    return s.append(']').toString();
  }

  /** Parsing and matching of patterns; package-private for the tests. */
  static final class RoutePatterns {
    private RoutePatterns() {}

    static List<String> parse(String pattern) {
      if (pattern == null || !pattern.startsWith("/")) {
        throw new IllegalArgumentException("route pattern '" + pattern + "' must start with '/'");
      }
      List<String> segments = List.of(split(pattern));
      Set<String> names = new LinkedHashSet<>();
      for (String segment : segments) {
        boolean opens = segment.startsWith("{");
        boolean closes = segment.endsWith("}");
        int close = segment.indexOf('}');
        if (opens != closes
            || segment.indexOf('{', 1) >= 0
            || (close >= 0 && close < segment.length() - 1)) {
          throw new IllegalArgumentException(
              "route pattern '"
                  + pattern
                  + "': segment '"
                  + segment
                  + "' is neither literal nor {name}");
        }
        if (opens && (segment.length() < 3 || !names.add(segment))) {
          throw new IllegalArgumentException(
              "route pattern '" + pattern + "': parameter '" + segment + "' is empty or repeated");
        }
        if (segment.isEmpty() && segments.size() > 1) {
          throw new IllegalArgumentException(
              "route pattern '" + pattern + "' has an empty segment");
        }
      }
      return segments;
    }

    /** "/" → [""], "/a/b" → ["a", "b"], "/a/" → ["a", ""]. */
    static String[] split(String path) {
      return path.substring(1).split("/", -1);
    }

    /** The parameters if {@code path} matches {@code segments}, otherwise null. */
    static Map<String, String> match(List<String> segments, String[] path) {
      if (segments.size() != path.length) {
        return null;
      }
      Map<String, String> params = null;
      for (int i = 0; i < path.length; i++) {
        String segment = segments.get(i);
        if (segment.startsWith("{")) {
          if (path[i].isEmpty()) {
            return null;
          }
          if (params == null) {
            params = new LinkedHashMap<>();
          }
          params.put(segment.substring(1, segment.length() - 1), decode(path[i]));
        } else if (!segment.equals(path[i])) {
          return null;
        }
      }
      return params == null ? Map.of() : java.util.Collections.unmodifiableMap(params);
    }

    private static String decode(String segment) {
      if (segment.indexOf('%') < 0) {
        return segment;
      }
      try {
        // A path keeps '+' as is: only percent-escapes are decoded.
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return segment; // malformed escape: hand the raw text to the route
      }
    }
  }
}

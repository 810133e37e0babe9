package io.durableobjects.examples;

import io.durableobjects.core.AlarmHandler;
import io.durableobjects.core.AlarmInfo;
import io.durableobjects.core.DurableObjectState;
import io.durableobjects.core.FetchHandler;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.core.Router;
import io.durableobjects.core.Storage;
import io.durableobjects.core.StorageKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The seed's distributed rate limiter (namespace {@code rate-limiter}), one object per key: a fixed
 * window that starts at the key's first acquire and lasts the key's window; at most {@code limit}
 * acquires succeed in it. An alarm at the window's end deletes the window, so a key that goes idle
 * holds no count afterwards.
 *
 * <pre>
 * POST /v1/rate-limiter/by-name/{key}/acquire
 *      → 200 {"allowed": true, "remaining": 99, "resetAt": "2025-01-31T13:00:00Z"}
 *      → 429 {"allowed": false, "remaining": 0, "resetAt": "…"}, Retry-After: whole seconds, ≥ 1
 * GET  /v1/rate-limiter/by-name/{key}/   (or /status; consumes nothing)
 *      → 200 {"count": 1, "limit": 100, "remaining": 99, "resetAt": "…" (null without a window)}
 * GET  /v1/rate-limiter/by-name/{key}/config → 200 {"limit": 100, "windowSeconds": 3600}
 * PUT  /v1/rate-limiter/by-name/{key}/config   {"limit": 10, "windowSeconds": 60} → the same
 * </pre>
 *
 * <p>The defaults (100 per hour) come from {@code durable-objects.examples.rate-limiter}, see
 * {@link RateLimiterSettings}; {@code PUT /config} sets a key's own limits, which it keeps. A new
 * limit applies to the current window at once (acquires already counted stay counted); a new window
 * length too: the current window then ends that long after it started.
 *
 * <p>Keys: {@code window} holds the current {@link Window}; {@code limits} a key's own {@link
 * Limits}. The alarm is the object's default one, set for the current window's end.
 */
public final class RateLimiter implements FetchHandler, AlarmHandler {
  private static final StorageKey<Window> WINDOW = StorageKey.of("window", Window.class);
  private static final StorageKey<Limits> LIMITS = StorageKey.of("limits", Limits.class);

  /**
   * A rate limit: at most {@code limit} acquires per window of {@code windowSeconds}.
   *
   * @param limit 1 to {@value #MAX_LIMIT}
   * @param windowSeconds 1 to {@value #MAX_WINDOW_SECONDS} (30 days)
   */
  public record Limits(int limit, long windowSeconds) {
    /** The largest limit. */
    public static final int MAX_LIMIT = 1_000_000;

    /** The longest window, 30 days, in seconds. */
    public static final long MAX_WINDOW_SECONDS = 30L * 24 * 60 * 60;

    /**
     * What is wrong with these values as limits, or empty if they are valid. Takes {@code long}s so
     * that out-of-range input is reported rather than truncated.
     */
    public static Optional<String> problem(long limit, long windowSeconds) {
      if (limit < 1 || limit > MAX_LIMIT) {
        return Optional.of("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
      }
      if (windowSeconds < 1 || windowSeconds > MAX_WINDOW_SECONDS) {
        return Optional.of(
            "windowSeconds must be between 1 and "
                + MAX_WINDOW_SECONDS
                + " (30 days), got "
                + windowSeconds);
      }
      return Optional.empty();
    }

    public Limits {
      problem(limit, windowSeconds)
          .ifPresent(
              message -> {
                throw new IllegalArgumentException(message);
              });
    }
  }

  /**
   * The current window of a key: the acquires counted since it started.
   *
   * @param count acquires allowed in this window
   * @param start the time of the acquire that opened it
   */
  public record Window(int count, Instant start) {

    /** A window that opens at {@code now}, with nothing counted yet. */
    public static Window openAt(Instant now) {
      return new Window(0, now);
    }

    /** When this window ends under {@code limits}. */
    public Instant resetAt(Limits limits) {
      return start.plusSeconds(limits.windowSeconds());
    }

    /** Whether this window is over at {@code now}: it ends exactly at {@link #resetAt}. */
    public boolean isOverAt(Instant now, Limits limits) {
      return !now.isBefore(resetAt(limits));
    }

    /** How many more acquires {@code limits} allows in this window; never negative. */
    public int remaining(Limits limits) {
      return Math.max(0, limits.limit() - count);
    }

    /** This window with one more acquire counted. */
    public Window acquired() {
      return new Window(count + 1, start);
    }

    /**
     * The {@code Retry-After} of a refused acquire: the whole seconds until {@code resetAt},
     * rounded up, and at least 1 (a client retrying at once would only be refused again).
     */
    public static long retryAfterSeconds(Instant now, Instant resetAt) {
      long millis = Duration.between(now, resetAt).toMillis();
      return Math.max(1, (millis + 999) / 1000);
    }
  }

  /** The answer to an acquire. */
  public record Decision(boolean allowed, int remaining, Instant resetAt) {}

  /** The answer to {@code GET /}: the current window, without consuming anything. */
  public record Status(int count, int limit, int remaining, Instant resetAt) {}

  private final DurableObjectState state;
  private final Storage storage;
  private final Router<Response> router =
      Router.create()
          .post("/acquire", request -> acquire())
          .get("/", request -> status())
          .get("/status", request -> status())
          .get("/config", request -> Response.json(limits()))
          .put("/config", request -> configure(request.bodyAs(Limits.class)));
  // The configured defaults, read once per activation from the node's configuration.
  private Limits defaults;

  public RateLimiter(DurableObjectState state) {
    this.state = state;
    this.storage = state.storage();
  }

  @Override
  public Response fetch(Request request) throws Exception {
    return router.fetch(request);
  }

  /** The window has ended: forget it, unless a newer one is open (a late or repeated delivery). */
  @Override
  public void alarm(AlarmInfo alarm) {
    Optional<Window> window = storage.get(WINDOW);
    if (window.isEmpty()) {
      return;
    }
    Limits limits = limits();
    if (window.get().isOverAt(now(), limits)) {
      storage.delete(WINDOW);
    } else {
      // Delivering removes the alarm: keep the open window's own one set.
      storage.setAlarm(window.get().resetAt(limits));
    }
  }

  private Response acquire() {
    Instant now = now();
    Limits limits = limits();
    Optional<Window> current = openWindow(now, limits);
    Window window = current.orElseGet(() -> Window.openAt(now));
    Instant resetAt = window.resetAt(limits);
    if (window.remaining(limits) == 0) {
      // Refused: nothing is written (a new window always has room, so this one is stored already).
      return Response.json(new Decision(false, 0, resetAt))
          .withStatus(429)
          .withHeader("Retry-After", Long.toString(Window.retryAfterSeconds(now, resetAt)));
    }
    if (current.isEmpty()) {
      storage.setAlarm(resetAt);
    }
    Window next = window.acquired();
    storage.put(WINDOW, next);
    return Response.json(new Decision(true, next.remaining(limits), resetAt));
  }

  private Response status() {
    Limits limits = limits();
    Optional<Window> window = openWindow(now(), limits);
    return Response.json(
        new Status(
            window.map(Window::count).orElse(0),
            limits.limit(),
            window.map(w -> w.remaining(limits)).orElse(limits.limit()),
            window.map(w -> w.resetAt(limits)).orElse(null)));
  }

  private Response configure(Limits limits) {
    storage.put(LIMITS, limits);
    // The open window follows the new length: it may be over now, or end at another time.
    Optional<Window> window = storage.get(WINDOW);
    if (window.isPresent()) {
      if (window.get().isOverAt(now(), limits)) {
        storage.delete(WINDOW);
        storage.deleteAlarm();
      } else {
        storage.setAlarm(window.get().resetAt(limits));
      }
    }
    return Response.json(limits);
  }

  /** The stored window if it is still open at {@code now} (its alarm may not have run yet). */
  private Optional<Window> openWindow(Instant now, Limits limits) {
    return storage.get(WINDOW).filter(w -> !w.isOverAt(now, limits));
  }

  /** The key's own limits, or the configured defaults. */
  private Limits limits() {
    return storage.get(LIMITS).orElseGet(this::defaults);
  }

  /** Alarms keep milliseconds: so do the times this object stores and answers. */
  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  private Limits defaults() {
    if (defaults == null) {
      defaults = RateLimiterSettings.fromConfig(state.env().config());
    }
    return defaults;
  }
}

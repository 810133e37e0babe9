package io.durableobjects.gateway.internal;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * INTERNAL API: the object requests a node still answers while it shuts down. When the drain time
 * is over, every request still waiting for its object is answered at once with the given 503, as a
 * route answer (so it carries the request ID), before Pekko HTTP's hard termination would cut it
 * off with a bare one.
 */
public final class DrainDeadline {
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong();
  private volatile boolean expired;

  private record Pending(CompletableFuture<HttpResponse> response, Supplier<HttpResponse> expiry) {}

  /**
   * Tracks {@code response} until it completes; if the drain expires first, it is completed with
   * {@code expiry}'s answer instead.
   */
  public void track(CompletableFuture<HttpResponse> response, Supplier<HttpResponse> expiry) {
    if (expired) {
      response.complete(expiry.get());
      return;
    }
    long id = nextId.incrementAndGet();
    pending.put(id, new Pending(response, expiry));
    response.whenComplete((r, e) -> pending.remove(id));
    if (expired) {
      expireAll(); // raced with expiry
    }
  }

  /** The drain time is over: answer everything still pending. */
  public void expire() {
    expired = true;
    expireAll();
  }

  private void expireAll() {
    pending.forEach(
        (id, p) -> {
          p.response().complete(p.expiry().get());
          pending.remove(id);
        });
  }
}

package io.durableobjects.examples;

import io.durableobjects.core.DurableObjectState;
import io.durableobjects.core.FetchHandler;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A counter that watches for a second live instance of itself. All nodes of a test cluster run in
 * one JVM, so every instance of an object, on whichever node, reports to the same static {@link
 * Ledger}:
 *
 * <ul>
 *   <li>each instance gets a number at construction (an activation), increasing JVM-wide;
 *   <li>each request enters and leaves a per-object in-flight count, which must never exceed one;
 *   <li>an instance that serves a request after a newer instance of its object was constructed is a
 *       second live instance ("stale serve"): the old one should have been stopped before the new
 *       one was created. The number of instances alive when an instance serves is itself plus every
 *       newer one; its maximum is the "max concurrent instances".
 * </ul>
 *
 * <p>There is no deactivation callback, so an instance that silently lives on without serving is
 * not seen; one that serves is. {@code POST /increment} answers the new count, {@code GET /} the
 * count; both carry the serving instance's number in the {@code Instance} header, so that a client
 * can check that counts increase with instance numbers (commit order = instance order).
 */
public final class SingletonProbe implements FetchHandler {
  private static final String COUNT = "count";
  private static final AtomicLong NEXT_INSTANCE = new AtomicLong(1);
  private static final Map<String, Ledger> LEDGERS = new ConcurrentHashMap<>();

  private final DurableObjectState state;
  private final Ledger ledger;
  private final long instance;

  public SingletonProbe(DurableObjectState state) {
    this.state = state;
    this.ledger = LEDGERS.computeIfAbsent(state.id().toString(), id -> new Ledger());
    this.instance = NEXT_INSTANCE.getAndIncrement();
    ledger.constructed(instance);
  }

  @Override
  public Response fetch(Request request) {
    ledger.enter(instance);
    try {
      long count = state.storage().get(COUNT, Long.class).orElse(0L);
      if (request.method().equals("POST") && request.path().equals("/increment")) {
        count++;
        state.storage().put(COUNT, count);
      } else if (!(request.method().equals("GET") && request.path().equals("/"))) {
        return Response.status(404).withBody("POST /increment or GET /");
      }
      return Response.text(Long.toString(count)).withHeader("Instance", Long.toString(instance));
    } finally {
      ledger.leave();
    }
  }

  /** What the instances of the object with this ID (its 64-hex string) reported. */
  static Ledger ledger(String id) {
    return LEDGERS.getOrDefault(id, new Ledger());
  }

  /** What the instances of one object reported. */
  static final class Ledger {
    private final List<Long> instances = new CopyOnWriteArrayList<>();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong maxInFlight = new AtomicLong();
    private final AtomicLong maxConcurrentInstances = new AtomicLong();
    private final List<String> staleServes = new CopyOnWriteArrayList<>();

    private void constructed(long instance) {
      instances.add(instance);
    }

    private void enter(long instance) {
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      long alive = instances.stream().filter(other -> other >= instance).count();
      maxConcurrentInstances.accumulateAndGet(alive, Math::max);
      if (alive > 1) {
        staleServes.add("instance " + instance + " served after " + newer(instance));
      }
    }

    private void leave() {
      inFlight.decrementAndGet();
    }

    private List<Long> newer(long instance) {
      return instances.stream().filter(other -> other > instance).toList();
    }

    /** How many instances were constructed (activations). */
    int activations() {
      return instances.size();
    }

    /** The most requests that ran in this object's instances at the same time (1 is right). */
    long maxInFlight() {
      return maxInFlight.get();
    }

    /** The most instances alive at once, counted when one of them served (1 is right). */
    long maxConcurrentInstances() {
      return maxConcurrentInstances.get();
    }

    /** Each time an instance served while a newer one existed (none is right). */
    List<String> staleServes() {
      return List.copyOf(staleServes);
    }

    /** The largest value of {@code metric} over these ledgers. */
    static long max(Collection<Ledger> ledgers, java.util.function.ToLongFunction<Ledger> metric) {
      return ledgers.stream().mapToLong(metric).max().orElse(0);
    }
  }
}

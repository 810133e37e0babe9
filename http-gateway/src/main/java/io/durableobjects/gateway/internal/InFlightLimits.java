package io.durableobjects.gateway.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * INTERNAL API: bounds on the object requests this node has in flight, in total, per object and in
 * bytes of request bodies, so that overload is answered at once (503 / 429) instead of growing
 * queues and memory.
 */
public final class InFlightLimits {
  /** Why a request was refused, or that it was admitted. */
  public enum Admission {
    ADMITTED,
    NODE_FULL,
    OBJECT_FULL
  }

  private final int maxInFlight;
  private final int maxPerObject;
  private final long maxBytes;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong inFlightBytes = new AtomicLong();
  private final ConcurrentHashMap<String, Integer> perObject = new ConcurrentHashMap<>();

  public InFlightLimits(int maxInFlight, int maxPerObject, long maxBytes) {
    this.maxInFlight = maxInFlight;
    this.maxPerObject = maxPerObject;
    this.maxBytes = maxBytes;
  }

  /**
   * Reserves {@code bytes} of request body if the node's byte bound allows it; a reservation must
   * be {@link #releaseBytes released} exactly once. Zero bytes are always admitted.
   */
  public boolean tryReserveBytes(long bytes) {
    if (bytes <= 0) {
      return true;
    }
    if (inFlightBytes.addAndGet(bytes) > maxBytes) {
      inFlightBytes.addAndGet(-bytes);
      return false;
    }
    return true;
  }

  public void releaseBytes(long bytes) {
    if (bytes > 0) {
      inFlightBytes.addAndGet(-bytes);
    }
  }

  /** Bytes of request bodies reserved now (for metrics). */
  public long inFlightBytes() {
    return inFlightBytes.get();
  }

  /**
   * Admits a request to {@code objectKey} if both bounds allow it; an admitted request must be
   * {@link #release released} exactly once.
   */
  public Admission tryAcquire(String objectKey) {
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      return Admission.NODE_FULL;
    }
    boolean[] full = {false};
    perObject.compute(
        objectKey,
        (key, count) -> {
          int current = count == null ? 0 : count;
          if (current >= maxPerObject) {
            full[0] = true;
            return count;
          }
          return current + 1;
        });
    if (full[0]) {
      inFlight.decrementAndGet();
      return Admission.OBJECT_FULL;
    }
    return Admission.ADMITTED;
  }

  public void release(String objectKey) {
    perObject.computeIfPresent(objectKey, (key, count) -> count == 1 ? null : count - 1);
    inFlight.decrementAndGet();
  }

  /** Requests in flight now (for metrics). */
  public int inFlight() {
    return inFlight.get();
  }
}

package io.durableobjects.loadtest.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts, for objects {@code 0 .. samples-1}, the increments acknowledged (2xx) and those whose
 * outcome is unknown (any other status, an I/O error or a timeout: the increment may or may not
 * have been applied), so that each counter can be checked at the end. Each client has at most one
 * request outstanding, so the object of its pending request is remembered per client; {@link
 * #sending} and {@link #completed} of one client come from one thread at a time (that client's
 * selector thread).
 */
final class SampleTracker {
  private final int samples;
  private final int[] pending;
  private final AtomicLongArray acked;
  private final AtomicLongArray unknown;

  SampleTracker(int samples, int clients) {
    this.samples = samples;
    this.pending = new int[clients];
    Arrays.fill(pending, -1);
    this.acked = new AtomicLongArray(samples);
    this.unknown = new AtomicLongArray(samples);
  }

  int samples() {
    return samples;
  }

  /** Client {@code client} is sending an increment of object {@code object}. */
  void sending(int client, int object) {
    pending[client] = object < samples ? object : -1;
  }

  /** The outcome of client {@code client}'s pending request: an HTTP status, or 0 for none. */
  void completed(int client, int status) {
    int object = pending[client];
    if (object < 0) {
      return;
    }
    pending[client] = -1;
    if (status >= 200 && status < 300) {
      acked.incrementAndGet(object);
    } else {
      unknown.incrementAndGet(object);
    }
  }

  long acked(int object) {
    return acked.get(object);
  }

  /** Up to {@code max} of the objects that were sent an increment, lowest index first. */
  List<Integer> touched(int max) {
    List<Integer> touched = new ArrayList<>();
    for (int i = 0; i < samples && touched.size() < max; i++) {
      if (acked.get(i) + unknown.get(i) > 0) {
        touched.add(i);
      }
    }
    return touched;
  }

  /**
   * Null when counter {@code object} read {@code count} after the load, a description of the
   * mismatch otherwise: the count must be at least the acknowledged increments (none lost) and at
   * most those plus the ones of unknown outcome (none applied twice).
   */
  String check(int object, long count) {
    long ok = acked.get(object);
    long maybe = unknown.get(object);
    if (count >= ok && count <= ok + maybe) {
      return null;
    }
    return "object "
        + object
        + " counts "
        + count
        + " after "
        + ok
        + " acknowledged increments"
        + (maybe == 0 ? "" : " and " + maybe + " of unknown outcome");
  }
}

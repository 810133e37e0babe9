package io.durableobjects.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class SampleTrackerTest {
  @Test
  void countsAcknowledgedIncrementsOfSampledObjectsPerClient() {
    SampleTracker tracker = new SampleTracker(10, 2);
    tracker.sending(0, 3);
    tracker.sending(1, 3);
    tracker.completed(1, 200);
    tracker.completed(0, 201);
    tracker.sending(0, 500); // not tracked: its outcome must not count for any object
    tracker.completed(0, 200);
    tracker.sending(1, 4);
    tracker.completed(1, 200);
    tracker.completed(1, 200); // no pending request: ignored

    assertEquals(2, tracker.acked(3));
    assertEquals(1, tracker.acked(4));
    assertNull(tracker.check(3, 2));
    assertNotNull(tracker.check(3, 1), "an acknowledged increment lost");
    assertNotNull(tracker.check(3, 3), "an increment counted twice");
    assertNull(tracker.check(5, 0));
    assertEquals(List.of(3, 4), tracker.touched(10));
    assertEquals(List.of(3), tracker.touched(1));
  }

  @Test
  void anUnknownOutcomeWidensTheRangeByOne() {
    SampleTracker tracker = new SampleTracker(10, 1);
    tracker.sending(0, 7);
    tracker.completed(0, 200);
    tracker.sending(0, 7);
    tracker.completed(0, 0); // I/O error or timeout: may have been applied
    tracker.sending(0, 7);
    tracker.completed(0, 503);

    assertEquals(1, tracker.acked(7));
    assertNotNull(tracker.check(7, 0));
    assertNull(tracker.check(7, 1));
    assertNull(tracker.check(7, 3));
    assertNotNull(tracker.check(7, 4));
  }
}

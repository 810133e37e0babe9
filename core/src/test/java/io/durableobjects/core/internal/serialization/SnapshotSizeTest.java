package io.durableobjects.core.internal.serialization;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.core.Response;
import io.durableobjects.core.internal.entity.CommittedState;
import io.durableobjects.core.internal.entity.IdempotencyRecords;
import io.durableobjects.core.internal.storage.AlarmSchedule;
import io.durableobjects.core.internal.storage.KeyValueState;
import io.durableobjects.core.internal.storage.ObjectSize;
import io.durableobjects.core.internal.storage.ScheduledAlarm;
import io.durableobjects.core.internal.storage.SocketRecord;
import io.durableobjects.core.internal.storage.SocketRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What the runtime counts for an object ({@link ObjectSize}) is what its snapshot takes: exactly,
 * in the newest format (any idempotency record), and at most 29 bytes more in the older formats
 * written for objects without records, which leave fixed fields out (version 1 writes only the
 * entries). Kept up to date through every change: removals and replacements too.
 */
class SnapshotSizeTest {
  private final Random random = new Random(17);

  @Test
  void theCountedSizeIsTheSnapshotsSizeThroughRandomChanges() throws Exception {
    KeyValueState data = KeyValueState.empty();
    IdempotencyRecords records = IdempotencyRecords.EMPTY;
    SocketRegistry sockets = SocketRegistry.empty();
    AlarmSchedule alarms = AlarmSchedule.empty();
    for (int step = 0; step < 2000; step++) {
      switch (random.nextInt(8)) {
        case 0, 1 -> data = data.put(text(1, 6), bytes(random.nextInt(40)));
        case 2 -> data = data.remove(text(1, 6));
        case 3 -> records = records.remember(remembered(step));
        case 4 ->
            sockets =
                sockets.with(
                    new SocketRecord(
                        text(1, 3),
                        "gateway-" + text(5, 20),
                        List.of(text(1, 8), text(1, 8)).subList(0, random.nextInt(3)),
                        random.nextBoolean() ? null : bytes(random.nextInt(100)),
                        step));
        case 5 -> sockets = sockets.without(text(1, 3));
        case 6 ->
            sockets =
                random.nextBoolean()
                    ? sockets.withAutoResponse(text(1, 10), text(0, 10))
                    : sockets.withAutoResponse(null, null);
        default ->
            alarms =
                random.nextBoolean()
                    ? alarms.with(new ScheduledAlarm(text(1, 4), step, 0, step))
                    : alarms.without(text(1, 4));
      }
      CommittedState state = new CommittedState(data, records, step, alarms, sockets);
      long counted = ObjectSize.of(data, records.snapshotBytes(), sockets, alarms).total();
      long written = SnapshotFormat.toBinary(state).length;
      if (records.size() > 0) {
        assertThat(written).as("step %d", step).isEqualTo(counted);
      } else {
        assertThat(written).as("step %d", step).isBetween(counted - 29, counted);
      }
    }
    assertThat(records.size()).isPositive();
  }

  private IdempotencyRecords.Remembered remembered(int step) {
    Response response =
        random.nextInt(4) == 0
            ? null
            : Response.bytes(bytes(random.nextInt(200)))
                .withHeader("X-" + random.nextInt(100), "v" + random.nextInt(1000));
    return IdempotencyRecords.Remembered.of(
        "key-" + random.nextInt(50),
        step,
        random.nextInt(3) == 0 ? 0 : 1_000_000,
        random.nextBoolean() ? null : "fp" + text(10, 20),
        response);
  }

  // Strings with characters of 1, 2, 3 and 4 UTF-8 bytes, from a small alphabet (names repeat).
  private String text(int min, int max) {
    String[] alphabet = {"a", "b", "é", "€", "😀"};
    StringBuilder s = new StringBuilder();
    int length = min + random.nextInt(max - min + 1);
    for (int i = 0; i < length; i++) {
      s.append(alphabet[random.nextInt(i == 0 ? 2 : alphabet.length)]);
    }
    return s.toString();
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b.length == 0 ? "x".getBytes(StandardCharsets.UTF_8) : b;
  }
}

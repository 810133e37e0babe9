package io.durableobjects.loadtest;

import java.util.BitSet;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the chat members of one run sent and received, over all virtual users: per room, the members
 * that joined, finished sending, and the messages sent; every room message each member saw (its own
 * and everyone else's), duplicates, frames that were no chat message, the latency from the send to
 * the sender's own receipt and to every other member's (both ends on this JVM's clock), and the
 * span from the first send to the last delivery. Gatling itself only times the sender's own echo;
 * this adds the rest of the broadcast. Thread-safe: all virtual users record into one instance.
 */
final class DeliveryStats {
  /** A chat message as the room sends it: {@code {"seq":n,"from":"...","text":"..."}}. */
  private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

  /** The send time the simulation puts at the end of every text it sends. */
  private static final Pattern SENT_AT = Pattern.compile("\\] (\\d+)\"");

  private static final Pattern FROM = Pattern.compile("\"from\":\"([^\"]*)\"");
  private static final int MAX_LATENCY_MS = 120_000;

  private final Map<String, Room> rooms = new ConcurrentHashMap<>();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong other = new AtomicLong();
  private final AtomicLong firstSend = new AtomicLong(Long.MAX_VALUE);
  private final AtomicLong lastDelivery = new AtomicLong(Long.MIN_VALUE);

  /** Latency from the sender's send to the sender's receipt (what Gatling's "delivered" times). */
  private final Histogram own = new Histogram();

  /** Latency from the sender's send to every other member's receipt. */
  private final Histogram others = new Histogram();

  private volatile String firstOther;

  /** Text of the {@code index}-th message (from 0) a member sends; ends with its send time. */
  static String text(String room, String name, int index, long sentAtMillis) {
    return "load " + marker(room, name, index) + " " + sentAtMillis;
  }

  /** A substring found only in that one message as the room echoes it. */
  static String marker(String room, String name, int index) {
    return "[" + room + "/" + name + "/" + index + "]";
  }

  /** One room's members and messages. */
  private static final class Room {
    final AtomicInteger joined = new AtomicInteger();
    final AtomicInteger done = new AtomicInteger();
    final AtomicLong sent = new AtomicLong();
  }

  private Room room(String name) {
    return rooms.computeIfAbsent(name, n -> new Room());
  }

  void joined(String room) {
    room(room).joined.incrementAndGet();
  }

  void doneSending(String room) {
    room(room).done.incrementAndGet();
  }

  /** Whether every member that joined {@code room} has sent all its messages. */
  boolean allDoneSending(String room) {
    Room r = room(room);
    return r.done.get() >= r.joined.get();
  }

  /** Messages sent so far in {@code room}: once all its members are done, what each should see. */
  long sentIn(String room) {
    return room(room).sent.get();
  }

  void sending(String room, long nowMillis) {
    room(room).sent.incrementAndGet();
    sent.incrementAndGet();
    firstSend.accumulateAndGet(nowMillis, Math::min);
  }

  /**
   * Records one frame the member {@code name} received at {@code receivedAtMillis}; {@code seen} is
   * that member's set of sequence numbers so far.
   */
  void received(String name, BitSet seen, String frame, long receivedAtMillis) {
    Matcher seq = SEQ.matcher(frame);
    if (!seq.find()) {
      if (!frame.equals("pong")) {
        other.incrementAndGet();
        if (firstOther == null) {
          firstOther = frame.length() > 300 ? frame.substring(0, 300) + "..." : frame;
        }
      }
      return;
    }
    int n = Integer.parseInt(seq.group(1));
    if (seen.get(n)) {
      duplicates.incrementAndGet();
      return;
    }
    seen.set(n);
    delivered.incrementAndGet();
    lastDelivery.accumulateAndGet(receivedAtMillis, Math::max);
    Matcher sentAt = SENT_AT.matcher(frame);
    Matcher from = FROM.matcher(frame);
    if (sentAt.find() && from.find()) {
      long latency = receivedAtMillis - Long.parseLong(sentAt.group(1));
      (from.group(1).equals(name) ? own : others).record(latency);
    }
  }

  /** The summary printed after the run, for rooms of {@code roomSize} members. */
  String summary(int roomSize) {
    long s = sent.get();
    long d = delivered.get();
    // Every message to every member of its room that joined (a member whose join failed is
    // missing).
    long expected = rooms.values().stream().mapToLong(r -> r.sent.get() * r.joined.get()).sum();
    int members = rooms.values().stream().mapToInt(r -> r.joined.get()).sum();
    double seconds = d == 0 ? 0 : (lastDelivery.get() - firstSend.get()) / 1000.0;
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT, "---- Chat delivery (every message to every member of its room) ----%n"));
    out.append(
        String.format(
            Locale.ROOT,
            "members joined               %,d in %d rooms (of %d per room)%n",
            members,
            rooms.size(),
            roomSize));
    out.append(String.format(Locale.ROOT, "messages sent                %,d%n", s));
    out.append(
        String.format(
            Locale.ROOT,
            "deliveries                   %,d of %,d expected (missing %,d, duplicates %,d)%n",
            d,
            expected,
            expected - d,
            duplicates.get()));
    out.append(String.format(Locale.ROOT, "first send -> last delivery  %.1f s%n", seconds));
    if (seconds > 0) {
      out.append(
          String.format(
              Locale.ROOT,
              "delivered per second         %,.0f msg/s (sent %,.0f msg/s)%n",
              d / seconds,
              s / seconds));
    }
    out.append(String.format(Locale.ROOT, "latency to the sender (ms)   %s%n", own));
    out.append(String.format(Locale.ROOT, "latency to the others (ms)   %s%n", others));
    if (other.get() > 0) {
      out.append(
          String.format(
              Locale.ROOT,
              "other frames (not chat)      %,d, first: %s%n",
              other.get(),
              firstOther));
    }
    out.append("--------------------------------------------------------------------");
    return out.toString();
  }

  /** A latency histogram in 1 ms buckets; the last bucket holds everything slower. */
  private static final class Histogram {
    private final AtomicLongArray counts = new AtomicLongArray(MAX_LATENCY_MS + 1);

    void record(long latencyMs) {
      counts.incrementAndGet((int) Math.max(0, Math.min(latencyMs, MAX_LATENCY_MS)));
    }

    /** The {@code p}-th percentile in ms (100: the max; -1 if empty). */
    long percentile(double p) {
      long total = 0;
      for (int i = 0; i < counts.length(); i++) {
        total += counts.get(i);
      }
      if (total == 0) {
        return -1;
      }
      long rank = Math.max(1, (long) Math.ceil(p / 100.0 * total));
      long count = 0;
      for (int i = 0; i < counts.length(); i++) {
        count += counts.get(i);
        if (count >= rank) {
          return i;
        }
      }
      return MAX_LATENCY_MS;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "p50 %d, p95 %d, p99 %d, max %d",
          percentile(50),
          percentile(95),
          percentile(99),
          percentile(100));
    }
  }
}

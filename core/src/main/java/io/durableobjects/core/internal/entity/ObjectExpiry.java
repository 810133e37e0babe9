package io.durableobjects.core.internal.entity;

import io.durableobjects.core.Response;
import io.durableobjects.core.internal.ObjectMetrics;
import io.durableobjects.core.internal.storage.AlarmRules;
import io.durableobjects.core.internal.storage.AlarmSchedule;
import io.durableobjects.core.internal.storage.ScheduledAlarm;
import io.durableobjects.core.internal.storage.TransactionalStorage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * INTERNAL API: the namespace's {@code expire-after-idle} (E) for one object: an object not called
 * for E is erased, as by the admin delete.
 *
 * <p>The deadline is an internal alarm ({@link AlarmRules#EXPIRY}), so a sleeping object is woken
 * cluster-wide by the alarm poller like for any alarm. Each call from a client or another object
 * ({@link #counts}) checks it in its own transaction: if it is missing or due before {@code now +
 * E}, it is set to {@code now + E + E/4}. So the alarm moves at most once per E/4 (most calls add
 * nothing: one comparison), and once a call's reply has left (it waits for the call's writes), the
 * durable alarm is at least that call + E: never early, even after a crash. An object that holds
 * nothing (no key, no alarm of its own) gets no alarm: it costs nothing to keep.
 *
 * <p>When the alarm comes due ({@link AlarmDelivery} hands it here, never to the object's alarm
 * handler), it takes its turn through the input gate like any call, so no call runs at the same
 * time. It is set again if a call since came later than E ago (or if the alarm was set for a
 * shorter E than the namespace has now); otherwise the object is erased in the delivery's
 * transaction: every key and alarm, the remembered idempotency keys, then the journal history
 * ({@link AdminHandler#commitErasure}). The alarm's {@code scheduledMillis} is the call it counts
 * from and its {@code dueMillis} that call + E + E/4; their difference tells which E it was set
 * for.
 */
final class ObjectExpiry {
  /** What an expiry alarm that did not erase the object answers (nobody waits for it). */
  private static final FetchReply KEPT = new FetchReply.Ok(Response.status(204));

  // E in milliseconds, 0 when the namespace's objects never expire.
  private final long expireMillis;
  private final Clock clock;
  private final ObjectMetrics metrics;
  private final Logger log;
  private final String hex;
  // The last call this actor ran (wall clock), Long.MIN_VALUE before the first.
  private long lastCallMillis = Long.MIN_VALUE;

  ObjectExpiry(
      Optional<Duration> expireAfterIdle,
      Clock clock,
      ObjectMetrics metrics,
      Logger log,
      String hex) {
    this.expireMillis = expireAfterIdle.map(Duration::toMillis).orElse(0L);
    this.clock = clock;
    this.metrics = metrics;
    this.log = log;
    this.hex = hex;
  }

  /**
   * Whether {@code call} keeps the object alive: a fetch, an RPC, a WebSocket upgrade, a client's
   * message or close on a socket. Not: alarm deliveries, the admin API, a socket's error, nor the
   * close the runtime makes up for a socket whose connection is gone (code 1006).
   */
  static boolean counts(ObjectCommand.Call call) {
    if (call instanceof ObjectCommand.Fetch
        || call instanceof ObjectCommand.Invoke
        || call instanceof ObjectCommand.Upgrade) {
      return true;
    }
    return call instanceof ObjectCommand.SocketEvent event
        && (event.kind() == ObjectCommand.SocketEventKind.MESSAGE
            || (event.kind() == ObjectCommand.SocketEventKind.CLOSE && event.code() != 1006));
  }

  /** Whether {@code call}, answered {@code reply}, is an expiry alarm that erased the object. */
  static boolean erases(ObjectCommand.Call call, FetchReply reply) {
    return call instanceof InternalCommand.DeliverAlarm && reply instanceof FetchReply.Deleted;
  }

  /**
   * A call ran (it counts, {@link #counts}): keeps the expiry alarm at least E ahead in {@code tx},
   * the call's own transaction (or one of the runtime's after a failed call).
   *
   * @return whether it changed {@code tx}
   */
  boolean called(TransactionalStorage tx) {
    if (expireMillis == 0) {
      return false;
    }
    long now = clock.millis();
    lastCallMillis = now;
    AlarmSchedule alarms = tx.resultAlarms();
    long due = alarms.dueMillisOf(AlarmRules.EXPIRY);
    if (due >= now + expireMillis) {
      return false; // the common case: the alarm is far enough ahead
    }
    if (due == Long.MIN_VALUE && tx.result().isEmpty() && alarms.isEmpty()) {
      return false; // an empty object: nothing to expire, no write
    }
    tx.putAlarm(alarmFrom(now));
    return true;
  }

  /** The expiry alarm counting from a call at {@code callMillis}. */
  private ScheduledAlarm alarmFrom(long callMillis) {
    return new ScheduledAlarm(
        AlarmRules.EXPIRY, callMillis, 0, callMillis + expireMillis + expireMillis / 4);
  }

  /**
   * The expiry alarm is due and its delivery's turn has come; {@link AlarmDelivery} has removed it
   * from {@code tx} already.
   *
   * @return {@link FetchReply.Deleted} if the object expires ({@code tx} erases it, and the caller
   *     commits it as an erasure), else a reply that commits {@code tx} as it is
   */
  FetchReply fire(ScheduledAlarm alarm, CallHandler.Turn turn) {
    TransactionalStorage tx = turn.tx();
    if (expireMillis == 0) {
      log.info("Object {}: expire-after-idle is off now; its expiry alarm is removed", hex);
      return KEPT;
    }
    long now = clock.millis();
    if (lastCallMillis != Long.MIN_VALUE && lastCallMillis + expireMillis > now) {
      tx.putAlarm(alarmFrom(lastCallMillis)); // called since it was set (defensive: clock skew)
      return KEPT;
    }
    long window = alarm.dueMillis() - alarm.scheduledMillis();
    if (alarm.retryCount() == 0 && window < expireMillis + expireMillis / 4) {
      // Set for a shorter E than the namespace has now: the last call may be later than E ago.
      tx.putAlarm(alarmFrom(now));
      return KEPT;
    }
    int keys = turn.working().data().size();
    tx.deleteAll();
    metrics.expired();
    log.info(
        "Object {} was not called for {} (expire-after-idle; its deadline was {}): it expires, its"
            + " {} keys, its alarms and its journal history are deleted",
        hex,
        Duration.ofMillis(expireMillis),
        Instant.ofEpochMilli(alarm.dueMillis()),
        keys);
    return new FetchReply.Deleted(keys);
  }
}

package io.durableobjects.core.internal.entity;

import io.durableobjects.core.AlarmInfo;
import io.durableobjects.core.Response;
import io.durableobjects.core.internal.AlarmSettings;
import io.durableobjects.core.internal.ObjectHandlers;
import io.durableobjects.core.internal.ObjectMetrics;
import io.durableobjects.core.internal.storage.AlarmRules;
import io.durableobjects.core.internal.storage.AlarmSchedule;
import io.durableobjects.core.internal.storage.ScheduledAlarm;
import io.durableobjects.core.internal.storage.TransactionalStorage;
import io.durableobjects.core.spi.LogText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;

/**
 * INTERNAL API: delivers the object's alarms while it is active.
 *
 * <p>A Pekko timer fires at the earliest alarm's due time (by the injected clock); the delivery
 * then takes its turn through the input gate like a request ({@link InternalCommand.DeliverAlarm},
 * one at a time). When its turn comes, the alarm due then is removed in the call's transaction (so
 * a handler that sets it again re-arms it) and the object's alarm handler runs. If the handler
 * fails, its writes are dropped and the alarm is kept for a retry after a growing delay ({@code
 * durable-objects.alarms.first-retry-delay}, doubling), or dropped after the last retry, in a
 * transaction of the runtime's own.
 *
 * <p>The runtime's internal expiry alarm ({@link AlarmRules#EXPIRY}) is delivered the same way but
 * never to the object's handler: {@link ObjectExpiry} decides, also for a class without one.
 */
final class AlarmDelivery implements CallHandler {
  private static final String TIMER = "alarm";

  /** The longest the alarm timer waits before looking again (an object is rarely active longer). */
  private static final long MAX_TIMER_MILLIS = Duration.ofHours(1).toMillis();

  private static final FetchReply DELIVERED = new FetchReply.Ok(Response.status(204));

  private final AlarmSettings settings;
  private final TimerScheduler<ObjectCommand> timers;
  private final Clock clock;
  private final ObjectMetrics metrics;
  private final Logger log;
  private final String hex;
  private final ActorRef<FetchReply> nobody;
  private final ObjectExpiry expiry;
  // A DeliverAlarm is waiting or running (one at a time); the alarm it is delivering, once chosen.
  private boolean queued;
  private ScheduledAlarm delivering;

  AlarmDelivery(
      AlarmSettings settings,
      TimerScheduler<ObjectCommand> timers,
      Clock clock,
      ObjectMetrics metrics,
      Logger log,
      String hex,
      ActorRef<FetchReply> nobody,
      ObjectExpiry expiry) {
    this.settings = settings;
    this.timers = timers;
    this.clock = clock;
    this.metrics = metrics;
    this.log = log;
    this.hex = hex;
    this.nobody = nobody;
    this.expiry = expiry;
  }

  /** Sets the timer for the next alarm, unless a delivery is queued or there is none. */
  void schedule(AlarmSchedule alarms) {
    Optional<ScheduledAlarm> next = alarms.next();
    if (next.isEmpty() || queued) {
      timers.cancel(TIMER);
      return;
    }
    long delay = Math.max(0, next.get().dueMillis() - clock.millis());
    timers.startSingleTimer(
        TIMER,
        InternalCommand.AlarmTimer.INSTANCE,
        Duration.ofMillis(Math.min(delay, MAX_TIMER_MILLIS)));
  }

  /**
   * The timer fired: the call that delivers the next alarm, if one is due and none is queued; null
   * otherwise (the timer is set again for a later one).
   *
   * @param noRoom whether the input gate cannot take another call now
   */
  InternalCommand.DeliverAlarm due(AlarmSchedule alarms, boolean noRoom) {
    if (queued) {
      return null;
    }
    Optional<ScheduledAlarm> next = alarms.next();
    if (next.isEmpty()) {
      return null;
    }
    if (next.get().dueMillis() > clock.millis()) {
      schedule(alarms);
      return null;
    }
    if (noRoom) {
      timers.startSingleTimer(TIMER, InternalCommand.AlarmTimer.INSTANCE, Duration.ofSeconds(1));
      return null; // requests come first; the alarm is delivered once there is room to queue it
    }
    queued = true;
    return new InternalCommand.DeliverAlarm(nobody);
  }

  /** Stops the timer and forgets the delivery under way (a journal failure, a broken object). */
  void reset() {
    queued = false;
    delivering = null;
    timers.cancel(TIMER);
  }

  @Override
  public CompletableFuture<FetchReply> run(ObjectCommand.Call call, Turn turn) throws Exception {
    TransactionalStorage tx = turn.tx();
    long now = clock.millis();
    Optional<ScheduledAlarm> next = tx.resultAlarms().next();
    if (next.isEmpty() || next.get().dueMillis() > now) {
      return CompletableFuture.completedFuture(DELIVERED); // deleted or moved meanwhile
    }
    ScheduledAlarm alarm = next.get();
    delivering = alarm;
    tx.removeAlarm(alarm.name());
    if (AlarmRules.isInternal(alarm.name())) {
      return CompletableFuture.completedFuture(expiry.fire(alarm, turn));
    }
    if (alarm.retryCount() == 0) {
      metrics.alarmLag(now - alarm.scheduledMillis());
    }
    AlarmInfo info =
        new AlarmInfo(
            alarm.name(), Instant.ofEpochMilli(alarm.scheduledMillis()), alarm.retryCount());
    return ObjectHandlers.alarm(turn.instance().object(), info).thenApply(v -> DELIVERED);
  }

  /** A failed delivery is retried (or dropped) and answers nobody; a successful one commits. */
  @Override
  public Outcome finish(ObjectCommand.Call call, Turn turn, Outcome outcome) {
    queued = false;
    ScheduledAlarm alarm = delivering;
    delivering = null;
    if (outcome.failure() != null) {
      if (alarm != null) {
        retryOrDrop(alarm, outcome.failure(), turn.working());
      }
      return null; // logged with its retry; nobody waits for a reply
    }
    if (alarm != null && !AlarmRules.isInternal(alarm.name())) {
      metrics.alarmFired();
    }
    return outcome;
  }

  private void retryOrDrop(ScheduledAlarm failed, Throwable failure, WorkingState working) {
    TransactionalStorage tx = working.detached();
    int retry = failed.retryCount() + 1;
    if (retry > settings.maxRetries()) {
      tx.removeAlarm(failed.name());
      metrics.alarmDropped();
      log.error(
          "Alarm '{}' of object {} (scheduled for {}) failed {} times and is dropped; last failure:",
          LogText.escape(failed.name()),
          hex,
          Instant.ofEpochMilli(failed.scheduledMillis()),
          retry,
          failure);
    } else {
      Duration delay = settings.retryDelay(retry);
      tx.putAlarm(failed.retriedAt(clock.millis() + delay.toMillis()));
      metrics.alarmRetried();
      log.warn(
          "Alarm '{}' of object {} failed; retry {} of {} in {}:",
          LogText.escape(failed.name()),
          hex,
          retry,
          settings.maxRetries(),
          delay,
          failure);
    }
    working.commit(tx, tx.toEvent(), List.of(), null);
  }
}

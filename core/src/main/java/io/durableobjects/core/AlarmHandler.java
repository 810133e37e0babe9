package io.durableobjects.core;

/**
 * An object that receives its alarms (see {@link Storage#setAlarm(java.time.Instant)}). Only an
 * object that implements this interface or {@link AsyncAlarmHandler} may set alarms.
 */
public interface AlarmHandler extends DurableObject {

  /**
   * Runs when one of the object's alarms is due: at or after its time, at least once. Like a
   * request, it runs alone (input gate) and its writes commit as one transaction; the alarm itself
   * is removed in that transaction, so setting it again here (re-arming) schedules the next
   * delivery.
   *
   * <p>If it throws, its writes are discarded and the alarm is delivered again after a growing
   * delay ({@code durable-objects.alarms.first-retry-delay}, doubling), with {@link
   * AlarmInfo#retryCount()} counting the retries; after {@code durable-objects.alarms.max-retries}
   * retries it is dropped with a log line. A delivery that succeeded is not repeated, except that a
   * node crash between the handler's return and its commit delivers it again (at least once).
   *
   * @param alarm which alarm, when it was due, and whether this is a retry
   * @throws Exception any failure: the delivery is retried as described above
   */
  void alarm(AlarmInfo alarm) throws Exception;
}

package io.durableobjects.core;

import java.util.concurrent.CompletionStage;

/**
 * The asynchronous form of {@link AlarmHandler}: the input gate stays closed until the stage
 * completes, within {@code durable-objects.entity.request-timeout}; a failed or late stage is
 * retried like a thrown exception.
 */
public interface AsyncAlarmHandler extends DurableObject {

  /**
   * Runs when one of the object's alarms is due; see {@link AlarmHandler#alarm}.
   *
   * @return a stage that completes when the delivery is done; must not be {@code null}
   */
  CompletionStage<Void> alarm(AlarmInfo alarm) throws Exception;
}

package io.durableobjects.core.internal;

import io.durableobjects.core.AlarmHandler;
import io.durableobjects.core.AlarmInfo;
import io.durableobjects.core.AsyncAlarmHandler;
import io.durableobjects.core.AsyncFetchHandler;
import io.durableobjects.core.DurableObject;
import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.FetchHandler;
import io.durableobjects.core.ObjectFailedException;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Calls a user object's handlers in one shape, whichever of the plain or async handler interfaces
 * its class implements: the runtime never needs to know which.
 */
public final class ObjectHandlers {

  private ObjectHandlers() {}

  /** Whether objects of this class take HTTP-style requests. */
  public static boolean handlesFetch(Class<?> objectClass) {
    return FetchHandler.class.isAssignableFrom(objectClass)
        || AsyncFetchHandler.class.isAssignableFrom(objectClass);
  }

  /** Whether objects of this class receive alarms (and so may set them). */
  public static boolean handlesAlarms(Class<?> objectClass) {
    return AlarmHandler.class.isAssignableFrom(objectClass)
        || AsyncAlarmHandler.class.isAssignableFrom(objectClass);
  }

  /**
   * Runs {@code object}'s fetch handler; an object without one answers 501 (it may be RPC-only).
   * Never returns {@code null}: a handler that returns {@code null} fails the request.
   */
  public static CompletableFuture<Response> fetch(DurableObject object, Request request)
      throws Exception {
    if (object instanceof FetchHandler handler) {
      return CompletableFuture.completedFuture(nonNull(handler.fetch(request)));
    }
    if (object instanceof AsyncFetchHandler handler) {
      CompletionStage<Response> stage = handler.fetch(request);
      if (stage == null) {
        throw new ObjectFailedException("fetch returned null instead of a CompletionStage");
      }
      return stage.toCompletableFuture().thenApply(ObjectHandlers::nonNull);
    }
    throw new DurableObjectException(
        501,
        "not_implemented",
        object.getClass().getName()
            + " takes no HTTP requests (it implements neither FetchHandler nor AsyncFetchHandler);"
            + " call it over RPC");
  }

  /** Runs {@code object}'s alarm handler. */
  public static CompletableFuture<Void> alarm(DurableObject object, AlarmInfo alarm)
      throws Exception {
    if (object instanceof AlarmHandler handler) {
      handler.alarm(alarm);
      return CompletableFuture.completedFuture(null);
    }
    if (object instanceof AsyncAlarmHandler handler) {
      CompletionStage<Void> stage = handler.alarm(alarm);
      if (stage == null) {
        throw new ObjectFailedException("alarm returned null instead of a CompletionStage");
      }
      return stage.toCompletableFuture();
    }
    // Unreachable through the API: setAlarm refuses a class without an alarm handler.
    throw new ObjectFailedException(object.getClass().getName() + " has no alarm handler");
  }

  private static Response nonNull(Response response) {
    if (response == null) {
      throw new ObjectFailedException("fetch returned null instead of a Response");
    }
    return response;
  }
}

package io.durableobjects.core.internal.entity;

import io.durableobjects.core.AsyncFetchHandler;
import io.durableobjects.core.DurableObjectState;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * An object that does what its requests say, for tests at the level of the entity's messages; it
 * tells the test what it runs. {@code ?id=} names a call; {@code ?key=&value=} a write.
 *
 * <ul>
 *   <li>{@code /write}: writes, answers the value; {@code /read}: answers the key's value.
 *   <li>{@code /hold}: writes (if asked), then answers only when the test completes {@link
 *       Script#hold} of its id.
 *   <li>{@code /churn?n=}: writes and deletes again {@code n} keys of 2 000 characters (then
 *       writes, if asked).
 *   <li>{@code /block}: {@code blockConcurrencyWhile} on the hold of its id, whose stage writes (if
 *       asked); answers at once.
 * </ul>
 */
public final class ScriptedObject implements AsyncFetchHandler {

  /** What the current test sees and steers. */
  static final class Script {
    final ActorRef<String> events;
    final AtomicInteger instances = new AtomicInteger();
    final Map<String, CompletableFuture<Void>> holds = new ConcurrentHashMap<>();
    final Map<String, List<String>> chains = new ConcurrentHashMap<>();
    volatile DurableObjectState lastState;
    volatile boolean constructorFails;

    Script(ActorRef<String> events) {
      this.events = events;
    }

    CompletableFuture<Void> hold(String id) {
      return holds.computeIfAbsent(id, ignored -> new CompletableFuture<>());
    }
  }

  static volatile Script script;

  private final DurableObjectState state;

  public ScriptedObject(DurableObjectState state) {
    this.state = state;
    if (script.constructorFails) {
      throw new IllegalStateException("the constructor fails on purpose");
    }
    script.instances.incrementAndGet();
    script.lastState = state;
  }

  @Override
  public CompletionStage<Response> fetch(Request request) {
    Script s = script;
    String id = request.queryParam("id").orElse(request.path());
    String key = request.queryParam("key").orElse(null);
    String value = request.queryParam("value").orElse("");
    s.chains.put(id, CallChains.of(state));
    s.events.tell("run " + id);
    switch (request.path()) {
      case "/read" -> {
        return done(state.storage().get(key, String.class).orElse(""));
      }
      case "/write" -> {
        state.storage().put(key, value);
        return done(value);
      }
      case "/hold" -> {
        if (key != null) {
          state.storage().put(key, value);
        }
        return s.hold(id).thenApply(v -> Response.text(id));
      }
      case "/churn" -> {
        // Writes and deletes again n long keys: the object stays empty, the transaction does not.
        int n = Integer.parseInt(request.queryParam("n").orElse("1"));
        for (int i = 0; i < n; i++) {
          String churned = i + "c".repeat(2000);
          state.storage().put(churned, "");
          state.storage().delete(churned);
        }
        if (key != null) {
          state.storage().put(key, value);
        }
        return done("churned " + n);
      }
      case "/block" -> {
        state.blockConcurrencyWhile(
            () ->
                s.hold(id)
                    .thenApply(
                        v -> {
                          if (key != null) {
                            state.storage().put(key, value);
                          }
                          return v;
                        }));
        return done("blocked " + id);
      }
      default -> {
        return done("?");
      }
    }
  }

  private static CompletableFuture<Response> done(String text) {
    return CompletableFuture.completedFuture(Response.text(text));
  }
}

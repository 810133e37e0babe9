package io.durableobjects.core;

import java.util.concurrent.CompletionStage;

/** A client-side handle on one object. Cheap to create and to keep; safe to use from any thread. */
public interface DurableObjectStub {

  /** The ID of the object this stub addresses. */
  DurableObjectId id();

  /**
   * Sends a request to the object, activating it if needed.
   *
   * <p>The returned stage completes with the object's response once every write made before it is
   * durable, or fails with a {@link DurableObjectException}: {@link ObjectFailedException} if the
   * object's code threw, {@link ObjectUnavailableException} if its journal failed (retryable),
   * {@link ObjectTimeoutException} if it did not answer in time. From inside an object (a stub of
   * {@link DurableObjectState#env()}), the request leaves only once the calling object's earlier
   * writes are durable, and fails retryably, unsent, if they cannot be made durable.
   */
  CompletionStage<Response> fetch(Request request);

  /**
   * A proxy of {@code rpcInterface} whose method calls run on the object: the object's class must
   * implement the interface, and every method of it must return a {@link CompletionStage}.
   * Arguments and results travel as JSON (Jackson), so they must be serializable; the method runs
   * like a fetch (one at a time, as a transaction, its result released once its writes are
   * durable). A call completes exceptionally with a {@link DurableObjectException}: {@link
   * ObjectFailedException} if the method threw, {@link ObjectUnavailableException}, or {@link
   * ObjectTimeoutException}.
   *
   * @throws IllegalArgumentException if {@code rpcInterface} is not an interface or one of its
   *     methods does not return a {@code CompletionStage}
   */
  <T> T rpc(Class<T> rpcInterface);

  /**
   * Calls the RPC method {@code method} by name, with its arguments as a JSON array, and answers
   * its result as JSON: what the gateway's {@code POST /v1/{ns}/rpc/by-name/{name}/{method}} does.
   * The object looks the method up among the methods of the RPC interfaces its class implements
   * (those that return a {@link CompletionStage}); otherwise the call runs as through {@link #rpc}.
   *
   * <pre>{@code
   * stub.rpcJson("submit", "[\"ada\", 42]")   // → "{\"player\":\"ada\",\"score\":42}"
   * }</pre>
   *
   * @param method the method's name
   * @param jsonArguments the arguments, a JSON array ({@code []} for none)
   * @return the result as JSON text, {@code null} (the text) for a {@code Void} or null result. The
   *     stage fails with a {@link DurableObjectException}: 404 {@code unknown_method} (the message
   *     lists the methods that exist), 400 {@code bad_arguments} (not a JSON array, the wrong
   *     number of arguments, or an argument that does not fit: "argument 2 of add(String, long):
   *     expected a number, got a string"), 400 {@code ambiguous_overload}, or as {@link #rpc}'s
   *     calls do when the method throws
   * @throws IllegalArgumentException if {@code method} is null or empty or the arguments are null
   */
  default CompletionStage<String> rpcJson(String method, String jsonArguments) {
    throw new UnsupportedOperationException(
        getClass().getName() + " does not call RPC methods by name");
  }

  /**
   * A stub whose calls carry this idempotency key: the object applies a call with a given key at
   * most once (within {@code durable-objects.idempotency.retention}) and answers a retry with the
   * first result. For {@link #fetch} it is the {@code Idempotency-Key} header (unless the request
   * has one); every RPC call through the stub's proxies carries it too, so use one key per logical
   * operation.
   *
   * @throws IllegalArgumentException if the key is empty, longer than 255 characters or not visible
   *     ASCII
   */
  DurableObjectStub withIdempotencyKey(String key);

  /**
   * The object's change feed: one {@link ObjectChange} per committed transaction, in order of
   * sequence number, each once, from the first after {@code afterSequenceNr} on: read from the
   * journal up to the object's present, then live as transactions become durable (never one a
   * client could not have been answered). Pass the last sequence number seen to resume with no gap
   * and no duplicate, across the object's eviction or move and node restarts; pass -1 to start at
   * the present. The materialized stage completes with the object's sequence number when it took
   * the subscription.
   *
   * <p>The stream fails with a {@link DurableObjectException}: 404 {@code feed_disabled} if the
   * object's class has no feed ({@link ChangeFeed}); 410 {@code history_gone} if the journal no
   * longer holds the transactions after {@code afterSequenceNr} (the namespace's {@code
   * history.retention}); 503 {@code feed_overflow} if the consumer falls thousands of changes
   * behind (resume from the last seen). An open feed keeps its object active.
   *
   * @param afterSequenceNr the last sequence number already seen; -1: only changes from now on
   */
  default org.apache.pekko.stream.javadsl.Source<ObjectChange, CompletionStage<Long>> changes(
      long afterSequenceNr) {
    throw new UnsupportedOperationException(getClass().getName() + " has no change feed");
  }
}

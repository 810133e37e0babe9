package io.durableobjects.core;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * What an object receives in its constructor: its identity and its storage.
 *
 * <p>The state belongs to one object instance; it must only be used from within that object's
 * constructor and its {@link DurableObject#fetch} calls.
 */
public interface DurableObjectState {

  /** The ID of this object; {@link DurableObjectId#name()} is present if it was created by name. */
  DurableObjectId id();

  /** The object's transactional, strongly consistent key-value storage. */
  Storage storage();

  /**
   * The namespaces of this node, for calling other objects (or this one) from within an object:
   * {@code state.env().namespace("counter").get(id).fetch(request)}. Await such calls with {@link
   * DurableObject#fetchAsync} rather than blocking: a blocked object cannot take its own calls.
   */
  DurableObjects env();

  /**
   * Keeps every request out until {@code body}'s stage completes: for initialisation that must
   * finish before the object serves anything, such as loading state into fields. Call it from the
   * constructor; the object's first request waits for it. Storage may be used until the stage
   * completes; the writes commit with the activation. If it fails or does not complete within
   * {@code durable-objects.entity.request-timeout}, the activation fails and waiting requests get
   * an error.
   *
   * @return the stage {@code body} returned
   * @throws IllegalStateException if called outside the constructor
   */
  <T> CompletionStage<T> blockConcurrencyWhile(Supplier<? extends CompletionStage<T>> body);
}

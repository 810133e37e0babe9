package io.durableobjects.gateway.testing;

import java.util.concurrent.CompletionStage;

/** The RPC interface of {@link TestObject}. */
public interface TestRpc {
  /** Adds {@code amount} to the object's counter and answers the new value. */
  CompletionStage<Long> add(long amount);
}

package io.durableobjects.core.internal.entity;

import io.durableobjects.core.internal.storage.TransactionalStorage;
import java.util.concurrent.CompletableFuture;

/**
 * INTERNAL API: what the runtime does for one kind of call ({@link RequestHandler}: fetch, RPC and
 * WebSocket upgrades; {@link AlarmDelivery}; {@link SocketEventHandler}; {@link AdminHandler}). The
 * {@link CallRunner} does the rest, the same for every kind: the input gate, the transaction, the
 * reply through the output gate.
 */
interface CallHandler {

  /** The call's turn: the instance that runs it, the working state, the call's transaction. */
  record Turn(ObjectInstance instance, WorkingState working, TransactionalStorage tx) {}

  /** How a call ended: its reply, or the failure to answer instead. */
  record Outcome(FetchReply reply, Throwable failure) {}

  /**
   * Runs {@code call} in {@code turn}'s transaction.
   *
   * @return a stage whose value is the reply to send once the call's writes are durable
   * @throws Exception what the object's code threw: the call fails, its writes are dropped
   */
  CompletableFuture<FetchReply> run(ObjectCommand.Call call, Turn turn) throws Exception;

  /**
   * Once the call's stage has completed (storage closed): what to answer, or null if the handler
   * has dealt with the outcome itself and nothing is answered or committed.
   */
  default Outcome finish(ObjectCommand.Call call, Turn turn, Outcome outcome) {
    return outcome;
  }
}

package io.durableobjects.core.internal.entity;

import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.ObjectFailedException;
import io.durableobjects.core.StorageException;
import io.durableobjects.core.internal.EntityLimits;
import io.durableobjects.core.internal.serialization.JournalSerializer;
import io.durableobjects.core.internal.storage.ObjectSize;
import io.durableobjects.core.internal.storage.TransactionalStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * INTERNAL API: how one call runs, whatever its kind, once the input gate lets it in.
 *
 * <ol>
 *   <li>A call whose idempotency key was applied already gets its first reply ({@link
 *       Idempotency}).
 *   <li>It gets a transaction over the working state and a token (its link in the call chains of
 *       the calls it makes), and its {@link CallHandler} runs it.
 *   <li>Its stage may complete later (the input gate stays closed until then, {@code
 *       blockConcurrencyWhile} stages included, see {@link #withBlockers}).
 *   <li>{@link #finish}: the handler adjusts the outcome; a failure (or a reply over the size
 *       limit) drops the writes and answers the error; otherwise the writes commit to the working
 *       state as one transaction (with the idempotency record, if any) and the reply waits in the
 *       output gate until they are durable. A reply without writes waits for the writes before it.
 * </ol>
 */
final class CallRunner {
  private final EntityContext ctx;
  private final Idempotency idempotency;
  private final RequestHandler requests;
  private final SocketEventHandler socketEvents;
  private final AdminHandler admin;

  CallRunner(EntityContext ctx) {
    this.ctx = ctx;
    this.idempotency = new Idempotency(ctx.config.idempotency(), ctx.clock, ctx.log);
    this.requests = new RequestHandler(ctx.config.rpc());
    this.socketEvents = new SocketEventHandler(ctx.log, ctx.hex());
    this.admin = new AdminHandler(ctx);
  }

  private CallHandler handlerOf(ObjectCommand.Call call) {
    if (call instanceof ObjectCommand.Admin) {
      return admin;
    }
    if (call instanceof InternalCommand.DeliverAlarm) {
      return ctx.alarms;
    }
    if (call instanceof ObjectCommand.SocketEvent) {
      return socketEvents;
    }
    return requests;
  }

  /**
   * Runs {@code call}: to its end now, or until its stage completes (the input gate waits).
   *
   * @return whether the instance must be replaced (the call ended now, and a {@code
   *     blockConcurrencyWhile} stage it started failed)
   */
  boolean start(ObjectCommand.Call call, ObjectInstance instance, WorkingState working) {
    FetchReply earlier;
    try {
      earlier = idempotency.earlierReply(call, working.remembered());
    } catch (DurableObjectException invalidKey) {
      replyFailure(call, invalidKey);
      return false;
    }
    if (earlier != null) {
      // Already applied: answer as the first time, once what it answered is durable.
      ctx.output.release(List.of(), new Batch.PendingReply(call.replyTo(), earlier));
      return false;
    }
    TransactionalStorage tx = working.begin(instance.storage());
    instance
        .sockets()
        .beginCall(
            call instanceof ObjectCommand.Upgrade upgrade
                ? new ObjectSockets.PendingUpgrade(
                    upgrade, ctx.sockets.serialized(upgrade.socket()))
                : null);
    instance.blocker().beginCall();
    long token = ctx.input.nextToken();
    instance.state().callChain(append(call.callChain(), ctx.identity.chainLink(token)));
    CallHandler.Turn turn = new CallHandler.Turn(instance, working, tx);
    CompletableFuture<FetchReply> future;
    try {
      future = handlerOf(call).run(call, turn);
    } catch (Throwable t) {
      rethrowIfFatal(t);
      if (instance.blocker().unused()) {
        instance
            .storage()
            .end(); // the transaction is simply dropped: the working state is as before
        return finish(call, turn, null, t);
      }
      future = CompletableFuture.failedFuture(t);
    }
    future = withBlockers(future, instance.blocker());
    if (future.isDone()) {
      instance.storage().end(); // a failed call's transaction is simply dropped
      Throwable failure = failureOf(future);
      return finish(call, turn, failure == null ? future.getNow(null) : null, failure);
    }
    ctx.input.await(token, call, tx, future);
    return false;
  }

  /**
   * The call's stage once the {@code blockConcurrencyWhile} stages it started have completed too:
   * until then its transaction stays open and the input gate closed. If one of them failed, the
   * call fails with it ({@link BlockFailed}).
   */
  private static CompletableFuture<FetchReply> withBlockers(
      CompletableFuture<FetchReply> handler, ConcurrencyBlocker blocker) {
    if (handler.isDone() && blocker.unused()) {
      return handler; // the common case: no blockConcurrencyWhile in this call
    }
    // Asked once the handler's stage completed, so that stages started on the way are included.
    CompletableFuture<Throwable> blockFailure =
        handler
            .handle((reply, failure) -> null)
            .thenCompose(ignored -> blocker.settled().handle((done, failure) -> failure));
    return blockFailure.thenApply(
        failure -> {
          Throwable handlerFailure = failureOf(handler);
          if (handlerFailure != null) {
            throw new CompletionException(handlerFailure);
          }
          if (failure != null) {
            throw new CompletionException(new BlockFailed(InputGate.unwrap(failure)));
          }
          return handler.getNow(null);
        });
  }

  /**
   * A call's stage completed: its storage closes, then it ends.
   *
   * @return whether the instance must be replaced (a {@code blockConcurrencyWhile} stage failed)
   */
  boolean completed(
      InputGate.Running done,
      ObjectInstance instance,
      WorkingState working,
      FetchReply reply,
      Throwable failure) {
    instance.storage().end();
    return finish(done.call(), new CallHandler.Turn(instance, working, done.tx()), reply, failure);
  }

  /**
   * Ends a call whose stage has completed (or that ran out of time): reply, commit, or both.
   *
   * @return whether the instance must be replaced (a {@code blockConcurrencyWhile} stage failed)
   */
  boolean finish(
      ObjectCommand.Call call, CallHandler.Turn turn, FetchReply reply, Throwable failure) {
    CallHandler.Outcome outcome =
        handlerOf(call).finish(call, turn, new CallHandler.Outcome(reply, failure));
    if (outcome != null) {
      answer(call, turn, outcome.reply(), outcome.failure());
    }
    ctx.alarms.schedule(turn.working().alarms());
    return failure instanceof BlockFailed;
  }

  private void answer(
      ObjectCommand.Call call, CallHandler.Turn turn, FetchReply success, Throwable failure) {
    long maxBytes = ctx.config.maxResponseBytes();
    if (failure == null && replyBytes(success) > maxBytes) {
      // Refused like an exception: the request's writes are dropped, the caller learns why.
      failure =
          new DurableObjectException(
              500,
              "response_too_large",
              "the object answered with "
                  + replyBytes(success)
                  + " bytes; the limit is "
                  + maxBytes
                  + " (durable-objects.entity.max-response-size); the request's writes were not"
                  + " applied");
    }
    boolean counts = ObjectExpiry.counts(call);
    if (failure != null) {
      refuse(call, counts, turn.working(), failure);
      return;
    }
    TransactionalStorage tx = turn.tx();
    if (counts) {
      ctx.expiry.called(tx); // in the call's own transaction: durable before its reply leaves
    }
    Batch.PendingReply reply = new Batch.PendingReply(call.replyTo(), success);
    TransactionCommitted event = tx.hasChanges() ? tx.toEvent() : null;
    StorageException tooLarge = event == null ? null : tooLargeToWrite(event);
    if (tooLarge != null) {
      refuse(call, counts, turn.working(), tooLarge);
      return;
    }
    IdempotencyRecords.Remembered record = idempotency.rememberable(call, success);
    if (record != null) {
      StorageException full = rememberingOverflows(tx, turn.working().remembered(), record);
      if (full != null) {
        refuse(call, counts, turn.working(), full);
        return;
      }
      event = (event == null ? new TransactionCommitted(List.of()) : event).withRemembered(record);
      turn.working().remember(record);
    }
    if (event == null) {
      // It may have read writes that are not durable yet: its commands and reply wait for them.
      ctx.output.release(ctx.sockets.effectsOf(tx), reply);
      return;
    }
    int alarmsSet = 0;
    for (TransactionCommitted.AlarmChange change : event.alarmChanges()) {
      alarmsSet += change.isDelete() ? 0 : 1;
    }
    if (alarmsSet > 0) {
      ctx.metrics.alarmsScheduled(alarmsSet);
    }
    if (AdminHandler.erases(call) || ObjectExpiry.erases(call, success)) {
      // The remembered requests and responses go with the data, and then the journal's history.
      admin.commitErasure(
          turn.working(), tx, event.forgettingRemembered(), ctx.sockets.effectsOf(tx), reply);
      return;
    }
    turn.working().commit(tx, event, ctx.sockets.effectsOf(tx), reply);
  }

  /**
   * Answers a call that failed (its writes are dropped); one that counts as a call still keeps the
   * object from expiring, in a transaction of the runtime's own that the failure waits for.
   */
  private void refuse(
      ObjectCommand.Call call, boolean counts, WorkingState working, Throwable failure) {
    keepAlive(counts, working);
    replyFailure(call, failure);
  }

  private void keepAlive(boolean counts, WorkingState working) {
    if (!counts) {
      return;
    }
    TransactionalStorage tx = working.detached();
    if (ctx.expiry.called(tx)) {
      working.commit(tx, tx.toEvent(), List.of(), null);
    }
  }

  /**
   * The refusal (413) of a transaction one journal write cannot hold, or null if it fits. The
   * storage limits bound what an object holds, not what one transaction changes: keys written and
   * deleted again in one request each leave a change.
   */
  private static StorageException tooLargeToWrite(TransactionCommitted event) {
    int bytes = JournalSerializer.transactionSize(event);
    if (bytes <= EntityLimits.MAX_WRITE_BYTES) {
      return null;
    }
    return StorageException.limitExceeded(
        "the request's changes take "
            + bytes
            + " bytes in the journal; one journal write holds at most "
            + EntityLimits.MAX_WRITE_BYTES
            + " (Cassandra refuses larger writes); nothing was written");
  }

  /**
   * The refusal of a call whose remembered response would take the object's snapshot above its
   * limit (its writes are not applied either), or null if it fits.
   */
  private static StorageException rememberingOverflows(
      TransactionalStorage tx, IdempotencyRecords records, IdempotencyRecords.Remembered record) {
    ObjectSize before = tx.size();
    ObjectSize after = before.withRemembered(records.remember(record).snapshotBytes());
    return tx.limits()
        .refusal(
            before, after, "remembering the response to Idempotency-Key '" + record.key() + "'");
  }

  /**
   * A call from the chain the running call is waiting on (A calls B, B calls A): it runs now,
   * inside the running call's transaction, instead of queueing behind the call that waits for it.
   * If it fails before it returns its stage, its writes are undone. Its reply passes the output
   * gate (every transaction committed before it durable); the running transaction's writes, its own
   * included, commit only when the outer call ends, so the reply cannot wait for them.
   */
  void reenter(ObjectCommand.Call call, ObjectInstance instance, TransactionalStorage outerTx) {
    OutgoingCallGate.Instance gate = instance.state().outputGate();
    CompletableFuture<FetchReply> future;
    try {
      future =
          outerTx.transaction(
              ignored -> {
                CompletableFuture<FetchReply> f;
                try {
                  f = requests.run(call, instance.object());
                } catch (RuntimeException e) {
                  throw e;
                } catch (Exception e) {
                  throw new CompletionException(e);
                }
                if (f.isCompletedExceptionally()) {
                  f.join(); // throws, which undoes the call's writes
                }
                return f;
              });
    } catch (Throwable t) {
      rethrowIfFatal(t);
      gate.reply(call.replyTo(), failureReply(call, InputGate.unwrap(t)));
      return;
    }
    future.whenComplete(
        (reply, failure) ->
            gate.reply(
                call.replyTo(),
                failure != null ? failureReply(call, InputGate.unwrap(failure)) : reply));
  }

  /** Answers {@code call} with {@code t}, in order behind the replies before it. */
  void replyFailure(ObjectCommand.Call call, Throwable t) {
    // A failure reveals nothing unconfirmed, but keep replies in order behind pending ones.
    ctx.output.release(List.of(), new Batch.PendingReply(call.replyTo(), failureReply(call, t)));
  }

  private FetchReply failureReply(ObjectCommand.Call call, Throwable t) {
    DurableObjectException error;
    if (t instanceof DurableObjectException e) {
      error = e;
      ctx.log.info("Object {} refused {}: {}", ctx.hex(), call, e.getMessage());
    } else {
      error = new ObjectFailedException("the object's code threw " + describe(t));
      ctx.log.warn("Object {} failed to handle {}", ctx.hex(), call, t);
    }
    return FetchReply.Failed.of(error);
  }

  /** The size of what the caller gets: a response's body or an RPC's result (admin replies: 0). */
  private static long replyBytes(FetchReply success) {
    if (success instanceof FetchReply.Ok ok) {
      return ok.response().bodyLength();
    }
    if (success instanceof FetchReply.Returned returned) {
      return returned.value() == null ? 0 : returned.value().length;
    }
    return 0;
  }

  private static List<String> append(List<String> chain, String link) {
    List<String> longer = new ArrayList<>(chain.size() + 1);
    longer.addAll(chain);
    longer.add(link);
    return List.copyOf(longer);
  }

  static Throwable failureOf(CompletableFuture<?> future) {
    if (!future.isCompletedExceptionally()) {
      return null;
    }
    try {
      future.join();
      return null;
    } catch (CompletionException e) {
      return InputGate.unwrap(e);
    } catch (RuntimeException e) {
      return e; // cancelled
    }
  }

  static String describe(Throwable t) {
    String message = t.getMessage();
    return t.getClass().getName() + (message == null ? "" : ": " + message);
  }

  static void rethrowIfFatal(Throwable t) {
    if (t instanceof VirtualMachineError error) {
      throw error;
    }
  }

  /** A {@code blockConcurrencyWhile} stage started during a call failed: the call fails with it. */
  static final class BlockFailed extends DurableObjectException {
    private static final long serialVersionUID = 1L;

    BlockFailed(Throwable cause) {
      super(
          500,
          "object_error",
          "the object's blockConcurrencyWhile failed: " + describe(cause),
          cause);
    }
  }
}

package io.durableobjects.core.internal.entity;

import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.internal.storage.KeyValueState;
import io.durableobjects.core.internal.storage.TransactionalStorage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;

/**
 * INTERNAL API: an operator's call ({@link ObjectCommand.Admin}): it takes its turn with requests
 * and runs against the call's transaction like the object's own code, but runs the runtime's code:
 * a page of the object's entries with its metadata, or a delete of every key.
 *
 * <p>A delete is an erasure: its transaction deletes every key and alarm and forgets every
 * remembered idempotency key ({@link TransactionCommitted#forgetsRemembered()}); once it is
 * durable, every event and snapshot before it is deleted from the journal ({@link JournalHistory}),
 * and only then does the operator get the answer. Its own event stays, last of what is left:
 * whichever part of the history a failed deletion leaves, replaying it ends empty.
 */
final class AdminHandler implements CallHandler {
  private final EntityContext ctx;
  private final JournalHistory history;

  AdminHandler(EntityContext ctx) {
    this.ctx = ctx;
    this.history =
        new JournalHistory(
            ctx.actor.getSystem(),
            ctx.config.journalPluginId(),
            ctx.config.snapshotPluginId(),
            ctx.config.requestTimeout());
  }

  /** Whether {@code call} is an operator's delete, which erases the object. */
  static boolean erases(ObjectCommand.Call call) {
    return call instanceof ObjectCommand.Admin admin
        && admin.operation() == ObjectCommand.AdminOperation.DELETE_ALL;
  }

  /**
   * Commits an operator's delete ({@code event}, which forgets the remembered keys): its reply
   * waits until the batch is durable and the history before it is deleted from the journal.
   */
  void commitErasure(
      WorkingState working,
      TransactionalStorage tx,
      TransactionCommitted event,
      List<Runnable> effects,
      Batch.PendingReply reply) {
    working.forgetRemembered();
    // Its sequence number: every transaction before it is durable or waiting in the output gate.
    long erasure = working.lastSequenceNr() + ctx.output.unconfirmed() + 1;
    working.commit(
        tx,
        event,
        effects,
        new Batch.PendingReply(
            reply.replyTo(), reply.reply(), () -> eraseBefore(erasure, reply.reply())));
  }

  private CompletionStage<FetchReply> eraseBefore(long erasureSequenceNr, FetchReply deleted) {
    String persistenceId = ctx.identity.persistenceId().id();
    return history
        .erase(persistenceId, erasureSequenceNr - 1)
        .handle(
            (done, failure) -> {
              if (failure == null) {
                ctx.log.info(
                    "Object {}: its journal history before event {} is deleted",
                    ctx.hex(),
                    erasureSequenceNr);
                return deleted;
              }
              Throwable cause =
                  failure instanceof CompletionException && failure.getCause() != null
                      ? failure.getCause()
                      : failure;
              ctx.log.warn(
                  "Object {}: its keys are deleted, but not its journal history: {}",
                  ctx.hex(),
                  cause.toString());
              return FetchReply.Failed.of(
                  cause instanceof DurableObjectException e
                      ? e
                      : new DurableObjectException(
                          503,
                          "unavailable",
                          "the object's data is deleted, but the journal could not delete its"
                              + " history ("
                              + cause
                              + "): retry the delete"));
            });
  }

  @Override
  public CompletableFuture<FetchReply> run(ObjectCommand.Call call, Turn turn) {
    ObjectCommand.Admin admin = (ObjectCommand.Admin) call;
    KeyValueState data = turn.working().data();
    Logger log = ctx.log;
    if (admin.operation() == ObjectCommand.AdminOperation.DELETE_ALL) {
      int keys = data.size();
      turn.tx().deleteAll();
      log.info("Object {} deleted all {} keys on an operator's request", ctx.hex(), keys);
      return CompletableFuture.completedFuture(new FetchReply.Deleted(keys));
    }
    List<String> keys = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    Iterator<Map.Entry<String, byte[]>> it = data.scan(admin.afterKey(), false, null, false);
    long pageBytes = 0;
    // A page also ends at INSPECT_PAGE_BYTES, so that the reply fits one remoting frame (Artery's
    // default is 256 KiB) when the caller is on another node: at least one entry, whatever its
    // size.
    while (it.hasNext()
        && keys.size() < admin.limit()
        && pageBytes < ObjectEntity.INSPECT_PAGE_BYTES) {
      Map.Entry<String, byte[]> entry = it.next();
      keys.add(entry.getKey());
      values.add(entry.getValue());
      pageBytes += entry.getKey().length() * 3L + entry.getValue().length;
    }
    String nextCursor = it.hasNext() ? keys.get(keys.size() - 1) : null;
    // Counts what the reply may reveal: writes not yet durable are held by the output gate.
    long sequenceNr = turn.working().lastSequenceNr() + ctx.output.unconfirmed();
    return CompletableFuture.completedFuture(
        new FetchReply.Inspected(
            ctx.identity.name(),
            data.size(),
            turn.working().size().reported(),
            sequenceNr,
            turn.working().lastWriteMillis(),
            keys,
            values,
            nextCursor,
            turn.working().alarms().all(),
            turn.working().sockets().all(),
            ctx.startedMillis));
  }
}

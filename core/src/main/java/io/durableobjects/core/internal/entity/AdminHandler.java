package io.durableobjects.core.internal.entity;

import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.internal.history.EntryPage;
import io.durableobjects.core.internal.history.HistoryPoint;
import io.durableobjects.core.internal.history.JournalEvents;
import io.durableobjects.core.internal.history.JournalHistory;
import io.durableobjects.core.internal.history.PastStates;
import io.durableobjects.core.internal.storage.KeyValueState;
import io.durableobjects.core.internal.storage.TransactionalStorage;
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
  private PastStates past; // made on the first restore: most objects never see one
  // The state a restore read (on another thread), applied once its stage completed (finish).
  private volatile PastStates.PastState restoring;

  AdminHandler(EntityContext ctx) {
    this.ctx = ctx;
    this.history =
        new JournalHistory(
            ctx.actor.getSystem(),
            ctx.config.journalPluginId(),
            ctx.config.snapshotPluginId(),
            ctx.config.requestTimeout());
  }

  private PastStates past() {
    if (past == null) {
      past =
          new PastStates(
              new JournalEvents(
                  ctx.actor.getSystem(),
                  ctx.config.journalPluginId(),
                  ctx.config.snapshotPluginId(),
                  ctx.config.requestTimeout()));
    }
    return past;
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

  /**
   * A restore's state, read by {@link #run}, replaces the keys and alarms in the call's
   * transaction: one transaction that deletes everything, then writes each key and alarm of that
   * state, so that the restore is in the object's history like any write. Sockets and remembered
   * idempotency keys are the object's present, not its data: they stay.
   */
  @Override
  public Outcome finish(ObjectCommand.Call call, Turn turn, Outcome outcome) {
    PastStates.PastState state = restoring;
    restoring = null;
    if (state == null || outcome.failure() != null) {
      return outcome;
    }
    TransactionalStorage tx = turn.tx();
    tx.deleteAll();
    Iterator<Map.Entry<String, byte[]>> entries = state.state().data().iterator();
    try {
      while (entries.hasNext()) {
        Map.Entry<String, byte[]> entry = entries.next();
        tx.putEncoded(entry.getKey(), entry.getValue());
      }
    } catch (DurableObjectException tooLarge) { // the limits changed since: nothing is written
      return new Outcome(null, tooLarge);
    }
    // The object's own alarms: the runtime's expiry alarm of then is not a deadline of now.
    state.state().alarms().userAlarms().forEach(tx::putAlarm);
    ctx.log.info(
        "Object {} restored to sequence number {} of {} on an operator's request",
        ctx.hex(),
        state.sequenceNr(),
        ((ObjectCommand.Admin) call).source());
    return outcome;
  }

  @Override
  public CompletableFuture<FetchReply> run(ObjectCommand.Call call, Turn turn) {
    ObjectCommand.Admin admin = (ObjectCommand.Admin) call;
    KeyValueState data = turn.working().data();
    Logger log = ctx.log;
    if (admin.operation() == ObjectCommand.AdminOperation.RESTORE) {
      restoring = null;
      return past()
          .at(admin.source(), HistoryPoint.parse(admin.asOf()))
          .thenApply(
              state -> {
                restoring = state;
                return (FetchReply)
                    new FetchReply.Restored(state.sequenceNr(), state.state().data().size());
              })
          .toCompletableFuture();
    }
    if (admin.operation() == ObjectCommand.AdminOperation.DELETE_ALL) {
      int keys = data.size();
      turn.tx().deleteAll();
      log.info("Object {} deleted all {} keys on an operator's request", ctx.hex(), keys);
      return CompletableFuture.completedFuture(new FetchReply.Deleted(keys));
    }
    // A page also ends at INSPECT_PAGE_BYTES, so that the reply fits one remoting frame (Artery's
    // default is 256 KiB) when the caller is on another node.
    EntryPage page =
        EntryPage.of(data, admin.afterKey(), admin.limit(), ObjectEntity.INSPECT_PAGE_BYTES);
    // Counts what the reply may reveal: writes not yet durable are held by the output gate.
    long sequenceNr = turn.working().lastSequenceNr() + ctx.output.unconfirmed();
    return CompletableFuture.completedFuture(
        new FetchReply.Inspected(
            ctx.identity.name(),
            data.size(),
            turn.working().size().reported(),
            sequenceNr,
            turn.working().lastWriteMillis(),
            page.keys(),
            page.values(),
            page.nextCursor(),
            turn.working().alarms().userAlarms(), // not the runtime's expiry alarm
            turn.working().sockets().all(),
            ctx.startedMillis));
  }
}

package io.durableobjects.core.internal.entity;

import io.durableobjects.core.internal.storage.KeyValueState;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;

/**
 * INTERNAL API: an operator's call ({@link ObjectCommand.Admin}): it takes its turn with requests
 * and runs against the call's transaction like the object's own code, but runs the runtime's code:
 * a page of the object's entries with its metadata, or a delete of every key.
 */
final class AdminHandler implements CallHandler {
  private final EntityContext ctx;

  AdminHandler(EntityContext ctx) {
    this.ctx = ctx;
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
            data.bytes(),
            sequenceNr,
            turn.working().lastWriteMillis(),
            keys,
            values,
            nextCursor,
            turn.working().alarms().all()));
  }
}

package io.durableobjects.core.internal.entity;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.core.TestTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.persistence.testkit.JournalOperation;
import org.apache.pekko.persistence.testkit.ProcessingPolicy;
import org.apache.pekko.persistence.testkit.ProcessingResult;
import org.apache.pekko.persistence.testkit.ProcessingSuccess;
import org.apache.pekko.persistence.testkit.StorageFailure;
import org.apache.pekko.persistence.testkit.WriteEvents;

/**
 * A journal policy that holds the first write of one object until the test releases it, then lets
 * it succeed or fail; it records how many events each of that object's writes carried. The one way
 * core's tests hold a write in flight, at the entity's level and at a node's.
 */
public final class HeldWrite implements ProcessingPolicy<JournalOperation> {
  public final List<Integer> writes = new CopyOnWriteArrayList<>();
  private final String persistenceId;
  private final AtomicBoolean first = new AtomicBoolean(true);
  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile boolean fail;

  public HeldWrite(String persistenceId) {
    this.persistenceId = persistenceId;
  }

  @Override
  public ProcessingResult tryProcess(String id, JournalOperation operation) {
    if (operation instanceof WriteEvents write && id.equals(persistenceId)) {
      writes.add(write.getBatch().size());
      if (first.compareAndSet(true, false)) {
        entered.countDown();
        try {
          // Bounded so that a test that forgot to release cannot block the journal for good.
          released.await(TestTime.PROMPT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        if (fail) {
          return StorageFailure.create(new RuntimeException("injected journal failure"));
        }
      }
    }
    return ProcessingSuccess.getInstance();
  }

  /** Waits until the held write reached the journal. */
  public void awaitHeld() throws InterruptedException {
    assertThat(entered.await(TestTime.PROMPT.toMillis(), TimeUnit.MILLISECONDS))
        .as("the write reached the journal")
        .isTrue();
  }

  /** Lets the held write succeed. */
  public void succeed() {
    released.countDown();
  }

  /** Lets the held write fail, as a journal that cannot write would. */
  public void fail() {
    fail = true;
    released.countDown();
  }
}

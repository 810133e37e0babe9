package io.durableobjects.core.internal.entity;

import static org.assertj.core.api.Assertions.assertThat;

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
 * A journal policy that holds the first write of one object until the test releases it, then
 * lets it succeed or fail; it records how many events each of that object's writes carried.
 */
final class HeldWrite implements ProcessingPolicy<JournalOperation> {
  final List<Integer> writes = new CopyOnWriteArrayList<>();
  private final String persistenceId;
  private final AtomicBoolean first = new AtomicBoolean(true);
  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile boolean fail;

  HeldWrite(String persistenceId) {
    this.persistenceId = persistenceId;
  }

  @Override
  public ProcessingResult tryProcess(String id, JournalOperation operation) {
    if (operation instanceof WriteEvents write && id.equals(persistenceId)) {
      writes.add(write.getBatch().size());
      if (first.compareAndSet(true, false)) {
        entered.countDown();
        try {
          released.await(10, TimeUnit.SECONDS);
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

  void awaitHeld() throws InterruptedException {
    assertThat(entered.await(10, TimeUnit.SECONDS)).as("the write reached the journal").isTrue();
  }

  void succeed() {
    released.countDown();
  }

  void fail() {
    fail = true;
    released.countDown();
  }
}

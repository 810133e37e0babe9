package io.durableobjects.core.internal.entity;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.core.TestTime;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.persistence.testkit.JournalOperation;
import org.apache.pekko.persistence.testkit.ProcessingPolicy;
import org.apache.pekko.persistence.testkit.ProcessingResult;
import org.apache.pekko.persistence.testkit.ProcessingSuccess;
import org.apache.pekko.persistence.testkit.StorageFailure;
import org.apache.pekko.persistence.testkit.WriteEvents;

/**
 * A journal policy that holds each write of one object until the test releases (or fails) it, one
 * at a time, and tells the test how many events each carries.
 */
public final class SteppedWrites implements ProcessingPolicy<JournalOperation> {
  private final String persistenceId;
  private final BlockingQueue<Integer> entered = new LinkedBlockingQueue<>();
  private final Semaphore released = new Semaphore(0);
  private volatile boolean failNext;
  private volatile boolean open;

  public SteppedWrites(String persistenceId) {
    this.persistenceId = persistenceId;
  }

  @Override
  public ProcessingResult tryProcess(String id, JournalOperation operation) {
    if (open || !(operation instanceof WriteEvents write) || !id.equals(persistenceId)) {
      return ProcessingSuccess.getInstance();
    }
    entered.add(write.getBatch().size());
    try {
      // Bounded so that a test that forgot to release cannot block the journal for good.
      released.tryAcquire(TestTime.PROMPT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failNext) {
      failNext = false;
      return StorageFailure.create(new RuntimeException("injected journal failure"));
    }
    return ProcessingSuccess.getInstance();
  }

  /** The number of events of the next write to reach the journal, which is now held. */
  public int nextWrite() throws InterruptedException {
    Integer size = entered.poll(TestTime.PROMPT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(size).as("a write reached the journal").isNotNull();
    return size;
  }

  /** Lets the held write succeed. */
  public void release() {
    released.release();
  }

  /** Lets the held write fail. */
  public void fail() {
    failNext = true;
    released.release();
  }

  /** Holds no more writes. */
  public void open() {
    open = true;
    released.release(100);
  }
}

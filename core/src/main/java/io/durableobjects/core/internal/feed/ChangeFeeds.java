package io.durableobjects.core.internal.feed;

import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.ObjectChange;
import io.durableobjects.core.internal.ShardedNamespace;
import io.durableobjects.core.internal.history.JournalEvents;
import io.durableobjects.core.internal.history.KeyFilter;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.stream.BufferOverflowException;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSource;

/**
 * INTERNAL API: the change feeds of one namespace's objects, as streams ({@link
 * io.durableobjects.core.DurableObjectStub#changes(long)}): each stream runs a {@link
 * FeedSubscriber} at the consumer's node.
 */
public final class ChangeFeeds {
  /** Changes that may wait for a slow consumer before its feed ends (it resumes from its last). */
  static final int BUFFER = 4096;

  private final ActorSystem<?> system;
  private final String namespace;
  private final JournalEvents journal;
  private final KeyFilter filter;
  private final String className;

  public ChangeFeeds(
      ActorSystem<?> system, String namespace, Class<?> objectClass, JournalEvents journal) {
    this.system = system;
    this.namespace = namespace;
    this.journal = journal;
    this.filter = KeyFilter.of(objectClass);
    this.className = objectClass.getName();
  }

  /**
   * The transactions of {@code id} after {@code afterSequenceNr} (-1: from now on); the
   * materialized stage completes with the object's durable sequence number once it took the
   * subscription.
   */
  public Source<ObjectChange, CompletionStage<Long>> changes(
      DurableObjectId id, long afterSequenceNr) {
    if (!filter.enabled()) {
      return Source.<ObjectChange>failed(
              new DurableObjectException(
                  404,
                  "feed_disabled",
                  "objects of namespace '"
                      + namespace
                      + "' have no change feed ("
                      + className
                      + " is annotated @ChangeFeed(enabled = false))"))
          .mapMaterializedValue(unused -> new CompletableFuture<Long>());
    }
    String persistenceId = ShardedNamespace.persistenceId(id);
    return ActorSource.<FeedSubscriber.FeedOutput>actorRef(
            output -> false,
            output ->
                output instanceof FeedSubscriber.FeedOutput.Failed failed
                    ? Optional.of(failed.error())
                    : Optional.empty(),
            BUFFER,
            OverflowStrategy.fail())
        .mapMaterializedValue(
            out -> {
              CompletableFuture<Long> subscribed = new CompletableFuture<>();
              system.systemActorOf(
                  FeedSubscriber.create(
                      new FeedSubscriber.Followed(
                          ClusterSharding.get(system)
                              .entityRefFor(ShardedNamespace.typeKey(namespace), id.toString()),
                          id.name().orElse(null),
                          persistenceId,
                          journal,
                          filter),
                      afterSequenceNr,
                      out,
                      subscribed),
                  "change-feed-" + UUID.randomUUID(),
                  Props.empty());
              return (CompletionStage<Long>) subscribed;
            })
        .mapError(
            new PFBuilder<Throwable, Throwable>()
                .match(
                    BufferOverflowException.class,
                    overflow ->
                        new DurableObjectException(
                            503,
                            "feed_overflow",
                            "the consumer fell more than "
                                + BUFFER
                                + " changes behind the object; resume from the last event ID"))
                .build())
        .collect(
            new PFBuilder<FeedSubscriber.FeedOutput, ObjectChange>()
                .match(FeedSubscriber.FeedOutput.Change.class, change -> change.change())
                .build());
  }
}

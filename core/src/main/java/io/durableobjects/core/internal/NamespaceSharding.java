package io.durableobjects.core.internal;

import io.durableobjects.core.internal.entity.ObjectCommand;
import io.durableobjects.core.internal.entity.ObjectEntity;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.persistence.typed.PersistenceId;

/**
 * INTERNAL API: starts Cluster Sharding for one namespace on this node: its entity type ({@link
 * ShardedNamespace#typeKey}), the entities' configuration read from the node's settings, and
 * passivation (the namespace's idle timeout, the node's cap on active objects).
 */
final class NamespaceSharding {
  private NamespaceSharding() {}

  static void init(
      ActorSystem<?> system,
      NamespaceSettings namespace,
      DurableObjectsSettings settings,
      NodeServices services) {
    ObjectEntity.Config entityConfig = ObjectEntity.Config.of(namespace, settings, services);
    ClusterShardingSettings shardingSettings = ClusterShardingSettings.create(system);
    shardingSettings =
        shardingSettings.withPassivationStrategy(
            shardingSettings
                .passivationStrategySettings()
                .withIdleEntityPassivation(namespace.idleTimeout().orElse(settings.idleTimeout()))
                .withActiveEntityLimit(settings.activeObjectLimit())
                .withLeastRecentlyUsedReplacement());
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    ShardedNamespace.typeKey(namespace.name()),
                    ctx ->
                        ObjectEntity.create(
                            entityConfig,
                            PersistenceId.of(ctx.getEntityTypeKey().name(), ctx.getEntityId()),
                            ctx.getEntityId(),
                            ctx.getShard()))
                .withStopMessage(ObjectCommand.Stop.INSTANCE)
                .withSettings(shardingSettings));
  }
}

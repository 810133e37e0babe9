package io.durableobjects.examples;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.cassandra.testkit.CassandraExtension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: one {@link InJvmCluster} for every test class of the run that asks for one (a
 * parameter of type {@code InJvmCluster}), on the run's one Cassandra. Forming a cluster is what
 * these tests would otherwise repeat; nodes joining a running cluster are much cheaper. The cluster
 * lives in the root {@link ExtensionContext} store and JUnit closes it at the end of the run.
 * Register it after {@link CassandraExtension}:
 *
 * <pre>
 * &#64;ExtendWith({CassandraExtension.class, SharedInJvmCluster.class})
 * class MyIT {
 *   &#64;Test void test(InJvmCluster cluster) { cluster.ensureNodes(3); ... }
 * }
 * </pre>
 *
 * <p>A test may stop, cut off or down nodes; the next one calls {@link InJvmCluster#ensureNodes}
 * for the size it needs. Every node has the configuration of all the tests ({@link #CONFIG}); the
 * tests keep apart by object names.
 */
final class SharedInJvmCluster implements ParameterResolver {
  /**
   * What the tests on the shared cluster need: the probe namespace, a split-brain resolver that
   * decides in 3 s instead of 20 (it is also the margin sharding waits before it starts a downed
   * node's objects elsewhere) yet, before it downs every node, tolerates about as long an unstable
   * membership (down-all-when-unstable) as with the 5 s these tests had, and Artery's test mode,
   * which lets {@link InJvmCluster#isolate} cut a node off.
   */
  static final Config CONFIG =
      ConfigFactory.parseString(
          """
          durable-objects.namespaces.probe.class = "io.durableobjects.examples.SingletonProbe"
          pekko.cluster.split-brain-resolver.stable-after = 3s
          pekko.cluster.split-brain-resolver.down-all-when-unstable = 4s
          pekko.remote.artery.advanced.test-mode = on
          """);

  private static final Namespace NAMESPACE = Namespace.create(SharedInJvmCluster.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == InJvmCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            InJvmCluster.class,
            type ->
                new InJvmCluster(
                    new NodeFixture(SharedInJvmCluster.class, CassandraExtension.cassandra()),
                    CONFIG),
            InJvmCluster.class);
  }
}

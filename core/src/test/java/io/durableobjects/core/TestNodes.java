package io.durableobjects.core;

import com.typesafe.config.ConfigFactory;
import io.durableobjects.testsupport.OneNodeCluster;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;

/**
 * One-node clusters for the runtime's tests: the persistence testkit's in-memory journal and
 * snapshot store, every cross-node message through the serializer, joined and Up on return. The
 * shared harness behind it is {@link OneNodeCluster} (test-support), which the examples' tests use
 * too.
 */
final class TestNodes {
  private TestNodes() {}

  /** Starts a node named {@code name} with {@code hocon} on top of the test defaults. */
  static ActorTestKit start(String name, String hocon) {
    return OneNodeCluster.start(name, ConfigFactory.parseString(hocon), ConfigFactory.empty());
  }
}

package io.durableobjects.core.internal;

import com.typesafe.config.Config;
import io.durableobjects.core.DurableObjectEnv;
import io.durableobjects.core.DurableObjectNamespace;
import io.durableobjects.core.DurableObjects;
import java.util.Set;

/**
 * INTERNAL API: the {@link DurableObjectEnv} of one object: the node's namespaces, each seen
 * through the object's {@link CallOrigin}, so that calls carry its call chain and pass its output
 * gate.
 */
public final class CallingEnv implements DurableObjectEnv {
  private final DurableObjects objects;
  private final CallOrigin origin;

  public CallingEnv(DurableObjects objects, CallOrigin origin) {
    this.objects = objects;
    this.origin = origin;
  }

  @Override
  public DurableObjectNamespace namespace(String name) {
    return ((ShardedNamespace) objects.namespace(name)).withCallOrigin(origin);
  }

  @Override
  public Set<String> namespaceNames() {
    return objects.namespaceNames();
  }

  @Override
  public Config config() {
    return objects.config();
  }
}

package io.durableobjects.core;

import com.typesafe.config.Config;
import java.util.Set;

/**
 * What an object reaches beyond itself ({@link DurableObjectState#env()}): the namespaces of its
 * node, to call other objects (or itself), and the node's configuration, for settings of its own.
 *
 * <pre>{@code
 * DurableObjectStub counter = state.env().namespace("counter").getByName("visits");
 * Config mine = state.env().config().getConfig("my-app.limits");
 * }</pre>
 *
 * <p><b>Calls carry the caller.</b> A call made through these namespaces (fetch or RPC) carries the
 * object's call chain, so a call that comes back to it (A → B → A) is let in instead of waiting for
 * itself, and it passes the object's output gate: it leaves only once every write this object
 * committed before the call is durable (see {@link DurableObjectState#env()} for what that covers).
 *
 * <p>Operator functions (listing, inspecting and deleting objects) are not here: they are the
 * node's, in {@link DurableObjects#admin()}.
 */
public interface DurableObjectEnv {

  /**
   * The namespace of this name, whose stubs' calls carry this object's call chain.
   *
   * @throws UnknownNamespaceException if it is not configured
   */
  DurableObjectNamespace namespace(String name);

  /** The names of all configured namespaces, sorted. */
  Set<String> namespaceNames();

  /**
   * The node's configuration: where an object reads settings of its own, so that every node
   * configured alike gives it the same values.
   */
  Config config();
}

package io.durableobjects.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.DurableObjectNamespace;
import io.durableobjects.core.DurableObjectStub;
import io.durableobjects.core.Header;
import io.durableobjects.core.InvalidObjectIdException;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.core.UnknownNamespaceException;
import io.durableobjects.core.admin.ActiveObjects;
import io.durableobjects.core.admin.ObjectAdmin;
import io.durableobjects.core.admin.ObjectInspection;
import io.durableobjects.core.internal.IdempotencyKeys;
import io.durableobjects.core.internal.ObjectIdFactory;
import io.durableobjects.core.spi.CatalogPage;
import io.durableobjects.gateway.internal.ClusterView;
import io.durableobjects.gateway.internal.DrainDeadline;
import io.durableobjects.gateway.testing.GatewayNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * The gateway's whole HTTP surface, assembled as a node assembles it ({@link
 * GatewayAssembly#routes}) and bound on a free port, in front of scripted namespaces: public {@link
 * DurableObjectNamespace}s whose objects answer what each test scripts. No cluster, no journal: a
 * test of the gateway's translation (statuses, error bodies, headers, auth, limits) runs in
 * milliseconds. Configured like {@link GatewayNode} (same tokens; object-traffic auth off unless
 * the overrides turn it on).
 */
final class ScriptedGateway implements AutoCloseable {

  /** How the objects of a scripted namespace answer. */
  @FunctionalInterface
  interface Script {
    CompletionStage<Response> fetch(DurableObjectId id, Request request);
  }

  /**
   * How the objects of a scripted namespace answer RPC calls by name ({@link
   * DurableObjectStub#rpcJson}): the JSON result, or a failure as the runtime fails a call.
   */
  @FunctionalInterface
  interface RpcScript {
    CompletionStage<String> rpcJson(RpcCall call);
  }

  /**
   * An RPC call as the object got it: the object, the method, the JSON arguments, and the
   * Idempotency-Key the call carried (the stub's, from {@link
   * DurableObjectStub#withIdempotencyKey}).
   */
  record RpcCall(
      DurableObjectId id, String method, String jsonArguments, Optional<String> idempotencyKey) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern HEX_ID = Pattern.compile("[0-9a-f]{64}");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The address the scripted node's cluster view gives itself. */
  static final String SELF = "pekko://scripted-gateway@127.0.0.1:25520";

  private final ActorSystem<Void> system;
  private final ServerBinding binding;

  private ScriptedGateway(ActorSystem<Void> system, ServerBinding binding) {
    this.system = system;
    this.binding = binding;
  }

  /**
   * A gateway for {@code scripts} (namespace name to script), configured with {@code overrides}.
   */
  static ScriptedGateway start(Config overrides, Map<String, Script> scripts) {
    return start(overrides, scripts, Map.of());
  }

  /**
   * Like {@link #start(Config, Map)}, and the objects of the namespaces in {@code rpcScripts}
   * answer RPC calls by name from their script (those of the other namespaces make no RPC calls).
   */
  static ScriptedGateway start(
      Config overrides, Map<String, Script> scripts, Map<String, RpcScript> rpcScripts) {
    Config config =
        DurableObjectsServer.loadConfig(
            overrides.withFallback(
                ConfigFactory.parseString(
                    """
                    pekko.actor.provider = local
                    pekko.loglevel = WARNING
                    durable-objects.http.port = 0
                    durable-objects.http.auth.admin-token = "%s"
                    durable-objects.http.auth.tokens = "%s,%s"
                    """
                        .formatted(
                            GatewayNode.ADMIN_TOKEN,
                            GatewayNode.API_TOKEN,
                            GatewayNode.TEST_ONLY_TOKEN))));
    GatewaySettings settings = GatewaySettings.fromConfig(config);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "scripted-gateway", config);
    try {
      Map<String, DurableObjectNamespace> namespaces = new TreeMap<>();
      scripts.forEach(
          (name, script) ->
              namespaces.put(name, new ScriptedNamespace(name, script, rpcScripts.get(name))));
      PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      GatewayRoutes routes =
          GatewayAssembly.routes(
              name -> {
                DurableObjectNamespace namespace = namespaces.get(name);
                if (namespace == null) {
                  throw new UnknownNamespaceException(name, namespaces.keySet());
                }
                return namespace;
              },
              new ScriptedAdmin(scripts.keySet()),
              prometheus,
              settings,
              StaticPages.none(),
              prometheus,
              () -> null,
              new DrainDeadline(),
              null,
              // One member: this scripted node, as a real one-node cluster lists itself.
              () ->
                  new ClusterView.State(
                      SELF,
                      Optional.of(SELF),
                      List.of(new ClusterView.Member(SELF, "up", List.of(), "default", true))));
      ServerBinding binding =
          GatewayAssembly.bind(system, settings, routes)
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      return new ScriptedGateway(system, binding);
    } catch (Exception e) {
      system.terminate();
      throw new IllegalStateException("the scripted gateway did not start", e);
    }
  }

  /** {@code http://127.0.0.1:<port>}. */
  String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  int port() {
    return binding.localAddress().getPort();
  }

  @Override
  public void close() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }

  /** A script that echoes the request as JSON, like {@code TestObject}'s echo. */
  static CompletionStage<Response> echo(DurableObjectId id, Request request) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", id.toString());
    node.put("name", id.name().orElse(null));
    node.put("method", request.method());
    node.put("path", request.path());
    node.put("query", request.query().orElse(null));
    ObjectNode headers = node.putObject("headers");
    for (Header h : request.headers()) {
      headers.put(h.name().toLowerCase(Locale.ROOT), h.value());
    }
    node.put("body", Base64.getEncoder().encodeToString(request.body()));
    return CompletableFuture.completedFuture(
        Response.bytes(node.toString().getBytes(StandardCharsets.UTF_8))
            .withHeader("Content-Type", "application/json"));
  }

  /**
   * A namespace of scripted objects. Its IDs look like the runtime's (64 lowercase hex characters,
   * the same for the same name) and anything else is refused the way the runtime refuses it; so are
   * invalid Idempotency-Keys.
   */
  private static final class ScriptedNamespace implements DurableObjectNamespace {
    private final String name;
    private final Script script;
    private final RpcScript rpcScript;

    ScriptedNamespace(String name, Script script, RpcScript rpcScript) {
      this.name = name;
      this.script = script;
      this.rpcScript = rpcScript;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public DurableObjectId idFromName(String objectName) {
      if (objectName == null || objectName.isEmpty()) {
        throw new IllegalArgumentException("an object name must not be null or empty");
      }
      return ObjectIdFactory.create(name, sha256(name + "/" + objectName), objectName);
    }

    @Override
    public DurableObjectId newUniqueId() {
      byte[] random = new byte[32];
      RANDOM.nextBytes(random);
      return ObjectIdFactory.create(name, HexFormat.of().formatHex(random), null);
    }

    @Override
    public DurableObjectId idFromString(String hex) {
      if (hex == null || !HEX_ID.matcher(hex).matches()) {
        throw new InvalidObjectIdException(
            "'" + hex + "' is not an ID of namespace '" + name + "': not 64 lowercase hex digits");
      }
      return ObjectIdFactory.create(name, hex, null);
    }

    @Override
    public DurableObjectStub get(DurableObjectId id) {
      return stub(id, Optional.empty());
    }

    private DurableObjectStub stub(DurableObjectId id, Optional<String> idempotencyKey) {
      return new DurableObjectStub() {
        @Override
        public DurableObjectId id() {
          return id;
        }

        @Override
        public DurableObjectStub withIdempotencyKey(String key) {
          String problem = key == null ? "the key is missing" : IdempotencyKeys.problem(key);
          if (problem != null) {
            throw new IllegalArgumentException(problem);
          }
          return stub(id, Optional.of(key));
        }

        @Override
        public <T> T rpc(Class<T> rpcInterface) {
          throw new UnsupportedOperationException("the gateway calls RPC methods by name");
        }

        @Override
        public CompletionStage<Response> fetch(Request request) {
          return script.fetch(id, request);
        }

        @Override
        public CompletionStage<String> rpcJson(String method, String jsonArguments) {
          if (rpcScript == null) {
            throw new UnsupportedOperationException("namespace " + name + " has no RPC script");
          }
          return rpcScript.rpcJson(new RpcCall(id, method, jsonArguments, idempotencyKey));
        }
      };
    }

    private static String sha256(String text) {
      try {
        return HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** An admin API over namespaces without objects: every listing is empty, the catalog is up. */
  private static final class ScriptedAdmin implements ObjectAdmin {
    private final Map<String, String> namespaces = new TreeMap<>();

    ScriptedAdmin(java.util.Set<String> names) {
      names.forEach(name -> namespaces.put(name, "scripted." + name));
    }

    @Override
    public Map<String, String> namespaces() {
      return namespaces;
    }

    @Override
    public CompletionStage<CatalogPage> listObjects(
        String namespace, String idPrefix, Optional<String> afterId, int limit) {
      known(namespace);
      return CompletableFuture.completedFuture(new CatalogPage(List.of(), Optional.empty()));
    }

    @Override
    public CompletionStage<ActiveObjects> activeObjects(String namespace) {
      known(namespace);
      return CompletableFuture.completedFuture(new ActiveObjects(namespace, Map.of(SELF, 0), 0));
    }

    @Override
    public CompletionStage<ObjectInspection> inspect(
        DurableObjectId id, Optional<String> afterKey, int limit) {
      known(id.namespace());
      return CompletableFuture.completedFuture(
          new ObjectInspection(
              id.namespace(),
              id.toString(),
              id.name(),
              0,
              0,
              0,
              Optional.empty(),
              List.of(),
              Optional.empty(),
              List.of(),
              List.of(),
              Optional.empty()));
    }

    @Override
    public CompletionStage<Integer> deleteAll(DurableObjectId id) {
      known(id.namespace());
      return CompletableFuture.completedFuture(0);
    }

    @Override
    public CompletionStage<io.durableobjects.core.admin.HistoryPage> history(
        DurableObjectId id, long fromSequenceNr, int limit) {
      known(id.namespace());
      return CompletableFuture.completedFuture(
          new io.durableobjects.core.admin.HistoryPage(
              id.namespace(), id.toString(), 0, 0, List.of(), java.util.OptionalLong.empty()));
    }

    @Override
    public CompletionStage<io.durableobjects.core.admin.PastInspection> inspectAsOf(
        DurableObjectId id, String asOf, Optional<String> afterKey, int limit) {
      return inspect(id, afterKey, limit)
          .thenApply(
              inspection ->
                  new io.durableobjects.core.admin.PastInspection(inspection, 0, Optional.empty()));
    }

    @Override
    public CompletionStage<Long> restore(DurableObjectId id, String asOf) {
      known(id.namespace());
      return CompletableFuture.completedFuture(0L);
    }

    @Override
    public CompletionStage<Long> fork(DurableObjectId source, String asOf, DurableObjectId target) {
      known(source.namespace());
      return CompletableFuture.completedFuture(0L);
    }

    @Override
    public CompletionStage<Done> ping() {
      return CompletableFuture.completedFuture(Done.getInstance());
    }

    private void known(String namespace) {
      if (!namespaces.containsKey(namespace)) {
        throw new UnknownNamespaceException(namespace, namespaces.keySet());
      }
    }
  }
}

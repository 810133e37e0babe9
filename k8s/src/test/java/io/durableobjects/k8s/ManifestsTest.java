package io.durableobjects.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The manifests of k8s/: the base's files are valid Kubernetes resources (always checked, no tools
 * needed); and, where {@code kubectl} is installed, the base and both overlays render with {@code
 * kubectl kustomize}, every rendered resource is valid, and the project's invariants hold (probes
 * on the management port, rolling updates without unavailability, selectors that match the node
 * pods, the RBAC that discovery needs, only environment variables the node reads, resources and JVM
 * flags).
 */
class ManifestsTest {
  private static final Set<String> KUSTOMIZATIONS =
      Set.of("base", "overlays/local", "overlays/production");

  @Test
  void theBaseFilesAreValidKubernetesResources() {
    List<JsonNode> documents = Manifests.resourcesOf(Manifests.K8S.resolve("base"));
    assertThat(documents)
        .extracting(d -> d.path("kind").asText())
        .contains(
            "Deployment",
            "Role",
            "RoleBinding",
            "ServiceAccount",
            "Service",
            "PodDisruptionBudget",
            "NetworkPolicy",
            "Job");
    assertThat(documents.stream().flatMap(d -> KubernetesSchemaValidator.validate(d).stream()))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/local", "overlays/production"})
  void rendersValidatesAndKeepsTheInvariants(String kustomization) {
    assertThat(KUSTOMIZATIONS).contains(kustomization);
    List<JsonNode> rendered = Manifests.renderOrSkip(kustomization);

    List<String> problems = new ArrayList<>();
    rendered.forEach(r -> problems.addAll(KubernetesSchemaValidator.validate(r)));
    assertThat(problems).as("schema problems in k8s/%s", kustomization).isEmpty();

    new Invariants(kustomization, rendered).check();
  }

  /** The project's own rules for a rendering. */
  private static final class Invariants {
    private final String name;
    private final List<JsonNode> resources;

    Invariants(String name, List<JsonNode> resources) {
      this.name = name;
      this.resources = resources;
    }

    private List<JsonNode> ofKind(String kind) {
      return resources.stream().filter(r -> r.path("kind").asText().equals(kind)).toList();
    }

    private JsonNode one(String kind, String resourceName) {
      List<JsonNode> found =
          ofKind(kind).stream()
              .filter(r -> r.path("metadata").path("name").asText().equals(resourceName))
              .toList();
      assertThat(found).as("%s %s in k8s/%s", kind, resourceName, name).hasSize(1);
      return found.get(0);
    }

    /** The data of the ConfigMap whose rendered name is {@code renderedName}. */
    private Map<String, String> configMap(String renderedName) {
      Map<String, String> data = new LinkedHashMap<>();
      one("ConfigMap", renderedName)
          .path("data")
          .fields()
          .forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
      return data;
    }

    /** The environment a container gets from its envFrom ConfigMaps and its env entries. */
    private Map<String, String> environment(JsonNode container) {
      Map<String, String> env = new HashMap<>();
      for (JsonNode from : container.path("envFrom")) {
        assertThat(from.has("configMapRef")).as("only ConfigMaps in envFrom").isTrue();
        env.putAll(configMap(from.path("configMapRef").path("name").asText()));
      }
      for (JsonNode var : container.path("env")) {
        env.put(var.path("name").asText(), var.has("value") ? var.path("value").asText() : null);
      }
      return env;
    }

    void check() {
      JsonNode deployment = one("Deployment", "durable-objects");
      JsonNode spec = deployment.path("spec");
      JsonNode pod = spec.path("template");
      Map<String, String> podLabels = labels(pod.path("metadata").path("labels"));
      JsonNode node = container(pod, "node");
      Map<String, String> env = environment(node);

      // Rolling updates never take a node away before its replacement is ready.
      assertThat(spec.path("strategy").path("type").asText()).isEqualTo("RollingUpdate");
      assertThat(spec.path("strategy").path("rollingUpdate").path("maxUnavailable").asText())
          .isEqualTo("0");
      assertThat(podLabels).containsAllEntriesOf(labels(spec.path("selector").path("matchLabels")));

      // Ports: what the node binds (its settings) is what the manifests publish and probe.
      Map<String, Integer> ports = new HashMap<>();
      node.path("ports")
          .forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
      assertThat(ports)
          .containsEntry("http", Integer.parseInt(env.get("DO_HTTP_PORT")))
          .containsEntry("remoting", Integer.parseInt(env.get("DO_REMOTE_PORT")))
          .containsEntry("management", Integer.parseInt(env.get("DO_MANAGEMENT_PORT")));

      // Probes on the management port: /ready and /alive, and a startup probe.
      assertProbe(node, "readinessProbe", "/ready");
      assertProbe(node, "livenessProbe", "/alive");
      assertProbe(node, "startupProbe", "/alive");
      // The readiness check may take up to pekko.management.health-checks.check-timeout (3 s).
      assertThat(node.path("readinessProbe").path("timeoutSeconds").asInt()).isGreaterThan(3);

      // Management and bootstrap through the Kubernetes API, addressed by pod IP.
      assertThat(env)
          .containsEntry("DO_MANAGEMENT_ENABLED", "true")
          .containsEntry("DO_DISCOVERY_METHOD", "kubernetes-api")
          .doesNotContainKey("DO_SEED_NODES");
      for (String podIp : List.of("DO_REMOTE_HOST", "DO_MANAGEMENT_HOST")) {
        JsonNode var = envVar(node, podIp);
        assertThat(var.path("valueFrom").path("fieldRef").path("fieldPath").asText())
            .as("%s from the downward API", podIp)
            .isEqualTo("status.podIP");
      }
      // The bootstrap's label selector selects the node pods, and no other pods.
      Map<String, String> selector = parseSelector(env.get("DO_BOOTSTRAP_LABEL_SELECTOR"));
      assertThat(podLabels).containsAllEntriesOf(selector);
      for (JsonNode other : resources) {
        JsonNode template = other.path("spec").path("template");
        if (template.isObject() && other != deployment) {
          assertThat(labels(template.path("metadata").path("labels")).entrySet())
              .as(
                  "%s %s must not match the bootstrap selector",
                  other.path("kind").asText(), other.path("metadata").path("name").asText())
              .matches(entries -> !entries.containsAll(selector.entrySet()));
        }
      }
      assertThat(Integer.parseInt(env.get("DO_BOOTSTRAP_REQUIRED_CONTACT_POINTS")))
          .isBetween(1, spec.path("replicas").asInt());

      // The PodDisruptionBudget and the Service select the node pods.
      JsonNode pdb = one("PodDisruptionBudget", "durable-objects");
      assertThat(podLabels)
          .containsAllEntriesOf(labels(pdb.path("spec").path("selector").path("matchLabels")));
      assertThat(pdb.path("spec").path("maxUnavailable").asInt()).isEqualTo(1);
      JsonNode service = one("Service", "durable-objects");
      assertThat(podLabels).containsAllEntriesOf(labels(service.path("spec").path("selector")));
      service
          .path("spec")
          .path("ports")
          .forEach(p -> assertThat(ports).containsKey(p.path("targetPort").asText()));

      // RBAC: the nodes' ServiceAccount may get, watch and list pods.
      String account = pod.path("spec").path("serviceAccountName").asText();
      one("ServiceAccount", account);
      JsonNode binding = one("RoleBinding", "durable-objects-pod-reader");
      assertThat(binding.path("subjects").get(0).path("name").asText()).isEqualTo(account);
      JsonNode role = one("Role", binding.path("roleRef").path("name").asText());
      boolean grantsPods = false;
      for (JsonNode rule : role.path("rules")) {
        if (texts(rule.path("apiGroups")).contains("")
            && texts(rule.path("resources")).contains("pods")) {
          assertThat(texts(rule.path("verbs"))).contains("get", "watch", "list");
          grantsPods = true;
        }
      }
      assertThat(grantsPods).as("the Role grants access to pods").isTrue();

      // Shutdown: readiness off before the unbind, within the node's limit, and a grace period
      // that covers the drain (see deployment.yaml for the sum).
      String unready = env.get("DO_SHUTDOWN_UNREADY_DELAY");
      assertThat(unready).matches("[0-4]s");
      assertThat(pod.path("spec").path("terminationGracePeriodSeconds").asInt())
          .isGreaterThanOrEqualTo(Integer.parseInt(unready.replace("s", "")) + 40);

      // JVM flags follow the container's limits.
      String javaOpts = env.get("JAVA_OPTS");
      assertThat(javaOpts)
          .contains("-XX:MaxRAMPercentage=", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError");
      Matcher processors = Pattern.compile("-XX:ActiveProcessorCount=(\\d+)").matcher(javaOpts);
      assertThat(processors.find()).as("JAVA_OPTS sets -XX:ActiveProcessorCount").isTrue();
      assertThat(Double.parseDouble(processors.group(1)))
          .isLessThanOrEqualTo(
              Math.ceil(cpu(node.path("resources").path("limits").path("cpu").asText())));

      // Every workload container has requests and limits; every DO_ variable is one the code reads.
      Set<String> read = variablesTheCodeReads();
      for (JsonNode workload : resources) {
        JsonNode template = workload.path("spec").path("template");
        if (!template.isObject()) {
          continue;
        }
        for (JsonNode container : template.path("spec").path("containers")) {
          String where =
              workload.path("kind").asText()
                  + "/"
                  + workload.path("metadata").path("name").asText()
                  + " container "
                  + container.path("name").asText();
          for (String kind : List.of("requests", "limits")) {
            assertThat(container.path("resources").path(kind).has("cpu"))
                .as("%s: %s.cpu", where, kind)
                .isTrue();
            assertThat(container.path("resources").path(kind).has("memory"))
                .as("%s: %s.memory", where, kind)
                .isTrue();
          }
          Set<String> unknown = new TreeSet<>();
          for (String var : environment(container).keySet()) {
            if (var.startsWith("DO_") && !read.contains(var)) {
              unknown.add(var);
            }
          }
          assertThat(unknown)
              .as("%s sets variables no code reads (known: %s)", where, read)
              .isEmpty();
        }
      }

      // The schema Job runs a main class that exists, on the image's classpath (see Dockerfile).
      JsonNode job = one("Job", "durable-objects-schema");
      List<String> command =
          texts(container(job.path("spec").path("template"), "schema").path("command"));
      assertThat(command).contains("/app/lib/*");
      assertThat(mainClassExists(command.get(command.size() - 1))).isTrue();

      // A Cassandra the manifests run acknowledges writes only once its commit log is synced:
      // with periodic sync (the image's default) one replica loses the last 10 s on a crash.
      for (JsonNode cassandra : ofKind("StatefulSet")) {
        JsonNode container = container(cassandra.path("spec").path("template"), "cassandra");
        String startup =
            String.join(" ", texts(container.path("command")))
                + " "
                + String.join(" ", texts(container.path("args")));
        assertThat(startup)
            .as("k8s/%s: Cassandra's commit log sync", name)
            .contains("commitlog_sync: batch")
            .contains("/^commitlog_sync_period:/d")
            .contains("exec docker-entrypoint.sh cassandra -f");
      }
    }

    private static void assertProbe(JsonNode container, String probe, String path) {
      JsonNode get = container.path(probe).path("httpGet");
      assertThat(get.path("path").asText()).as(probe).isEqualTo(path);
      assertThat(get.path("port").asText()).as(probe + " port").isEqualTo("management");
    }
  }

  private static JsonNode container(JsonNode podTemplate, String name) {
    for (JsonNode container : podTemplate.path("spec").path("containers")) {
      if (container.path("name").asText().equals(name)) {
        return container;
      }
    }
    throw new AssertionError("no container " + name);
  }

  private static JsonNode envVar(JsonNode container, String name) {
    for (JsonNode var : container.path("env")) {
      if (var.path("name").asText().equals(name)) {
        return var;
      }
    }
    throw new AssertionError("no env var " + name);
  }

  private static Map<String, String> labels(JsonNode node) {
    Map<String, String> labels = new HashMap<>();
    node.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(n -> texts.add(n.asText()));
    return texts;
  }

  /** An equality-based label selector, {@code k=v[,k=v...]}. */
  static Map<String, String> parseSelector(String selector) {
    Map<String, String> pairs = new HashMap<>();
    for (String part : selector.split(",")) {
      String[] kv = part.strip().split("==?", 2);
      assertThat(kv).as("selector term '%s' is k=v", part).hasSize(2);
      pairs.put(kv[0].strip(), kv[1].strip());
    }
    return pairs;
  }

  private static double cpu(String quantity) {
    return quantity.endsWith("m")
        ? Double.parseDouble(quantity.substring(0, quantity.length() - 1)) / 1000
        : Double.parseDouble(quantity);
  }

  /**
   * The DO_ environment variables the project's code reads: {@code ${?DO_X}} in its configuration
   * files and the string literal {@code "DO_X"} in its main Java sources ({@code System.getenv}).
   */
  static Set<String> variablesTheCodeReads() {
    Set<String> read = new TreeSet<>();
    Pattern conf = Pattern.compile("\\$\\{\\?(DO_[A-Z0-9_]+)}");
    Pattern java = Pattern.compile("\"(DO_[A-Z0-9_]+)\"");
    try (Stream<Path> files = Files.walk(Manifests.REPO)) {
      for (Path file : files.filter(f -> f.toString().contains("/src/main/")).toList()) {
        String fileName = file.getFileName().toString();
        Pattern pattern =
            fileName.endsWith(".conf") ? conf : fileName.endsWith(".java") ? java : null;
        if (pattern != null && !file.toString().contains("/target/")) {
          Matcher m = pattern.matcher(Files.readString(file));
          while (m.find()) {
            read.add(m.group(1));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return read;
  }

  static boolean mainClassExists(String className) {
    String source = className.replace('.', '/') + ".java";
    try (Stream<Path> modules = Files.list(Manifests.REPO)) {
      return modules.anyMatch(m -> Files.isRegularFile(m.resolve("src/main/java").resolve(source)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void theCodeReadsTheVariablesTheManifestsRelyOn() {
    assertThat(variablesTheCodeReads())
        .contains(
            "DO_HTTP_HOST",
            "DO_HTTP_PORT",
            "DO_REMOTE_HOST",
            "DO_REMOTE_PORT",
            "DO_MANAGEMENT_ENABLED",
            "DO_MANAGEMENT_HOST",
            "DO_MANAGEMENT_PORT",
            "DO_DISCOVERY_METHOD",
            "DO_BOOTSTRAP_LABEL_SELECTOR",
            "DO_BOOTSTRAP_REQUIRED_CONTACT_POINTS",
            "DO_SHUTDOWN_UNREADY_DELAY",
            "DO_API_TOKENS",
            "DO_ADMIN_TOKEN",
            "DO_CASSANDRA_CONTACT_POINTS",
            "DO_CASSANDRA_DATACENTER",
            "DO_CASSANDRA_REPLICATION",
            "DO_CASSANDRA_CREATE_SCHEMA",
            "DO_CASSANDRA_USERNAME",
            "DO_CASSANDRA_PASSWORD",
            "DO_CASSANDRA_TLS",
            "DO_CASSANDRA_TRUSTSTORE_PATH",
            "DO_CASSANDRA_TRUSTSTORE_PASSWORD",
            "DO_REMOTE_TRANSPORT",
            "DO_REMOTE_TLS_KEYSTORE",
            "DO_REMOTE_TLS_KEYSTORE_PASSWORD",
            "DO_REMOTE_TLS_TRUSTSTORE",
            "DO_REMOTE_TLS_TRUSTSTORE_PASSWORD",
            "DO_METRICS_TOKEN",
            "DO_SEED_NODES")
        .doesNotContain("DO_NOT_A_VARIABLE");
  }
}

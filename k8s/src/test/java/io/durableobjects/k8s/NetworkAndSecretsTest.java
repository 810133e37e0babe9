package io.durableobjects.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the renderings of k8s/ let in and where their secrets come from: the NetworkPolicy opens the
 * gateway port to all and remoting and management to the node pods only, no Service publishes more
 * than the gateway port, and credentials, tokens and TLS stores come from Secrets.
 */
class NetworkAndSecretsTest {
  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/local", "overlays/production"})
  void theNetworkPolicyOpensTheGatewayToAllAndTheClusterPortsToNodePodsOnly(String kustomization) {
    Rendering rendering = new Rendering(Manifests.renderOrSkip(kustomization));
    Map<String, String> podLabels = rendering.nodePodLabels();
    Map<String, Integer> ports = rendering.nodePorts();

    List<JsonNode> policies =
        rendering.ofKind("NetworkPolicy").stream()
            .filter(p -> matches(labels(p.path("spec").path("podSelector")), podLabels))
            .toList();
    assertThat(policies).as("a NetworkPolicy selects the node pods").hasSize(1);
    JsonNode spec = policies.get(0).path("spec");
    assertThat(texts(spec.path("policyTypes"))).contains("Ingress");

    Set<String> openToAll = new TreeSet<>();
    Set<String> openToNodes = new TreeSet<>();
    for (JsonNode rule : spec.path("ingress")) {
      Set<String> rulePorts = new TreeSet<>();
      assertThat(rule.path("ports").isEmpty())
          .as("an ingress rule without ports opens every port: %s", rule)
          .isFalse();
      for (JsonNode port : rule.path("ports")) {
        rulePorts.add(portName(port.path("port"), ports));
      }
      if (rule.path("from").isEmpty()) {
        openToAll.addAll(rulePorts);
        continue;
      }
      for (JsonNode peer : rule.path("from")) {
        // Only a pod selector (this namespace): a namespaceSelector or an ipBlock lets others in.
        assertThat(names(peer.fieldNames())).as("peer %s", peer).containsExactly("podSelector");
        Map<String, String> selector = labels(peer.path("podSelector"));
        assertThat(selector).as("the peer selects by label").isNotEmpty();
        assertThat(matches(selector, podLabels)).as("the peer selects the node pods").isTrue();
        for (Map<String, String> other : rendering.otherPodLabels()) {
          assertThat(matches(selector, other))
              .as("the peer %s must not select pods labelled %s", selector, other)
              .isFalse();
        }
      }
      openToNodes.addAll(rulePorts);
    }
    assertThat(openToAll).as("ports open to all").containsExactly("http");
    assertThat(openToNodes).as("ports open to the node pods").contains("remoting", "management");
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/local", "overlays/production"})
  void noServicePublishesMoreThanTheGatewayPort(String kustomization) {
    Rendering rendering = new Rendering(Manifests.renderOrSkip(kustomization));
    Map<String, String> podLabels = rendering.nodePodLabels();
    Map<String, Integer> ports = rendering.nodePorts();
    List<JsonNode> nodeServices =
        rendering.ofKind("Service").stream()
            .filter(s -> matches(labels(s.path("spec").path("selector")), podLabels))
            .toList();
    assertThat(nodeServices).extracting(s -> s.path("metadata").path("name").asText()).isNotEmpty();
    for (JsonNode service : nodeServices) {
      List<String> published = new ArrayList<>();
      service
          .path("spec")
          .path("ports")
          .forEach(p -> published.add(portName(p.path("targetPort"), ports)));
      assertThat(published)
          .as("Service %s publishes", service.path("metadata").path("name").asText())
          .containsExactly("http");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/local", "overlays/production"})
  void credentialsTokensAndTlsStoresComeFromSecrets(String kustomization) {
    Rendering rendering = new Rendering(Manifests.renderOrSkip(kustomization));
    JsonNode node = rendering.container("Deployment", "durable-objects", "node");
    JsonNode schema = rendering.container("Job", "durable-objects-schema", "schema");

    Map<String, String> nodeSecrets = new LinkedHashMap<>();
    nodeSecrets.put("DO_API_TOKENS", "durable-objects-auth/api-tokens");
    nodeSecrets.put("DO_ADMIN_TOKEN", "durable-objects-auth/admin-token");
    nodeSecrets.put("DO_METRICS_TOKEN", "durable-objects-auth/metrics-token");
    nodeSecrets.put(
        "DO_REMOTE_TLS_KEYSTORE_PASSWORD", "durable-objects-remote-tls/keystore-password");
    nodeSecrets.put(
        "DO_REMOTE_TLS_TRUSTSTORE_PASSWORD", "durable-objects-remote-tls/truststore-password");
    Map<String, String> cassandraSecrets =
        Map.of(
            "DO_CASSANDRA_USERNAME", "durable-objects-cassandra-auth/username",
            "DO_CASSANDRA_PASSWORD", "durable-objects-cassandra-auth/password",
            "DO_CASSANDRA_TRUSTSTORE_PASSWORD",
                "durable-objects-cassandra-tls/truststore-password");
    nodeSecrets.putAll(cassandraSecrets);
    assertThat(secretRefs(node)).containsAllEntriesOf(nodeSecrets);
    assertThat(secretRefs(schema)).containsAllEntriesOf(cassandraSecrets);

    // Optional Secrets (Cassandra's credentials, TLS stores, the metrics token) must not stop a
    // pod from starting where they are not created; the API tokens must exist.
    for (JsonNode container : List.of(node, schema)) {
      for (JsonNode var : container.path("env")) {
        JsonNode ref = var.path("valueFrom").path("secretKeyRef");
        String name = var.path("name").asText();
        if (ref.isObject() && !name.equals("DO_API_TOKENS") && !name.equals("DO_ADMIN_TOKEN")) {
          assertThat(ref.path("optional").asBoolean()).as("%s is optional", name).isTrue();
        }
      }
    }

    // No secret is a literal in a ConfigMap or an env value.
    for (JsonNode container : List.of(node, schema)) {
      for (String var : rendering.environment(container).keySet()) {
        if (var.matches("DO_.*(PASSWORD|TOKEN|TOKENS|USERNAME)")) {
          assertThat(secretRefs(container)).as("%s from a Secret", var).containsKey(var);
        }
      }
    }

    // The TLS stores the ConfigMaps name are inside a Secret's mount, of the Secret that holds
    // their passwords.
    assertStoreMounted(
        rendering, node, "DO_CASSANDRA_TRUSTSTORE_PATH", "durable-objects-cassandra-tls");
    assertStoreMounted(
        rendering, schema, "DO_CASSANDRA_TRUSTSTORE_PATH", "durable-objects-cassandra-tls");
    assertStoreMounted(rendering, node, "DO_REMOTE_TLS_KEYSTORE", "durable-objects-remote-tls");
    assertStoreMounted(rendering, node, "DO_REMOTE_TLS_TRUSTSTORE", "durable-objects-remote-tls");
    assertThat(rendering.environment(node))
        .containsEntry("DO_REMOTE_TRANSPORT", "tcp")
        .containsEntry("DO_CASSANDRA_TLS", "false");
  }

  private static void assertStoreMounted(
      Rendering rendering, JsonNode container, String variable, String secret) {
    String path = rendering.environment(container).get(variable);
    assertThat(path).as(variable).isNotNull();
    JsonNode pod = rendering.podSpecOf(container);
    Map<String, String> secretOfVolume = new HashMap<>();
    for (JsonNode volume : pod.path("volumes")) {
      if (volume.path("secret").isObject()) {
        secretOfVolume.put(
            volume.path("name").asText(), volume.path("secret").path("secretName").asText());
        assertThat(volume.path("secret").path("optional").asBoolean())
            .as("volume %s is optional", volume.path("name").asText())
            .isTrue();
      }
    }
    boolean mounted = false;
    for (JsonNode mount : container.path("volumeMounts")) {
      String dir = mount.path("mountPath").asText() + "/";
      if (path.startsWith(dir) && secret.equals(secretOfVolume.get(mount.path("name").asText()))) {
        assertThat(mount.path("readOnly").asBoolean()).as("%s read-only", dir).isTrue();
        mounted = true;
      }
    }
    assertThat(mounted).as("%s (%s) is in a mount of Secret %s", variable, path, secret).isTrue();
  }

  /** Variable name to "secret/key", for the env entries that read a Secret. */
  private static Map<String, String> secretRefs(JsonNode container) {
    Map<String, String> refs = new HashMap<>();
    for (JsonNode var : container.path("env")) {
      JsonNode ref = var.path("valueFrom").path("secretKeyRef");
      if (ref.isObject()) {
        refs.put(
            var.path("name").asText(), ref.path("name").asText() + "/" + ref.path("key").asText());
      }
    }
    return refs;
  }

  /** A port of a NetworkPolicy or a Service's targetPort, by name (numbers map to the name). */
  private static String portName(JsonNode port, Map<String, Integer> ports) {
    if (port.isInt()) {
      return ports.entrySet().stream()
          .filter(e -> e.getValue() == port.asInt())
          .map(Map.Entry::getKey)
          .findFirst()
          .orElse(String.valueOf(port.asInt()));
    }
    return port.asText();
  }

  /** Whether an equality selector (matchLabels, or a Service's selector) selects these labels. */
  private static boolean matches(Map<String, String> selector, Map<String, String> podLabels) {
    return podLabels.entrySet().containsAll(selector.entrySet());
  }

  private static Map<String, String> labels(JsonNode selector) {
    JsonNode node = selector.has("matchLabels") ? selector.path("matchLabels") : selector;
    assertThat(selector.has("matchExpressions")).as("only matchLabels in %s", selector).isFalse();
    Map<String, String> labels = new HashMap<>();
    node.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(n -> texts.add(n.asText()));
    return texts;
  }

  private static List<String> names(Iterator<String> names) {
    List<String> list = new ArrayList<>();
    names.forEachRemaining(list::add);
    return list;
  }

  /** Lookups in one rendering. */
  private record Rendering(List<JsonNode> resources) {
    List<JsonNode> ofKind(String kind) {
      return resources.stream().filter(r -> r.path("kind").asText().equals(kind)).toList();
    }

    JsonNode one(String kind, String name) {
      List<JsonNode> found =
          ofKind(kind).stream()
              .filter(r -> r.path("metadata").path("name").asText().equals(name))
              .toList();
      assertThat(found).as("%s %s", kind, name).hasSize(1);
      return found.get(0);
    }

    JsonNode container(String kind, String name, String container) {
      for (JsonNode c :
          one(kind, name).path("spec").path("template").path("spec").path("containers")) {
        if (c.path("name").asText().equals(container)) {
          return c;
        }
      }
      throw new AssertionError("no container " + container + " in " + kind + " " + name);
    }

    /** The pod spec holding this container. */
    JsonNode podSpecOf(JsonNode container) {
      for (JsonNode resource : resources) {
        JsonNode pod = resource.path("spec").path("template").path("spec");
        for (JsonNode c : pod.path("containers")) {
          if (c == container) {
            return pod;
          }
        }
      }
      throw new AssertionError("no pod holds container " + container.path("name").asText());
    }

    Map<String, String> nodePodLabels() {
      return labels(
          one("Deployment", "durable-objects")
              .path("spec")
              .path("template")
              .path("metadata")
              .path("labels"));
    }

    /** The labels of every other pod template (Cassandra, the schema Job). */
    List<Map<String, String>> otherPodLabels() {
      List<Map<String, String>> others = new ArrayList<>();
      for (JsonNode resource : resources) {
        JsonNode template = resource.path("spec").path("template");
        boolean isNodes =
            resource.path("kind").asText().equals("Deployment")
                && resource.path("metadata").path("name").asText().equals("durable-objects");
        if (template.isObject() && !isNodes) {
          others.add(labels(template.path("metadata").path("labels")));
        }
      }
      return others;
    }

    /** The node container's ports by name. */
    Map<String, Integer> nodePorts() {
      Map<String, Integer> ports = new HashMap<>();
      container("Deployment", "durable-objects", "node")
          .path("ports")
          .forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
      return ports;
    }

    /**
     * A container's environment: its envFrom ConfigMaps, then its env entries (null: from a ref).
     */
    Map<String, String> environment(JsonNode container) {
      Map<String, String> env = new HashMap<>();
      for (JsonNode from : container.path("envFrom")) {
        one("ConfigMap", from.path("configMapRef").path("name").asText())
            .path("data")
            .fields()
            .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
      }
      for (JsonNode var : container.path("env")) {
        env.put(var.path("name").asText(), var.has("value") ? var.path("value").asText() : null);
      }
      return env;
    }
  }
}

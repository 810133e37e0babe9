package io.durableobjects.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The validator on small fixtures (src/test/resources/fixtures): a valid Deployment passes, and
 * each kind of defect is reported with its path.
 */
class KubernetesSchemaValidatorTest {

  private static List<String> problems(String fixture) {
    List<JsonNode> documents =
        Manifests.parse(Path.of("src/test/resources/fixtures").resolve(fixture));
    assertThat(documents).hasSize(1);
    return KubernetesSchemaValidator.validate(documents.get(0));
  }

  @Test
  void aValidDeploymentPasses() {
    assertThat(problems("valid-deployment.yaml")).isEmpty();
  }

  @Test
  void aMisspelledFieldIsReported() {
    assertThat(problems("misspelled-field.yaml"))
        .singleElement()
        .asString()
        .startsWith("Deployment/web: spec.minReadySecond: unknown field (not in V1DeploymentSpec;")
        .contains("minReadySeconds");
  }

  @Test
  void aValueOfTheWrongTypeIsReported() {
    assertThat(problems("wrong-type.yaml"))
        .containsExactly(
            "Deployment/web: spec.template.spec.containers[0].ports[0].containerPort: must be an"
                + " integer, got string \"http-port\"");
  }

  @Test
  void missingRequiredFieldsAreReported() {
    assertThat(problems("missing-required.yaml"))
        .containsExactlyInAnyOrder(
            "Deployment/web: spec.selector: required field is missing",
            "Deployment/web: spec.template.spec.containers[0].name: required field is missing");
  }

  @Test
  void badQuantitiesAndShapesAreReported() {
    assertThat(problems("bad-quantity-and-shape.yaml"))
        .containsExactlyInAnyOrder(
            "Deployment/web: spec.replicas: must be an integer, got list [2]",
            "Deployment/web: spec.template.spec.containers[0].resources.limits.memory: '1GB' is not"
                + " a Kubernetes quantity (e.g. 500m, 2, 512Mi, 1Gi)");
  }

  @Test
  void aNetworkPolicyIsValidatedToo() {
    // "port" instead of "ports": the API server would drop it, and the rule would open every port.
    assertThat(problems("networkpolicy-misspelled.yaml"))
        .singleElement()
        .asString()
        .startsWith(
            "NetworkPolicy/nodes: spec.ingress[0].port: unknown field (not in"
                + " V1NetworkPolicyIngressRule;")
        .contains("ports");
  }

  @Test
  void anUnknownKindIsReportedNotSkipped() {
    assertThat(problems("unknown-kind.yaml"))
        .singleElement()
        .asString()
        .startsWith("Deployments/web: unknown apiVersion/kind 'apps/v1' 'Deployments'");
  }

  @Test
  void aDuplicateKeyIsAnError() {
    // Kubernetes would keep one of the two silently.
    assertThatThrownBy(() -> Manifests.parse("kind: Service\nkind: ConfigMap\n"))
        .hasMessageContaining("Duplicate field 'kind'");
  }
}

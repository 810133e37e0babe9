package io.durableobjects.k8s;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Reading the manifests: YAML documents, and Kustomize renderings through {@code kubectl}. */
final class Manifests {
  /** The module directory (k8s/), where Maven runs the tests. */
  static final Path K8S = Path.of("").toAbsolutePath();

  /** The repository root. */
  static final Path REPO = K8S.getParent();

  /** Duplicate keys are an error (Kubernetes would silently keep one of them). */
  private static final YAMLMapper YAML =
      YAMLMapper.builder(
              YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
          .build();

  private Manifests() {}

  /** Every non-empty YAML document of {@code text}. */
  static List<JsonNode> parse(String text) {
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
      while (it.hasNext()) {
        JsonNode document = it.next();
        if (document != null && !document.isNull() && !document.isMissingNode()) {
          documents.add(document);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return documents;
  }

  static List<JsonNode> parse(Path file) {
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code kubectl} on the PATH, if any. */
  static Optional<Path> kubectl() {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "kubectl");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * The rendering of {@code k8s/<kustomization>}; skipped (a JUnit assumption) when kubectl is not
   * on the PATH, except on CI ({@code CI=true}, as .ci/run runs), where that fails.
   */
  static List<JsonNode> renderOrSkip(String kustomization) {
    Optional<Path> kubectl = kubectl();
    if (kubectl.isEmpty() && "true".equalsIgnoreCase(String.valueOf(System.getenv("CI")).strip())) {
      throw new AssertionError(
          "kubectl is not on the PATH and CI=true: cannot render k8s/"
              + kustomization
              + " (.ci/run installs it when missing)");
    }
    Assumptions.assumeTrue(
        kubectl.isPresent(),
        "kubectl is not on the PATH: not rendering k8s/"
            + kustomization
            + " (the base's files are still validated by theBaseFilesAreValidKubernetesResources)");
    return render(kubectl.get(), K8S.resolve(kustomization));
  }

  /**
   * {@code kubectl kustomize dir}, parsed. KUBECONFIG points at a file naming an unreachable server
   * (https://127.0.0.1:1): kustomize needs no server, and without a kubeconfig kubectl would fall
   * back to http://localhost:8080, which may be somebody else's service.
   */
  static List<JsonNode> render(Path kubectl, Path kustomization) {
    try {
      Path kubeconfig = Files.createTempFile("kubeconfig-none", ".yaml");
      Files.writeString(
          kubeconfig,
          """
          apiVersion: v1
          kind: Config
          clusters: [{name: none, cluster: {server: "https://127.0.0.1:1"}}]
          contexts: [{name: none, context: {cluster: none, user: none}}]
          current-context: none
          users: [{name: none, user: {token: none}}]
          """);
      Path stderr = Files.createTempFile("kustomize", ".err");
      try {
        ProcessBuilder builder =
            new ProcessBuilder(kubectl.toString(), "kustomize", kustomization.toString())
                .redirectError(stderr.toFile());
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
        Process process = builder.start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException("kubectl kustomize " + kustomization + " did not finish");
        }
        if (process.exitValue() != 0) {
          throw new IllegalStateException(
              "kubectl kustomize " + kustomization + " failed: " + Files.readString(stderr));
        }
        return parse(out);
      } finally {
        Files.deleteIfExists(kubeconfig);
        Files.deleteIfExists(stderr);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The documents of the files a kustomization lists under {@code resources} (no rendering). */
  static List<JsonNode> resourcesOf(Path dir) {
    JsonNode kustomization = parse(dir.resolve("kustomization.yaml")).get(0);
    List<JsonNode> documents = new ArrayList<>();
    for (JsonNode resource : kustomization.path("resources")) {
      Path file = dir.resolve(resource.asText());
      if (Files.isRegularFile(file)) {
        documents.addAll(parse(file));
      }
    }
    return documents;
  }
}

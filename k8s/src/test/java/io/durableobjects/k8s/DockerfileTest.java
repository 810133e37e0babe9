package io.durableobjects.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The node image's Dockerfile, checked without Docker (no engine runs here): it builds what exists,
 * runs a main class that exists, as a non-root user, on the classpath and ports the manifests use.
 */
class DockerfileTest {
  private static final Path DOCKERFILE = Manifests.REPO.resolve("Dockerfile");

  private static String dockerfile() throws IOException {
    return Files.readString(DOCKERFILE);
  }

  @Test
  void runsTheDemoNodeOnAJre17AsANonRootUser() throws IOException {
    String text = dockerfile();
    List<String> from = instructions(text, "FROM");
    assertThat(from).hasSize(2);
    assertThat(from.get(1)).as("the runtime stage").startsWith("eclipse-temurin:17-jre");
    List<String> users = instructions(text, "USER");
    assertThat(users).hasSize(1);
    assertThat(users.get(0)).doesNotStartWith("root").doesNotStartWith("0");

    String entrypoint = instructions(text, "ENTRYPOINT").get(0);
    assertThat(entrypoint).contains("exec java $JAVA_OPTS -cp '/app/lib/*' ");
    Matcher main = Pattern.compile("(io\\.durableobjects\\.[\\w.]+)").matcher(entrypoint);
    assertThat(main.find()).isTrue();
    assertThat(main.group(1)).isEqualTo("io.durableobjects.examples.DemoMain");
    assertThat(ManifestsTest.mainClassExists(main.group(1))).isTrue();
  }

  @Test
  void exposesThePortsTheDeploymentUses() throws IOException {
    List<String> exposed = List.of(instructions(dockerfile(), "EXPOSE").get(0).split("\\s+"));
    JsonNode deployment = Manifests.parse(Manifests.K8S.resolve("base/deployment.yaml")).get(0);
    List<String> ports = new ArrayList<>();
    deployment
        .path("spec")
        .path("template")
        .path("spec")
        .path("containers")
        .get(0)
        .path("ports")
        .forEach(p -> ports.add(p.path("containerPort").asText()));
    assertThat(exposed).containsExactlyInAnyOrderElementsOf(ports);
  }

  @Test
  void copiesWhatTheExamplesBuildProduces() throws IOException {
    String text = dockerfile();
    assertThat(text).contains("-pl examples -am package");
    // The examples module copies its runtime dependencies to target/lib (maven-dependency-plugin)
    // and builds durable-objects-examples-<version>.jar: the paths the build stage copies.
    String pom = Files.readString(Manifests.REPO.resolve("examples/pom.xml"));
    assertThat(pom)
        .contains("<artifactId>durable-objects-examples</artifactId>")
        .contains("<outputDirectory>${project.build.directory}/lib</outputDirectory>");
    assertThat(text)
        .contains("cp examples/target/lib/*.jar /out/lib/")
        .contains("cp examples/target/durable-objects-examples-*.jar /out/lib/")
        .contains("COPY --from=build /out/lib /app/lib");
    // After a package in this checkout (the full build), the paths are really there.
    Path lib = Manifests.REPO.resolve("examples/target/lib");
    if (Files.isDirectory(lib)) {
      try (var jars = Files.list(lib)) {
        assertThat(jars.anyMatch(j -> j.getFileName().toString().startsWith("pekko-management_")))
            .as("Pekko Management is on the node's runtime classpath")
            .isTrue();
      }
    }
    // The build context excludes build outputs; the sources it needs stay in.
    List<String> ignored = Files.readAllLines(Manifests.REPO.resolve(".dockerignore"));
    assertThat(ignored).contains("**/target", ".git").doesNotContain("pom.xml", "*.java");
  }

  private static List<String> instructions(String dockerfile, String keyword) {
    List<String> found = new ArrayList<>();
    for (String line : dockerfile.split("\n")) {
      if (line.startsWith(keyword + " ")) {
        found.add(line.substring(keyword.length() + 1).strip());
      }
    }
    return found;
  }
}

package io.durableobjects.cassandra.embedded.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.durableobjects.cassandra.embedded.EmbeddedCassandraException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CassandraClasspathTest {

  @TempDir Path repo;

  @Test
  void resolvesTheRecordedClasspathOfThisBuild() {
    CassandraClasspath classpath = CassandraClasspath.load();

    assertThat(classpath.entries())
        .anySatisfy(p -> assertThat(p.toString()).endsWith("cassandra-all-5.0.9.jar"))
        .allSatisfy(p -> assertThat(p).isRegularFile());
    assertThat(classpath.jammAgent())
        .hasValueSatisfying(p -> assertThat(p.toString()).endsWith("jamm-0.4.0.jar"));
  }

  @Test
  void missingJarIsNamedWithTheFix() throws Exception {
    Path present = repo.resolve("a/a.jar");
    Files.createDirectories(present.getParent());
    Files.writeString(present, "");

    assertThatThrownBy(
            () ->
                CassandraClasspath.resolve(
                    "@M2_REPO@/a/a.jar:@M2_REPO@/b/b.jar:@M2_REPO@/c/c.jar\n", repo))
        .isInstanceOf(EmbeddedCassandraException.class)
        .hasMessageStartingWith(
            "Cassandra's jar " + repo.resolve("b/b.jar") + " is missing (and 1 more)")
        .hasMessageContaining("Build the project with ./mvnw first");
    assertThat(CassandraClasspath.resolve("@M2_REPO@/a/a.jar", repo).entries())
        .containsExactly(present);
  }

  @Test
  void repositoryComesFromSystemPropertiesThenHome() {
    String ours = System.getProperty(CassandraClasspath.REPOSITORY_PROPERTY);
    String maven = System.getProperty("maven.repo.local");
    try {
      System.clearProperty(CassandraClasspath.REPOSITORY_PROPERTY);
      System.clearProperty("maven.repo.local");
      assertThat(CassandraClasspath.mavenRepository())
          .isEqualTo(Path.of(System.getProperty("user.home"), ".m2", "repository"));
      System.setProperty("maven.repo.local", "/m2");
      assertThat(CassandraClasspath.mavenRepository()).isEqualTo(Path.of("/m2"));
      System.setProperty(CassandraClasspath.REPOSITORY_PROPERTY, "/ours");
      assertThat(CassandraClasspath.mavenRepository()).isEqualTo(Path.of("/ours"));
    } finally {
      restore(CassandraClasspath.REPOSITORY_PROPERTY, ours);
      restore("maven.repo.local", maven);
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }
}

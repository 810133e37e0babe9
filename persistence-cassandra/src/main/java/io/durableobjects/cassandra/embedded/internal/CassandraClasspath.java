package io.durableobjects.cassandra.embedded.internal;

import io.durableobjects.cassandra.embedded.EmbeddedCassandraException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * INTERNAL API
 *
 * <p>The runtime classpath of {@code org.apache.cassandra:cassandra-all}, as recorded at build time
 * by the {@code durable-objects-embedded-cassandra-classpath} module, resolved against the local
 * Maven repository of this machine.
 *
 * <p>The recorded resource is one line of {@code ':'}-separated entries, each starting with the
 * token {@value #REPOSITORY_TOKEN}. The repository is, in order: system property {@value
 * #REPOSITORY_PROPERTY}, system property {@code maven.repo.local}, {@code ~/.m2/repository}.
 */
public final class CassandraClasspath {

  /** Classpath resource written by the embedded-classpath module. */
  public static final String RESOURCE =
      "io/durableobjects/cassandra/embedded/cassandra-classpath.txt";

  /** Placeholder for the local Maven repository in the recorded classpath. */
  public static final String REPOSITORY_TOKEN = "@M2_REPO@";

  /** System property that overrides the local Maven repository location. */
  public static final String REPOSITORY_PROPERTY = "durable-objects.maven-repo";

  private static final Pattern JAMM_JAR = Pattern.compile(".*/jamm-[^/]*\\.jar");

  private final List<Path> entries;

  private CassandraClasspath(List<Path> entries) {
    this.entries = List.copyOf(entries);
  }

  /**
   * Loads the recorded classpath from this class's class loader and resolves it against {@link
   * #mavenRepository()}.
   *
   * @throws EmbeddedCassandraException if the resource is missing or any jar is not on disk
   */
  public static CassandraClasspath load() {
    return resolve(readRecordedClasspath(), mavenRepository());
  }

  /**
   * Resolves a recorded classpath line against a repository and checks that every entry exists.
   *
   * @throws EmbeddedCassandraException naming the first missing jar (and how many are missing)
   */
  public static CassandraClasspath resolve(String recorded, Path repository) {
    String line = recorded.strip();
    if (line.isEmpty()) {
      throw new EmbeddedCassandraException(
          "the recorded Cassandra classpath (" + RESOURCE + ") is empty");
    }
    List<Path> entries = new ArrayList<>();
    List<Path> missing = new ArrayList<>();
    for (String entry : line.split(":")) {
      if (entry.isBlank()) {
        continue;
      }
      Path path =
          entry.startsWith(REPOSITORY_TOKEN)
              ? Paths.get(repository + entry.substring(REPOSITORY_TOKEN.length()))
              : Paths.get(entry);
      entries.add(path);
      if (!Files.isRegularFile(path)) {
        missing.add(path);
      }
    }
    if (!missing.isEmpty()) {
      throw new EmbeddedCassandraException(
          "Cassandra's jar "
              + missing.get(0)
              + " is missing"
              + (missing.size() > 1 ? " (and " + (missing.size() - 1) + " more)" : "")
              + " in the local Maven repository "
              + repository
              + ". Build the project with ./mvnw first (for example './mvnw -pl"
              + " persistence-cassandra -am install'), which downloads"
              + " org.apache.cassandra:cassandra-all and its dependencies, or point system property"
              + " "
              + REPOSITORY_PROPERTY
              + " at the repository that holds them.");
    }
    return new CassandraClasspath(entries);
  }

  /**
   * The local Maven repository: {@value #REPOSITORY_PROPERTY}, maven.repo.local, ~/.m2/repository.
   */
  public static Path mavenRepository() {
    String configured = System.getProperty(REPOSITORY_PROPERTY);
    if (configured == null || configured.isBlank()) {
      configured = System.getProperty("maven.repo.local");
    }
    if (configured != null && !configured.isBlank()) {
      return Paths.get(configured).toAbsolutePath();
    }
    return Paths.get(System.getProperty("user.home"), ".m2", "repository");
  }

  /** The resolved jars, in recorded order. */
  public List<Path> entries() {
    return entries;
  }

  /**
   * The jamm jar, used as {@code -javaagent} so Cassandra measures objects the way upstream does.
   */
  public Optional<Path> jammAgent() {
    return entries.stream()
        .filter(p -> JAMM_JAR.matcher(p.toString().replace('\\', '/')).matches())
        .findFirst();
  }

  /** The classpath string for {@code -cp}, with {@code first} in front of Cassandra's jars. */
  public String asClasspath(Path first) {
    List<String> all = new ArrayList<>();
    all.add(first.toString());
    all.addAll(entries.stream().map(Path::toString).collect(Collectors.toList()));
    return String.join(java.io.File.pathSeparator, all);
  }

  private static String readRecordedClasspath() {
    ClassLoader loader = CassandraClasspath.class.getClassLoader();
    try (InputStream in = loader.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new EmbeddedCassandraException(
            "resource "
                + RESOURCE
                + " is not on the classpath: add a dependency on"
                + " io.durableobjects:durable-objects-embedded-cassandra-classpath"
                + " (with all transitive dependencies excluded) and build with ./mvnw");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}

package io.durableobjects.cassandra.testkit;

import io.durableobjects.cassandra.embedded.EmbeddedCassandra;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit 5 extension that provides ONE real Cassandra node ({@link EmbeddedCassandra}) per test JVM.
 *
 * <pre>
 * &#64;ExtendWith(CassandraExtension.class)
 * class MyIT {
 *   &#64;BeforeAll static void schema(EmbeddedCassandra cassandra) { ... }
 *   &#64;Test void test() { EmbeddedCassandra cassandra = CassandraExtension.cassandra(); ... }
 * }
 * </pre>
 *
 * <p>The node starts when the first test class using the extension starts (about 10 s), on free
 * ports, with its data in a fresh {@code target/embedded-cassandra-<random>} directory (a temporary
 * directory when there is no {@code target}). It is stored in the root {@link ExtensionContext}
 * store, so every test class of the run shares it; JUnit closes it at the end of the run, which
 * stops Cassandra and deletes the directory. The node also dies with the test JVM if that is
 * killed. Isolate test classes by keyspace ({@link TestKeyspaces}), not by node.
 *
 * <p>Methods and {@code @BeforeAll}/{@code @BeforeEach} methods may declare an {@link
 * EmbeddedCassandra} parameter; {@link #cassandra()} gives the same instance. If the node cannot
 * start, every test class using the extension fails with the {@code EmbeddedCassandraException}
 * (which carries Cassandra's log tail), and the directory is kept for inspection.
 *
 * <p>System property {@value #HEAP_PROPERTY} sets the node's heap (default 512m).
 */
public final class CassandraExtension implements BeforeAllCallback, ParameterResolver {

  /** System property with the heap size of the test node, e.g. "768m". */
  public static final String HEAP_PROPERTY = "durable-objects.test.cassandra-heap";

  private static final Logger log = LoggerFactory.getLogger(CassandraExtension.class);
  private static final Namespace NAMESPACE = Namespace.create(CassandraExtension.class);

  private static volatile EmbeddedCassandra current;

  @Override
  public void beforeAll(ExtensionContext context) {
    node(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == EmbeddedCassandra.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return node(context);
  }

  /**
   * The node of this test JVM.
   *
   * @throws IllegalStateException if no test class using this extension has started yet
   */
  public static EmbeddedCassandra cassandra() {
    EmbeddedCassandra node = current;
    if (node == null) {
      throw new IllegalStateException(
          "no embedded Cassandra is running: annotate the test class with"
              + " @ExtendWith(CassandraExtension.class)");
    }
    return node;
  }

  private static EmbeddedCassandra node(ExtensionContext context) {
    SharedNode shared =
        context
            .getRoot()
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(SharedNode.class, type -> SharedNode.start(), SharedNode.class);
    return shared.cassandra;
  }

  /** The per-JVM node, closed by JUnit at the end of the run (stores close AutoCloseables). */
  static final class SharedNode implements AutoCloseable {
    final EmbeddedCassandra cassandra;
    final Path directory;

    private SharedNode(EmbeddedCassandra cassandra, Path directory) {
      this.cassandra = cassandra;
      this.directory = directory;
    }

    static SharedNode start() {
      Path directory = newDirectory();
      EmbeddedCassandra cassandra =
          EmbeddedCassandra.builder(directory)
              .heapSize(System.getProperty(HEAP_PROPERTY, "512m"))
              .start();
      log.info("Test Cassandra for this JVM: {}", cassandra);
      current = cassandra;
      return new SharedNode(cassandra, directory);
    }

    @Override
    public void close() {
      current = null;
      cassandra.close();
      deleteRecursively(directory);
    }

    private static Path newDirectory() {
      try {
        Path target = Paths.get("target");
        return Files.isDirectory(target)
            ? Files.createTempDirectory(target.toAbsolutePath(), "embedded-cassandra-")
            : Files.createTempDirectory("embedded-cassandra-");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a directory for the test Cassandra", e);
      }
    }

    private static void deleteRecursively(Path directory) {
      try (Stream<Path> paths = Files.walk(directory)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException e) {
        log.warn("Could not delete {}: {}", directory, e.toString());
      }
    }
  }
}

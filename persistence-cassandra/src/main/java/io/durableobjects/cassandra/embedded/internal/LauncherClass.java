package io.durableobjects.cassandra.embedded.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * INTERNAL API
 *
 * <p>Copies the compiled {@link ParentWatchingCassandraMain} (a single class file, JDK-only) into a
 * directory that becomes the first classpath entry of the forked JVM. Copying the one class, rather
 * than putting this module's jar or classes directory on Cassandra's classpath, keeps the node's
 * classpath exactly Cassandra's even when this code runs from a fat jar that also contains Netty,
 * Guava or the driver in versions Cassandra does not expect.
 */
public final class LauncherClass {

  private LauncherClass() {}

  /** Writes the class file below {@code directory}; returns {@code directory}. */
  public static Path installInto(Path directory) {
    String resource = ParentWatchingCassandraMain.class.getName().replace('.', '/') + ".class";
    Path target = directory.resolve(resource);
    try (InputStream in =
        ParentWatchingCassandraMain.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("class file " + resource + " not found on the classpath");
      }
      Files.createDirectories(target.getParent());
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      return directory;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }
}

package io.durableobjects.cassandra.embedded.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * INTERNAL API
 *
 * <p>The directory layout of one embedded node and the files generated into it before each start:
 *
 * <pre>
 * &lt;data dir&gt;/.lock                launcher lock ({@link DataDirectoryLock})
 * &lt;data dir&gt;/.node.lock           held by the Cassandra JVM itself ({@link ParentWatchingCassandraMain})
 * &lt;data dir&gt;/ports.properties     the ports of the last successful start ({@link NodePorts})
 * &lt;data dir&gt;/conf/cassandra.yaml  from embedded-cassandra.yaml
 * &lt;data dir&gt;/conf/logback.xml     from embedded-logback.xml
 * &lt;data dir&gt;/launcher/           the parent-watching main class
 * &lt;data dir&gt;/data/               cassandra.storagedir: data, commitlog, saved_caches, hints, cdc_raw
 * &lt;data dir&gt;/triggers/           cassandra.triggers_dir (empty)
 * &lt;data dir&gt;/logs/cassandra.log, cassandra-stdout.log
 * </pre>
 */
public final class NodeFiles {

  /** Keys of cassandra.yaml that are derived from the builder and cannot be overridden. */
  public static final Set<String> MANAGED_YAML_KEYS =
      Set.of(
          "cluster_name",
          "seed_provider",
          "listen_address",
          "rpc_address",
          "storage_port",
          "native_transport_port",
          "start_native_transport",
          "data_file_directories",
          "commitlog_directory",
          "saved_caches_directory",
          "hints_directory",
          "cdc_raw_directory");

  private static final String YAML_TEMPLATE =
      "io/durableobjects/cassandra/embedded/embedded-cassandra.yaml";
  private static final String LOGBACK_TEMPLATE =
      "io/durableobjects/cassandra/embedded/embedded-logback.xml";

  private final Path root;

  /** A layout rooted at {@code dataDirectory} (made absolute). */
  public NodeFiles(Path dataDirectory) {
    this.root = dataDirectory.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  public Path launcherLock() {
    return root.resolve(".lock");
  }

  public Path nodeLock() {
    return root.resolve(".node.lock");
  }

  public Path confDirectory() {
    return root.resolve("conf");
  }

  public Path cassandraYaml() {
    return confDirectory().resolve("cassandra.yaml");
  }

  public Path logbackXml() {
    return confDirectory().resolve("logback.xml");
  }

  public Path launcherDirectory() {
    return root.resolve("launcher");
  }

  public Path storageDirectory() {
    return root.resolve("data");
  }

  public Path triggersDirectory() {
    return root.resolve("triggers");
  }

  public Path logDirectory() {
    return root.resolve("logs");
  }

  public Path portsFile() {
    return root.resolve("ports.properties");
  }

  public Path logFile() {
    return logDirectory().resolve("cassandra.log");
  }

  public Path stdoutLogFile() {
    return logDirectory().resolve("cassandra-stdout.log");
  }

  /** Creates the directories Cassandra and the launcher expect. */
  public void createDirectories() {
    try {
      Files.createDirectories(root);
      Files.createDirectories(confDirectory());
      Files.createDirectories(storageDirectory());
      Files.createDirectories(triggersDirectory());
      Files.createDirectories(logDirectory());
      Files.createDirectories(launcherDirectory());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create directories under " + root, e);
    }
  }

  /**
   * Writes cassandra.yaml and logback.xml for one start.
   *
   * @param overrides top-level scalar yaml keys to replace or append (never a managed key)
   */
  public void writeConfiguration(
      String clusterName,
      String host,
      int cqlPort,
      int storagePort,
      Map<String, String> overrides) {
    String yaml =
        readTemplate(YAML_TEMPLATE)
            .replace("@CLUSTER_NAME@", yamlQuoted(clusterName))
            .replace("@HOST@", host)
            .replace("@CQL_PORT@", Integer.toString(cqlPort))
            .replace("@STORAGE_PORT@", Integer.toString(storagePort))
            .replace("@STORAGE_DIR@", yamlQuoted(slashes(storageDirectory())));
    yaml = applyOverrides(yaml, overrides);
    String logback =
        readTemplate(LOGBACK_TEMPLATE)
            .replace("@LOG_FILE@", xmlEscaped(slashes(logFile())))
            .replace("@LOG_DIR@", xmlEscaped(slashes(logDirectory())));
    write(cassandraYaml(), yaml);
    write(logbackXml(), logback);
  }

  /** Replaces {@code key: ...} lines at column 0, or appends the key when the template lacks it. */
  static String applyOverrides(String yaml, Map<String, String> overrides) {
    String result = yaml;
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      String line = e.getKey() + ": " + e.getValue();
      Matcher m = Pattern.compile("(?m)^" + Pattern.quote(e.getKey()) + ":.*$").matcher(result);
      if (m.find()) {
        result = m.replaceFirst(Matcher.quoteReplacement(line));
      } else {
        result = result + (result.endsWith("\n") ? "" : "\n") + line + "\n";
      }
    }
    return result;
  }

  private static String slashes(Path path) {
    return path.toString().replace('\\', '/');
  }

  /** The content of a single-quoted YAML scalar (a quote is doubled). */
  private static String yamlQuoted(String value) {
    return value.replace("'", "''");
  }

  private static String xmlEscaped(String value) {
    return value
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  private static String readTemplate(String resource) {
    try (InputStream in = NodeFiles.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("resource " + resource + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  private static void write(Path file, String content) {
    try {
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}

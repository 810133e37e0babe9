package io.durableobjects.cassandra.embedded.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.durableobjects.cassandra.embedded.EmbeddedCassandraException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeFilesTest {

  @TempDir Path dir;

  @Test
  void writesYamlAndLogbackForThisNode() throws IOException {
    NodeFiles files = new NodeFiles(dir.resolve("it's here"));
    files.createDirectories();
    Map<String, String> overrides = new LinkedHashMap<>();
    overrides.put("num_tokens", "4");
    overrides.put("concurrent_writes", "8");

    files.writeConfiguration("test-cluster", "127.0.0.1", 19042, 17000, overrides);

    String yaml = Files.readString(files.cassandraYaml());
    String storage = files.storageDirectory().toString().replace("'", "''");
    assertThat(yaml)
        .contains("cluster_name: 'test-cluster'")
        .contains("native_transport_port: 19042")
        .contains("storage_port: 17000")
        .contains("- seeds: \"127.0.0.1:17000\"")
        .contains("commitlog_directory: '" + storage + "/commitlog'")
        .contains("\nnum_tokens: 4\n")
        .doesNotContain("num_tokens: 16")
        .endsWith("concurrent_writes: 8\n")
        .doesNotContainPattern("@(CLUSTER_NAME|HOST|CQL_PORT|STORAGE_PORT|STORAGE_DIR)@");
    assertThat(Files.readString(files.logbackXml()))
        .contains("<file>" + files.logFile() + "</file>")
        .contains("<maxFileSize>20MB</maxFileSize>");
    assertThat(files.triggersDirectory()).isDirectory();
  }

  @Test
  void lockIsExclusiveAndNamesItsHolder() {
    NodeFiles files = new NodeFiles(dir);
    try (DataDirectoryLock lock = DataDirectoryLock.acquire(files.launcherLock(), dir)) {
      assertThat(lock.toString()).contains(".lock");
      assertThatThrownBy(() -> DataDirectoryLock.acquire(files.launcherLock(), dir))
          .isInstanceOf(EmbeddedCassandraException.class)
          .hasMessage(
              "data directory "
                  + dir
                  + " is in use by another embedded Cassandra (launcher pid "
                  + ProcessHandle.current().pid()
                  + "); close that one first or use another directory");
    }
    DataDirectoryLock.acquire(files.launcherLock(), dir).close();
  }

  @Test
  void remembersPortsAndRejectsBusyRequestedPorts() throws IOException {
    Path file = dir.resolve("ports.properties");
    NodePorts first = NodePorts.choose("127.0.0.1", 0, 0, file);
    first.save(file);
    assertThat(first.cqlPort()).isNotEqualTo(first.storagePort());

    NodePorts second = NodePorts.choose("127.0.0.1", 0, 0, file);
    assertThat(second.cqlPort()).isEqualTo(first.cqlPort());
    assertThat(second.storagePort()).isEqualTo(first.storagePort());

    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = busy.getLocalPort();
      assertThatThrownBy(() -> NodePorts.choose("127.0.0.1", port, 0, file))
          .isInstanceOf(EmbeddedCassandraException.class)
          .hasMessage(
              "CQL port "
                  + port
                  + " on 127.0.0.1 is already in use by another process; choose another port or 0"
                  + " for a free one");
    }
  }

  @Test
  void logTailKeepsTheLastLines() throws IOException {
    Path log = dir.resolve("x.log");
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= 100; i++) {
      text.append("line ").append(i).append('\n');
    }
    Files.writeString(log, text);

    assertThat(LogTail.of(log, 3))
        .isEqualTo(String.join(System.lineSeparator(), "line 98", "line 99", "line 100"));
    assertThat(LogTail.of(dir.resolve("missing.log"), 3)).contains("does not exist");
  }

  @Test
  void launcherClassIsCopiedAloneAndDependsOnlyOnTheJdk() throws IOException {
    Path launcher = LauncherClass.installInto(dir.resolve("launcher"));

    Path classFile =
        launcher.resolve(ParentWatchingCassandraMain.class.getName().replace('.', '/') + ".class");
    assertThat(classFile).isRegularFile();
    try (var stream = Files.walk(launcher)) {
      assertThat(stream.filter(Files::isRegularFile)).containsExactly(classFile);
    }
    // No reference to another class of this project (constant pool strings are UTF-8).
    String bytes =
        new String(Files.readAllBytes(classFile), java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(
            bytes.replace(
                "io/durableobjects/cassandra/embedded/internal/ParentWatchingCassandraMain", ""))
        .doesNotContain("io/durableobjects");
  }
}

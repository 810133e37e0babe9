package io.durableobjects.cassandra.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedCassandraBuilderTest {

  @TempDir Path dir;

  @Test
  void rejectsInvalidArgumentsWithPreciseMessages() {
    assertThatThrownBy(() -> EmbeddedCassandra.builder(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dataDirectory must not be null");
    EmbeddedCassandra.Builder builder = EmbeddedCassandra.builder(dir);
    assertThatThrownBy(() -> builder.cqlPort(-1))
        .hasMessage("cqlPort must be between 0 and 65535 (0 picks a free port), but was -1");
    assertThatThrownBy(() -> builder.storagePort(65536))
        .hasMessage("storagePort must be between 0 and 65535 (0 picks a free port), but was 65536");
    assertThatThrownBy(() -> builder.heapSize("lots"))
        .hasMessage(
            "heapSize must be a positive JVM memory size such as \"512m\" or \"1g\", but was"
                + " \"lots\"");
    assertThatThrownBy(() -> builder.heapSize(null)).hasMessageEndingWith("but was null");
    assertThatThrownBy(() -> builder.startupTimeout(Duration.ZERO))
        .hasMessage("startupTimeout must be a positive duration, but was PT0S");
    assertThatThrownBy(() -> builder.shutdownGracePeriod(Duration.ofSeconds(-1)))
        .hasMessage("shutdownGracePeriod must be a positive duration, but was PT-1S");
    assertThatThrownBy(() -> builder.startupTimeout(null))
        .hasMessage("startupTimeout must be a positive duration, but was null");
    assertThatThrownBy(() -> builder.yamlSetting("native_transport_port", "9042"))
        .hasMessageStartingWith(
            "yaml key \"native_transport_port\" is managed by EmbeddedCassandra");
    assertThatThrownBy(() -> builder.yamlSetting("Bad Key", "1"))
        .hasMessageStartingWith("yaml key must be a top-level cassandra.yaml key");
    assertThatThrownBy(() -> builder.yamlSetting("concurrent_writes", "1\nx: 2"))
        .hasMessageStartingWith(
            "yaml value for \"concurrent_writes\" must be a non-blank single-line");
  }

  @Test
  void acceptsTheDocumentedRanges() {
    EmbeddedCassandra.Builder builder =
        EmbeddedCassandra.builder(dir)
            .cqlPort(0)
            .cqlPort(65535)
            .storagePort(7000)
            .heapSize("1g")
            .heapSize("768m")
            .startupTimeout(Duration.ofMillis(1))
            .shutdownGracePeriod(Duration.ofSeconds(5))
            .registerShutdownHook(false)
            .yamlSetting("concurrent_writes", "16");
    assertThat(builder).isNotNull();
  }

  @Test
  void requestingTheSamePortTwiceIsRejected() {
    assertThatThrownBy(
            () -> EmbeddedCassandra.builder(dir).cqlPort(19999).storagePort(19999).start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cqlPort and storagePort must differ, but both were 19999");
  }
}

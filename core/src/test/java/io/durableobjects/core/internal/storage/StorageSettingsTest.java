package io.durableobjects.core.internal.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.core.Storage;
import org.junit.jupiter.api.Test;

class StorageSettingsTest {

  private static StorageSettings parse(String hocon) {
    return StorageSettings.fromConfig(
        ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve());
  }

  @Test
  void theDefaultsAre128KiBPerValueAnd8MiBPerObject() {
    StorageSettings settings = parse("");
    assertThat(settings).isEqualTo(StorageSettings.DEFAULTS);
    assertThat(settings.maxValueBytes()).isEqualTo(Storage.MAX_VALUE_BYTES).isEqualTo(131072);
    assertThat(settings.maxObjectBytes()).isEqualTo(8L << 20);
    assertThat(new ValueCodec(new ObjectMapper()).settings()).isEqualTo(StorageSettings.DEFAULTS);
  }

  @Test
  void readsSizesWithUnits() {
    StorageSettings settings =
        parse(
            "durable-objects.storage { max-value-size = 1 MiB, max-object-size = 10 MiB,"
                + " max-snapshot-size = 12 MiB }");
    assertThat(settings.maxValueBytes()).isEqualTo(1 << 20);
    assertThat(settings.maxObjectBytes()).isEqualTo(10L << 20);
    assertThat(settings.maxSnapshotBytes()).isEqualTo(12L << 20);
    assertThat(parse("durable-objects.storage.max-value-size = 1000").maxValueBytes())
        .isEqualTo(1000);
  }

  @Test
  void refusesSizesOutOfRangeNamingTheKey() {
    assertThatThrownBy(() -> parse("durable-objects.storage.max-value-size = 0"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("durable-objects.storage.max-value-size")
        .hasMessageContaining("must be a size between 1 byte and 1073741824 bytes")
        .hasMessageContaining("got 0");
    assertThatThrownBy(() -> parse("durable-objects.storage.max-value-size = 2 GiB"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("got 2147483648");
    assertThatThrownBy(() -> parse("durable-objects.storage.max-object-size = -1"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("durable-objects.storage.max-object-size");
    assertThatThrownBy(() -> parse("durable-objects.storage.max-object-size = lots"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("max-object-size");
    assertThatThrownBy(() -> parse("durable-objects.storage.max-snapshot-size = 2 GiB"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("durable-objects.storage.max-snapshot-size")
        .hasMessageContaining("got 2147483648");
    assertThatThrownBy(() -> parse("durable-objects.storage.max-snapshot-size = 8 MiB"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining(
            "'durable-objects.storage.max-snapshot-size': must be above"
                + " durable-objects.storage.max-object-size (8388608 bytes)");
  }

  @Test
  void theRecordRefusesNonsense() {
    assertThatThrownBy(() -> new StorageSettings(0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxValueBytes must be between 1 and 1073741824, got 0");
    assertThatThrownBy(() -> new StorageSettings(1, 0))
        .hasMessage("maxObjectBytes must be at least 1, got 0");
  }
}

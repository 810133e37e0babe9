package io.durableobjects.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GatewaySettingsTest {

  private static GatewaySettings parse(String hocon) {
    return GatewaySettings.fromConfig(
        ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve());
  }

  @Test
  void defaultsBindLoopbackPort8080WithA1MiBBodyLimit() {
    GatewaySettings settings = parse("");
    assertThat(settings.host()).isEqualTo("127.0.0.1");
    assertThat(settings.port()).isEqualTo(8080);
    assertThat(settings.maxBodyBytes()).isEqualTo(1024 * 1024);
    assertThat(settings.entityTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void aPortThatIsNotANumberOrOutOfRangeIsNamed() {
    assertThatThrownBy(() -> parse("durable-objects.http.port = abc"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("durable-objects.http.port")
        .hasMessageContaining("must be a port number in 0..65535 (0 picks a free port), got 'abc'");
    assertThatThrownBy(() -> parse("durable-objects.http.port = 70000"))
        .hasMessageContaining("got '70000'");
    assertThat(parse("durable-objects.http.port = \"9090\"").port()).isEqualTo(9090);
  }

  @Test
  void emptyHostAndBadLimitsAreRefused() {
    assertThatThrownBy(() -> parse("durable-objects.http.host = \"\""))
        .hasMessageContaining("durable-objects.http.host")
        .hasMessageContaining("must not be empty");
    assertThatThrownBy(() -> parse("durable-objects.http.entity-timeout = 0s"))
        .hasMessageContaining("durable-objects.http.entity-timeout");
    assertThatThrownBy(() -> parse("durable-objects.http.max-in-flight-bytes = 512k"))
        .hasMessageContaining("durable-objects.http.max-in-flight-bytes")
        .hasMessageContaining(
            "must be at least max-body-size (1048576 bytes), or no request of the largest size is"
                + " ever admitted; got 524288");
    assertThat(parse("").maxInFlightBytes()).isEqualTo(256L * 1024 * 1024);
  }
}

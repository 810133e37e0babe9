package io.durableobjects.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TimeFactorTest {
  private final String before = System.getProperty(TimeFactor.PROPERTY);

  @AfterEach
  void restore() {
    if (before == null) {
      System.clearProperty(TimeFactor.PROPERTY);
    } else {
      System.setProperty(TimeFactor.PROPERTY, before);
    }
  }

  @Test
  void dilatesByTheFactorOfTheProperty() {
    System.setProperty(TimeFactor.PROPERTY, "2.5");
    assertThat(TimeFactor.dilated(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(25));
    assertThat(TimeFactor.seconds(4)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void neverShrinksAndIgnoresWhatIsNotANumber() {
    System.setProperty(TimeFactor.PROPERTY, "0.5");
    assertThat(TimeFactor.factor()).isEqualTo(1.0);
    System.setProperty(TimeFactor.PROPERTY, "fast");
    assertThat(TimeFactor.factor()).isEqualTo(1.0);
    System.clearProperty(TimeFactor.PROPERTY);
    assertThat(TimeFactor.dilated(Duration.ofMillis(1500))).isEqualTo(Duration.ofMillis(1500));
  }
}

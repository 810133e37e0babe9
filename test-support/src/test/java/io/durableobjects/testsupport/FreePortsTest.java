package io.durableobjects.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {
  @Test
  void neverHandsOutAPortTwice() {
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      assertThat(ports.add(FreePorts.next())).as("port %d new", i).isTrue();
    }
    assertThat(ports).allSatisfy(port -> assertThat(port).isBetween(1, 65535));
  }
}

package io.durableobjects.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScenarioTest {
  @Test
  void blankSelectsAllButCold10kInRunningOrder() {
    assertEquals(
        List.of(
            Scenario.ALIVE,
            Scenario.READ,
            Scenario.HOT,
            Scenario.SPREAD,
            Scenario.COLD,
            Scenario.MILLION,
            Scenario.FEED,
            Scenario.ACTIVATION,
            Scenario.MEMORY),
        Scenario.selected(""));
  }

  @Test
  void hotAndSpreadAlwaysRun() {
    assertEquals(List.of(Scenario.HOT, Scenario.SPREAD), Scenario.selected("none"));
    assertEquals(
        List.of(Scenario.COLD_10K, Scenario.HOT, Scenario.SPREAD, Scenario.MILLION),
        Scenario.selected("million, cold10k"));
  }

  @Test
  void anUnknownNameIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Scenario.selected("hot,milion"));
  }
}

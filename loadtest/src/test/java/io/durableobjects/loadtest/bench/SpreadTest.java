package io.durableobjects.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpreadTest {
  @Test
  void medianOfAnOddCountIsTheMiddleValueWhateverTheOrder() {
    Spread s = Spread.of(List.of(5.0, 1.0, 9.0, 3.0, 7.0));
    assertEquals(5.0, s.median());
    assertEquals(1.0, s.min());
    assertEquals(9.0, s.max());
    assertEquals(5, s.runs());
  }

  @Test
  void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertEquals(2.5, Spread.of(List.of(4.0, 1.0, 3.0, 2.0)).median());
    assertEquals(6.0, Spread.of(List.of(6.0)).median());
  }

  @Test
  void ratioIsBOverAOfTheMedians() {
    Spread a = Spread.of(List.of(100.0, 200.0, 300.0));
    Spread b = Spread.of(List.of(150.0, 300.0, 999.0));
    assertEquals(1.5, Spread.ratio(a, b));
    assertTrue(Double.isNaN(Spread.ratio(Spread.of(List.of(0.0)), b)));
    assertThrows(IllegalArgumentException.class, () -> Spread.of(List.of()));
  }
}

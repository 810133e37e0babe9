package io.durableobjects.core.internal.entity;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.core.Request;
import io.durableobjects.core.spi.LogText;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Object names and paths are percent-decoded client input: a name such as {@code a%0D%0Afake} would
 * forge a log line where a call is logged (a failed or late call, a socket, an alarm). What the
 * runtime and the gateway log of them is escaped ({@link LogText}).
 */
class ObjectNamesInLogsTest {
  private static final String FORGED = "room\r\n2026-01-01 ERROR forged line\u0085\u2028\u001b[31m";

  @Test
  void controlCharactersAreEscapedAndPlainTextIsKept() {
    assertThat(LogText.escape("lobby/ä €")).isEqualTo("lobby/ä €");
    assertThat(LogText.escape("a\r\nb\tc\\n\u0000\u007f\u0085\u2028"))
        .isEqualTo("a\\r\\nb\\tc\\\\n\\u0000\\u007f\\u0085\\u2028");
    assertThat(LogText.escape(null)).isNull();
  }

  @Test
  void aFetchCallPrintsItsNameAndPathOnOneLine() {
    Request request = Request.of("POST", "/x\r\ny").withQuery("q=\n");
    ObjectCommand.Fetch fetch = new ObjectCommand.Fetch(FORGED, request, List.of(), null);
    assertOneLine(fetch.toString());
    assertThat(fetch.toString()).contains("room\\r\\n2026-01-01 ERROR forged line", "/x\\r\\ny");
    assertOneLine(request.toString());
  }

  @Test
  void anUpgradeAndAnAlarmWakeUpPrintTheirNamesOnOneLine() {
    Request request = Request.of("GET", "/ws\n");
    assertOneLine(new ObjectCommand.Upgrade(FORGED, request, "s1", null, null).toString());
    assertOneLine(new ObjectCommand.WakeForAlarms(FORGED, 1L).toString());
  }

  private static void assertOneLine(String logged) {
    assertThat(logged)
        .as(logged)
        .doesNotContain("\r", "\n", "\u0085", "\u2028", "\u001b")
        .doesNotContainPattern("\\p{Cntrl}");
  }
}

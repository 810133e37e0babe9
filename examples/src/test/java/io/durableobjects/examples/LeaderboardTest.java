package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LeaderboardTest {
  private static ExampleNode node;

  @BeforeAll
  static void start() {
    node = new ExampleNode("LeaderboardTest");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static Response score(String board, String player, long score) throws Exception {
    return node.call(
        "leaderboard",
        board,
        Request.of("POST", "/scores")
            .withBody("{\"player\": \"" + player + "\", \"score\": " + score + "}"));
  }

  private static Response top(String board, String query) throws Exception {
    return node.call("leaderboard", board, Request.of("GET", "/top").withQuery(query));
  }

  @Test
  void theTopIsOrderedByBestScoreHighestFirst() throws Exception {
    score("game", "ada", 10);
    score("game", "bob", 30);
    score("game", "cyd", -5);
    score("game", "ada", 50);
    assertThat(score("game", "bob", 20).bodyText()).isEqualTo("{\"player\":\"bob\",\"score\":30}");

    assertThat(top("game", "n=10").bodyText())
        .isEqualTo(
            "[{\"player\":\"ada\",\"score\":50},{\"player\":\"bob\",\"score\":30},"
                + "{\"player\":\"cyd\",\"score\":-5}]");
    assertThat(top("game", "n=1").bodyText()).isEqualTo("[{\"player\":\"ada\",\"score\":50}]");
  }

  @Test
  void scoresOrderNumericallyAcrossSignsAndMagnitudes() throws Exception {
    long[] scores = {Long.MIN_VALUE, -100, -1, 0, 1, 9, 10, 100, Long.MAX_VALUE};
    for (int i = 0; i < scores.length; i++) {
      score("numeric", "p" + i, scores[i]);
    }
    String body = top("numeric", "n=100").bodyText();
    int previous = Integer.MAX_VALUE;
    for (int i = scores.length - 1; i >= 0; i--) {
      int at = body.indexOf("\"p" + i + "\"");
      assertThat(at).isGreaterThanOrEqualTo(0);
      if (i < scores.length - 1) {
        assertThat(at).isGreaterThan(previous);
      }
      previous = at;
    }
  }

  @Test
  void badInputIsRefused() throws Exception {
    Response response =
        node.call("leaderboard", "bad", Request.of("POST", "/scores").withBody("{\"player\": 1}"));
    assertThat(response.status()).isEqualTo(400);
    assertThat(top("bad", "n=0").status()).isEqualTo(400);
    assertThat(top("bad", "n=abc").status()).isEqualTo(400);
    assertThat(top("bad", "n=101").status()).isEqualTo(400);
    assertThat(node.call("leaderboard", "bad", Request.of("DELETE", "/top")).status())
        .isEqualTo(405);
  }
}

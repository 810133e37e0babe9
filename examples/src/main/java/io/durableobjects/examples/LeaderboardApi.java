package io.durableobjects.examples;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The {@link Leaderboard}'s RPC interface: from Java, {@code
 * namespace.getByName("game").rpc(LeaderboardApi.class).submit("ada", 42)}; over HTTP, {@code POST
 * /v1/leaderboard/rpc/by-name/game/submit} with the body {@code ["ada", 42]}.
 */
public interface LeaderboardApi {

  /** One row of the board. */
  record Entry(String player, long score) {}

  /**
   * Records a score; a player's best one counts.
   *
   * @param player 1 to 64 characters
   * @return the player's best score now
   */
  CompletionStage<Entry> submit(String player, long score);

  /** The best {@code n} players (1 to 100), best first. */
  CompletionStage<List<Entry>> top(int n);
}

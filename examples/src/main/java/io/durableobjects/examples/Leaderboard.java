package io.durableobjects.examples;

import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.DurableObjectState;
import io.durableobjects.core.FetchHandler;
import io.durableobjects.core.ListOptions;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.core.Router;
import io.durableobjects.core.Storage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A leaderboard (namespace {@code leaderboard}): a player's best score counts; the top N are read
 * with one {@code list} over keys ordered by score, so reads never sort. Both operations are HTTP
 * routes and RPC methods ({@link LeaderboardApi}):
 *
 * <pre>
 * POST /v1/leaderboard/by-name/{board}/scores   {"player": "ada", "score": 42}
 * GET  /v1/leaderboard/by-name/{board}/top?n=10 → [{"player": "ada", "score": 42}, ...]
 * POST /v1/leaderboard/rpc/by-name/{board}/submit   ["ada", 42]
 * POST /v1/leaderboard/rpc/by-name/{board}/top      [10]
 * </pre>
 *
 * <p>Keys: {@code best:<player>} holds a player's best score; {@code rank:<score>:<player>} orders
 * them, the score as 16 hex digits of {@code score ^ Long.MIN_VALUE}: the keys' byte order is the
 * scores' numeric order (negative scores included).
 */
public final class Leaderboard implements FetchHandler, LeaderboardApi {
  static final int MAX_TOP = 100;
  private static final String BEST = "best:";
  private static final String RANK = "rank:";

  /** The body of {@code POST /scores}. */
  record Score(String player, Long score) {}

  private final Storage storage;
  private final Router<Response> router =
      Router.create()
          .post("/scores", request -> Response.json(submitted(request.bodyAs(Score.class))))
          .get("/top", request -> Response.json(best(request.queryParam("n").orElse("10"))));

  public Leaderboard(DurableObjectState state) {
    this.storage = state.storage();
  }

  @Override
  public Response fetch(Request request) throws Exception {
    return router.fetch(request);
  }

  @Override
  public CompletionStage<Entry> submit(String player, long score) {
    return CompletableFuture.completedFuture(submitted(new Score(player, score)));
  }

  @Override
  public CompletionStage<List<Entry>> top(int n) {
    return CompletableFuture.completedFuture(best(Integer.toString(n)));
  }

  private Entry submitted(Score score) {
    String name = score.player();
    if (name == null || name.isEmpty() || name.length() > 64 || score.score() == null) {
      throw badRequest(
          "the body must be {\"player\": name (1 to 64 characters), \"score\": integer}");
    }
    long value = score.score();
    Optional<Long> best = storage.get(BEST + name, Long.class);
    if (best.isEmpty() || value > best.get()) {
      best.ifPresent(previous -> storage.delete(rankKey(previous, name)));
      storage.put(BEST + name, value);
      storage.put(rankKey(value, name), name);
    }
    return new Entry(name, Math.max(value, best.orElse(value)));
  }

  private List<Entry> best(String n) {
    int count = n.matches("[0-9]{1,3}") ? Integer.parseInt(n) : 0;
    if (count < 1 || count > MAX_TOP) {
      throw badRequest("n must be an integer between 1 and " + MAX_TOP);
    }
    List<Entry> entries = new ArrayList<>(count);
    storage
        .list(
            ListOptions.create().withPrefix(RANK).withReverse(true).withLimit(count), String.class)
        .forEach((key, name) -> entries.add(new Entry(name, scoreOf(key))));
    return entries;
  }

  private static String rankKey(long score, String player) {
    return RANK + String.format("%016x", score ^ Long.MIN_VALUE) + ":" + player;
  }

  private static long scoreOf(String rankKey) {
    String hex = rankKey.substring(RANK.length(), RANK.length() + 16);
    return Long.parseUnsignedLong(hex, 16) ^ Long.MIN_VALUE;
  }

  private static DurableObjectException badRequest(String message) {
    return new DurableObjectException(400, "bad_request", message);
  }
}

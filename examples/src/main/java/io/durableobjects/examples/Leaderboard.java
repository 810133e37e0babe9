package io.durableobjects.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durableobjects.core.DurableObject;
import io.durableobjects.core.FetchHandler;
import io.durableobjects.core.DurableObjectState;
import io.durableobjects.core.ListOptions;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A leaderboard (namespace {@code leaderboard}): a player's best score counts; the top N are read
 * with one {@code list} over keys ordered by score, so reads never sort.
 *
 * <pre>
 * POST /v1/leaderboard/by-name/{board}/scores   {"player": "ada", "score": 42}
 * GET  /v1/leaderboard/by-name/{board}/top?n=10 → [{"player": "ada", "score": 42}, ...]
 * </pre>
 *
 * <p>Keys: {@code best:<player>} holds a player's best score; {@code rank:<score>:<player>} orders
 * them, the score written as 16 hex digits of {@code score ^ Long.MIN_VALUE} so that the keys'
 * byte order is the scores' numeric order (negative scores included).
 */
public final class Leaderboard implements FetchHandler {
  static final int MAX_TOP = 100;
  private static final int MAX_PLAYER_LENGTH = 64;
  private static final String BEST = "best:";
  private static final String RANK = "rank:";

  /** One row of the board. */
  public record Entry(String player, long score) {}

  private final DurableObjectState state;

  public Leaderboard(DurableObjectState state) {
    this.state = state;
  }

  @Override
  public Response fetch(Request request) {
    switch (request.path()) {
      case "/scores":
        return request.method().equals("POST") ? submit(request) : JsonResponses.methodNotAllowed("POST");
      case "/top":
        return request.method().equals("GET") ? top(request) : JsonResponses.methodNotAllowed("GET");
      default:
        return JsonResponses.notFound(request.path());
    }
  }

  private Response submit(Request request) {
    Optional<ObjectNode> body = JsonResponses.objectBody(request);
    JsonNode player = body.map(b -> b.get("player")).orElse(null);
    JsonNode score = body.map(b -> b.get("score")).orElse(null);
    if (player == null
        || !player.isTextual()
        || player.textValue().isEmpty()
        || player.textValue().length() > MAX_PLAYER_LENGTH
        || score == null
        || !score.isIntegralNumber()
        || !score.canConvertToLong()) {
      return JsonResponses.error(
          400,
          "bad_request",
          "the body must be {\"player\": name (1 to 64 characters), \"score\": integer}");
    }
    String name = player.textValue();
    long value = score.longValue();
    Optional<Long> best = state.storage().get(BEST + name, Long.class);
    if (best.isEmpty() || value > best.get()) {
      best.ifPresent(previous -> state.storage().delete(rankKey(previous, name)));
      state.storage().put(BEST + name, value);
      state.storage().put(rankKey(value, name), name);
    }
    return JsonResponses.json(new Entry(name, Math.max(value, best.orElse(value))));
  }

  private Response top(Request request) {
    int n;
    try {
      n = Integer.parseInt(request.queryParam("n").orElse("10"));
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 1 || n > MAX_TOP) {
      return JsonResponses.error(400, "bad_request", "n must be an integer between 1 and " + MAX_TOP);
    }
    Map<String, String> ranked =
        state
            .storage()
            .list(ListOptions.create().withPrefix(RANK).withReverse(true).withLimit(n), String.class);
    List<Entry> entries = new ArrayList<>(ranked.size());
    ranked.forEach((key, name) -> entries.add(new Entry(name, scoreOf(key))));
    return JsonResponses.json(entries);
  }

  private static String rankKey(long score, String player) {
    return RANK + String.format("%016x", score ^ Long.MIN_VALUE) + ":" + player;
  }

  private static long scoreOf(String rankKey) {
    String hex = rankKey.substring(RANK.length(), RANK.length() + 16);
    return Long.parseUnsignedLong(hex, 16) ^ Long.MIN_VALUE;
  }
}

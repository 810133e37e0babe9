package io.durableobjects.core.internal.entity;

import io.durableobjects.core.Request;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * INTERNAL API: what binds an idempotency key to its request. A retry with the key must be the same
 * request: the same method, path (with its query) and body for a fetch; the same method, parameter
 * types and arguments for an RPC. Headers are left out, as Stripe does: a retry may carry another
 * request ID, date or token. The fingerprint is the SHA-256 of those parts, each length-prefixed so
 * that no two requests run together into the same bytes, in hexadecimal.
 */
final class RequestFingerprint {
  private RequestFingerprint() {}

  /** The fingerprint of a keyed call: a fetch or an RPC. */
  static String of(ObjectCommand.Call call) {
    MessageDigest digest = sha256();
    if (call instanceof ObjectCommand.Invoke invoke) {
      part(digest, "rpc");
      part(digest, invoke.method());
      List<String> types = invoke.parameterTypes() == null ? List.of() : invoke.parameterTypes();
      part(digest, String.join(",", types));
      part(digest, invoke.arguments() == null ? new byte[0] : invoke.arguments());
    } else {
      Request request = ((ObjectCommand.Fetch) call).request();
      part(digest, "fetch");
      part(digest, request.method());
      part(digest, request.path());
      part(digest, request.query().orElse(""));
      part(digest, request.body());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void part(MessageDigest digest, String text) {
    part(digest, text.getBytes(StandardCharsets.UTF_8));
  }

  private static void part(MessageDigest digest, byte[] bytes) {
    digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
    digest.update(bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}

package io.durableobjects.core.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * INTERNAL API: derivation and validation of object IDs.
 *
 * <p>An ID is 32 bytes, printed as 64 lowercase hex characters: 24 bytes that identify the object
 * within its namespace, then an 8-byte tag, {@code SHA-256("tag", namespace, body)} truncated, that
 * binds the ID to its namespace. The body of a name-derived ID is {@code SHA-256("name", namespace,
 * name)} truncated; of a unique ID, 24 random bytes. This layout is persistent (IDs are journal
 * keys): never change it.
 */
public final class ObjectIds {
  private static final int BODY_BYTES = 24;
  private static final int TAG_BYTES = 8;
  public static final int HEX_LENGTH = 2 * (BODY_BYTES + TAG_BYTES);
  private static final HexFormat HEX = HexFormat.of();
  private static final SecureRandom RANDOM = new SecureRandom();

  private ObjectIds() {}

  /** The hex ID derived from {@code name} in {@code namespace}; the same on every node. */
  public static String fromName(String namespace, String name) {
    byte[] body = sha256("durable-objects/name", namespace, name.getBytes(StandardCharsets.UTF_8));
    return withTag(namespace, body);
  }

  /** A new random hex ID in {@code namespace}. */
  public static String unique(String namespace) {
    byte[] body = new byte[BODY_BYTES];
    RANDOM.nextBytes(body);
    return withTag(namespace, body);
  }

  /**
   * Checks that {@code hex} is a well-formed ID of {@code namespace}.
   *
   * @return {@code null} if it is, else the reason it is not
   */
  public static String problem(String namespace, String hex) {
    if (hex == null) {
      return "the ID is missing";
    }
    if (hex.length() != HEX_LENGTH) {
      return "an ID has " + HEX_LENGTH + " hex characters, got " + hex.length();
    }
    for (int i = 0; i < hex.length(); i++) {
      char c = hex.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return "an ID is lowercase hex, found '" + c + "' at index " + i;
      }
    }
    byte[] bytes = HEX.parseHex(hex);
    byte[] body = java.util.Arrays.copyOf(bytes, BODY_BYTES);
    if (!withTag(namespace, body).equals(hex)) {
      return "the ID does not belong to namespace '" + namespace + "'";
    }
    return null;
  }

  private static String withTag(String namespace, byte[] body) {
    byte[] tag = sha256("durable-objects/tag", namespace, body);
    byte[] id = new byte[BODY_BYTES + TAG_BYTES];
    System.arraycopy(body, 0, id, 0, BODY_BYTES);
    System.arraycopy(tag, 0, id, BODY_BYTES, TAG_BYTES);
    return HEX.formatHex(id);
  }

  private static byte[] sha256(String purpose, String namespace, byte[] data) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(purpose.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(namespace.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(data);
      return java.util.Arrays.copyOf(digest.digest(), BODY_BYTES);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }
}

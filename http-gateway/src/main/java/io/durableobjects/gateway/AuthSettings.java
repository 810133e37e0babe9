package io.durableobjects.gateway;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who may call the gateway, read from {@code durable-objects.http.auth} (see reference.conf).
 *
 * @param required whether object traffic needs a bearer API token (resolved from {@code auto}: on
 *     unless the gateway binds a loopback address)
 * @param tokens the API tokens, each valid for every namespace or for one
 * @param adminToken the admin API's token; empty disables the admin API
 */
public record AuthSettings(boolean required, List<ApiToken> tokens, Optional<String> adminToken) {

  private static final Pattern NAMESPACE = Pattern.compile("[a-z][a-z0-9-]*");
  private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]{16,256}");

  /**
   * One API token. Its {@code toString} never shows the secret.
   *
   * @param namespace the only namespace it is valid for, or empty for all
   * @param secret the token itself
   */
  public record ApiToken(Optional<String> namespace, String secret) {
    @Override
    public String toString() {
      return "ApiToken[" + namespace.orElse("*") + "]";
    }
  }

  public AuthSettings {
    tokens = List.copyOf(tokens);
  }

  @Override
  public String toString() {
    return "AuthSettings[required="
        + required
        + ", tokens="
        + tokens
        + ", admin="
        + (adminToken.isPresent() ? "set" : "disabled")
        + "]";
  }

  /**
   * Reads and validates the settings for a gateway bound to {@code host}.
   *
   * @throws ConfigException naming the bad key; token values never appear in messages
   */
  static AuthSettings fromConfig(Config http, String host) {
    Config c = http.getConfig("auth");
    List<ApiToken> tokens = parseTokens(c.getString("tokens"));
    String admin = c.getString("admin-token").strip();
    if (!admin.isEmpty() && !TOKEN.matcher(admin).matches()) {
      throw new ConfigException.BadValue(
          c.origin(),
          "durable-objects.http.auth.admin-token",
          "must be 16 to 256 visible ASCII characters without spaces (value not shown)");
    }
    String mode = c.getString("required").strip().toLowerCase(Locale.ROOT);
    boolean required;
    switch (mode) {
      case "on":
        required = true;
        break;
      case "off":
        required = false;
        break;
      case "auto":
        required = !isLoopback(host);
        break;
      default:
        throw new ConfigException.BadValue(
            c.origin(),
            "durable-objects.http.auth.required",
            "must be auto, on or off, got '" + mode + "'");
    }
    if (required && tokens.isEmpty()) {
      throw new ConfigException.BadValue(
          c.origin(),
          "durable-objects.http.auth.tokens",
          "object traffic requires a bearer token"
              + ("auto".equals(mode)
                  ? " because the gateway binds the non-loopback address " + host
                  : "")
              + ", but no token is configured: set DO_API_TOKENS (or durable-objects.http.auth.tokens),"
              + " or durable-objects.http.auth.required = off to serve without authentication");
    }
    return new AuthSettings(
        required, tokens, admin.isEmpty() ? Optional.empty() : Optional.of(admin));
  }

  private static List<ApiToken> parseTokens(String raw) {
    List<ApiToken> tokens = new ArrayList<>();
    String[] entries = raw.split(",");
    for (int i = 0; i < entries.length; i++) {
      String entry = entries[i].strip();
      if (entry.isEmpty()) {
        continue;
      }
      Optional<String> namespace = Optional.empty();
      String secret = entry;
      int colon = entry.indexOf(':');
      if (colon > 0 && NAMESPACE.matcher(entry.substring(0, colon)).matches()) {
        namespace = Optional.of(entry.substring(0, colon));
        secret = entry.substring(colon + 1);
      }
      if (!TOKEN.matcher(secret).matches()) {
        throw new ConfigException.BadValue(
            "durable-objects.http.auth.tokens",
            "entry "
                + (i + 1)
                + " is not a valid token: tokens are 16 to 256 visible ASCII"
                + " characters without spaces or commas, optionally prefixed by 'namespace:'"
                + " (value not shown)");
      }
      tokens.add(new ApiToken(namespace, secret));
    }
    return tokens;
  }

  private static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      // Only literal addresses are judged; a name that needs a lookup counts as non-loopback.
      return (host.matches("[0-9.]+") || host.contains(":"))
          && InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}

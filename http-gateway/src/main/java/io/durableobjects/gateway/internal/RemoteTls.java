package io.durableobjects.gateway.internal;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * INTERNAL API: checks remoting's transport and TLS settings before the actor system starts: the
 * transport is one Pekko knows, and with {@code pekko.remote.artery.transport = tls-tcp} ({@code
 * DO_REMOTE_TRANSPORT}) and Pekko's {@code ConfigSSLEngineProvider}, the keystore and truststore
 * must be readable files: Pekko itself would only fail when the first connection is made, with a
 * bare file name in a log line.
 */
public final class RemoteTls {
  private static final String ARTERY = "pekko.remote.artery";
  private static final String ENGINE = ARTERY + ".ssl.config-ssl-engine";
  private static final String CONFIG_PROVIDER =
      "org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider";

  private RemoteTls() {}

  /** Whether remoting uses TLS ({@code tls-tcp}). */
  public static boolean enabled(Config config) {
    return config
        .getString(ARTERY + ".transport")
        .strip()
        .toLowerCase(Locale.ROOT)
        .equals("tls-tcp");
  }

  /**
   * Throws {@link IllegalArgumentException} naming the setting and its environment variable when
   * TLS is on and a store is missing or unreadable; does nothing otherwise.
   */
  public static void check(Config config) {
    String transport = config.getString(ARTERY + ".transport").strip().toLowerCase(Locale.ROOT);
    if (!Set.of("tcp", "tls-tcp", "aeron-udp").contains(transport)) {
      throw new IllegalArgumentException(
          ARTERY
              + ".transport (DO_REMOTE_TRANSPORT) must be tcp or tls-tcp, but was \""
              + config.getString(ARTERY + ".transport")
              + "\"");
    }
    if (!enabled(config)
        || !config.getString(ARTERY + ".ssl.ssl-engine-provider").equals(CONFIG_PROVIDER)) {
      return;
    }
    store(config, "key-store", "DO_REMOTE_TLS_KEYSTORE");
    store(config, "trust-store", "DO_REMOTE_TLS_TRUSTSTORE");
  }

  private static void store(Config config, String key, String variable) {
    String path = config.getString(ENGINE + "." + key);
    if (!Files.isReadable(Path.of(path)) || Files.isDirectory(Path.of(path))) {
      throw new IllegalArgumentException(
          ENGINE
              + "."
              + key
              + " ("
              + variable
              + "): no readable file at "
              + path
              + " (remoting uses TLS: "
              + ARTERY
              + ".transport = tls-tcp, DO_REMOTE_TRANSPORT)");
    }
  }
}

package io.durableobjects.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The gateway uses only core's public API ({@code io.durableobjects.core}, {@code core.admin}) and
 * its SPI ({@code core.spi}), never {@code core.internal}: every compiled gateway class is read for
 * references to internal classes (a reference in code, a field or a signature names the class in
 * the class file's constant pool, whatever the source's imports looked like).
 */
class GatewayBoundaryTest {
  private static final String INTERNAL = "io/durableobjects/core/internal/";

  @Test
  void gatewayClassesReferenceNoCoreInternalClass() throws Exception {
    Path classes =
        Path.of(ObjectRoutes.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Path> classFiles;
    try (Stream<Path> files = Files.walk(classes)) {
      classFiles = files.filter(file -> file.toString().endsWith(".class")).toList();
    }
    assertThat(classFiles).as("the gateway's classes in %s", classes).hasSizeGreaterThan(20);

    List<String> offenders =
        classFiles.stream()
            .filter(GatewayBoundaryTest::referencesCoreInternal)
            .map(file -> classes.relativize(file).toString())
            .toList();

    assertThat(offenders)
        .as("gateway classes that use core.internal (use core's public API or core.spi instead)")
        .isEmpty();
  }

  @Test
  void theCheckSeesAReferenceToCoreInternal() throws IOException {
    // ClientSockets (core.spi) creates the runtime's implementation, a core.internal class: read
    // the same way, its class file must be caught.
    byte[] spi;
    try (var in =
        io.durableobjects.core.spi.ClientSockets.class.getResourceAsStream("ClientSockets.class")) {
      spi = in.readAllBytes();
    }
    assertThat(referencesCoreInternal(spi)).isTrue();
  }

  private static boolean referencesCoreInternal(Path classFile) {
    try {
      return referencesCoreInternal(Files.readAllBytes(classFile));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean referencesCoreInternal(byte[] classFile) {
    return new String(classFile, StandardCharsets.ISO_8859_1).contains(INTERNAL);
  }
}

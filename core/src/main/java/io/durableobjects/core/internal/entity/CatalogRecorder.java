package io.durableobjects.core.internal.entity;

import io.durableobjects.core.spi.CatalogEntry;
import io.durableobjects.core.spi.ObjectCatalog;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * INTERNAL API: keeps the object's entry in the {@link ObjectCatalog} (the admin API's listing):
 * told whether the object holds data each time its state is durable, it writes only when that
 * changed. An object that never held data stays out of the catalog.
 */
final class CatalogRecorder {
  private final ObjectCatalog catalog;
  private final String namespace;
  private final String hex;
  private final Clock clock;
  private final Logger log;
  // What the catalog was last told (null: nothing yet).
  private Boolean hasData;

  CatalogRecorder(ObjectCatalog catalog, String namespace, String hex, Clock clock, Logger log) {
    this.catalog = catalog;
    this.namespace = namespace;
    this.hex = hex;
    this.clock = clock;
    this.log = log;
  }

  void record(boolean nowHasData, String objectName) {
    if (Boolean.valueOf(nowHasData).equals(hasData) || hasData == null && !nowHasData) {
      return; // unchanged, or an object that never held data
    }
    hasData = nowHasData;
    CatalogEntry entry =
        new CatalogEntry(
            namespace, hex, Optional.ofNullable(objectName), nowHasData, clock.instant());
    catalog
        .record(entry)
        .whenComplete(
            (done, failure) -> {
              if (failure != null) {
                log.warn("Could not record object {} in the catalog: {}", hex, failure.toString());
              }
            });
  }
}

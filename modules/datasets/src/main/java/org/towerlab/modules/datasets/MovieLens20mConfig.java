package org.towerlab.modules.datasets;

import org.towerlab.api.config.ComponentConfig;

/**
 * Config of {@link MovieLens20m} (also reads MovieLens 25M and the "latest" releases).
 *
 * @param path folder holding ratings.csv and movies.csv; default {@code <data root>/<release>}
 * @param historyLength length of the query-side {@code history} sequence field; 0 = none (default)
 * @param protocol the split protocol; default {@code per-user-ratio}
 * @param release {@code ml-20m} (default), {@code ml-25m} or {@code ml-latest-small}: the folder read
 *     when {@code path} is not given ({@code <data root>/<release>}), the data set downloaded when it
 *     is missing, and the data set's name
 */
public record MovieLens20mConfig(String path, Integer historyLength, ComponentConfig.Protocol protocol,
    String release) implements ComponentConfig.Data {

  public MovieLens20mConfig {
    historyLength = historyLength == null ? 0 : historyLength;
    if (historyLength < 0) {
      throw new IllegalArgumentException("history-length must be >= 0, got " + historyLength);
    }
    protocol = protocol == null ? PerUserRatioConfig.defaults() : protocol;
    release = release == null ? "ml-20m" : release;
    if (!java.util.List.of("ml-20m", "ml-25m", "ml-latest-small").contains(release)) {
      throw new IllegalArgumentException("release must be ml-20m, ml-25m or ml-latest-small, got '" + release + "'");
    }
  }
}

package org.towerlab.modules.datasets;

import org.towerlab.api.config.ComponentConfig;

/**
 * Config of {@link MovieLens20m} (also reads MovieLens 25M and the "latest" releases).
 *
 * @param path folder holding ratings.csv and movies.csv; default {@code <data root>/ml-20m}
 * @param historyLength length of the query-side {@code history} sequence field; 0 = none (default)
 * @param protocol the split protocol; default {@code per-user-ratio}
 */
public record MovieLens20mConfig(String path, Integer historyLength, ComponentConfig.Protocol protocol)
    implements ComponentConfig.Data {

  public MovieLens20mConfig {
    historyLength = historyLength == null ? 0 : historyLength;
    if (historyLength < 0) {
      throw new IllegalArgumentException("history-length must be >= 0, got " + historyLength);
    }
    protocol = protocol == null ? PerUserRatioConfig.defaults() : protocol;
  }
}

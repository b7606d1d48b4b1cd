package org.towerlab.modules.datasets;

import java.nio.charset.Charset;
import org.towerlab.api.config.ComponentConfig;

/**
 * Config of {@link MovieLens1m} (also reads MovieLens 10M, which has no users.dat).
 *
 * @param path folder holding ratings.dat, movies.dat and (1M only) users.dat; default
 *     {@code <data root>/ml-1m}
 * @param historyLength length of the query-side {@code history} sequence field; 0 = none (default)
 * @param encoding charset of the files; default ISO-8859-1 (the 1M movies.dat is Latin-1)
 * @param protocol the split protocol; default {@code per-user-ratio}
 */
public record MovieLens1mConfig(String path, Integer historyLength, String encoding,
    ComponentConfig.Protocol protocol) implements ComponentConfig.Data {

  public MovieLens1mConfig {
    historyLength = historyLength == null ? 0 : historyLength;
    if (historyLength < 0) {
      throw new IllegalArgumentException("history-length must be >= 0, got " + historyLength);
    }
    encoding = encoding == null ? "ISO-8859-1" : encoding;
    if (!Charset.isSupported(encoding)) {
      throw new IllegalArgumentException("encoding '" + encoding + "' is not a known charset");
    }
    protocol = protocol == null ? PerUserRatioConfig.defaults() : protocol;
  }
}

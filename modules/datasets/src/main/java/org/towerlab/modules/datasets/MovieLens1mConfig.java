package org.towerlab.modules.datasets;

import java.nio.charset.Charset;
import org.towerlab.api.config.ComponentConfig;

/**
 * Config of {@link MovieLens1m} (also reads MovieLens 10M, which has no users.dat).
 *
 * @param path folder holding ratings.dat, movies.dat and (1M only) users.dat; default
 *     {@code <data root>/<release>}
 * @param historyLength length of the query-side {@code history} sequence field; 0 = none (default)
 * @param encoding charset of the files; default ISO-8859-1 (the 1M movies.dat is Latin-1)
 * @param protocol the split protocol; default {@code per-user-ratio}
 * @param release {@code ml-1m} (default) or {@code ml-10m}: the folder read when {@code path} is
 *     not given ({@code <data root>/<release>}) and the data set downloaded when it is missing
 */
public record MovieLens1mConfig(String path, Integer historyLength, String encoding,
    ComponentConfig.Protocol protocol, String release) implements ComponentConfig.Data {

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
    release = release == null ? "ml-1m" : release;
    if (!release.equals("ml-1m") && !release.equals("ml-10m")) {
      throw new IllegalArgumentException("release must be ml-1m or ml-10m, got '" + release + "'");
    }
  }
}

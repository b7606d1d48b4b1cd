package org.towerlab.modules.datasets;

import org.towerlab.api.config.ComponentConfig;

/**
 * Config of {@link MovieLens100k}.
 *
 * @param path folder holding u.data, u.user and u.item; default {@code <data root>/ml-100k}
 * @param historyLength when positive, declare a query-side sequence field {@code history} of this
 *     length (filled per example by the trainer); default 0 = no history field
 * @param protocol the split protocol; default {@code per-user-ratio} with its defaults
 * @param titleTokens when positive, declare an item field {@code title} (multi-categorical) with the
 *     first this many word tokens of each title (lower case, year, articles and one-letter words
 *     removed); default 0 = no title field (the towers' default "every field" stays as before)
 */
public record MovieLens100kConfig(String path, Integer historyLength, ComponentConfig.Protocol protocol,
    Integer titleTokens) implements ComponentConfig.Data {

  public MovieLens100kConfig {
    historyLength = historyLength == null ? 0 : historyLength;
    if (historyLength < 0) {
      throw new IllegalArgumentException("history-length must be >= 0, got " + historyLength);
    }
    protocol = protocol == null ? PerUserRatioConfig.defaults() : protocol;
    titleTokens = titleTokens == null ? 0 : titleTokens;
    if (titleTokens < 0) {
      throw new IllegalArgumentException("title-tokens must be >= 0, got " + titleTokens);
    }
  }

  /** Without title tokens. */
  public MovieLens100kConfig(String path, Integer historyLength, ComponentConfig.Protocol protocol) {
    this(path, historyLength, protocol, null);
  }

  /** All defaults: the shared copy under the data root. */
  public static MovieLens100kConfig defaults() {
    return new MovieLens100kConfig(null, null, null, null);
  }
}

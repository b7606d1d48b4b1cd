package org.towerlab.modules.metarelated;

import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * Config of {@link CoEngagement}: related-item (item-to-item) retrieval data built from the
 * co-engagement of a user-level source.
 *
 * @param source the user-level data source the pairs are built from ({@code ml-100k},
 *     {@code simulator}, {@code csv}, ...); required. Its own {@code protocol} is not used
 * @param name the data set's name; default {@code related-<source name>}
 * @param engagementLabel the source label that marks an engaged row; default {@code rating} if the
 *     source has it, else {@code click}, else none (every shown row is engaged)
 * @param minEngagement a row is engaged when its label is at least this; default none (above 0)
 * @param window how many of the user's next rows (and previous ones, when {@code symmetric}) a row
 *     is paired with; default 3
 * @param maxGap the largest time between the two rows of a pair, in the source's time unit; default
 *     none
 * @param symmetric whether every co-engaged pair is written in both directions (seed a, candidate
 *     b and seed b, candidate a); default true (co-engagement is symmetric). When false, the seed
 *     is the earlier row
 * @param unengaged what happens to rows that were shown but not engaged: {@code shown} pairs them as
 *     candidates of the engaged rows around them (shown-but-not-engaged pairs, engagement 0: the
 *     negatives of pointwise losses and of the {@code exposure} sampler), {@code drop} leaves them
 *     out (the window then counts engaged rows only); default {@code auto}: {@code shown} when the
 *     source has an exposure column (the simulator, an impression CSV), else {@code drop} (on
 *     MovieLens a low rating is a watched-and-disliked movie, usable as {@code shown} on request)
 * @param relevance the semantic relevance rule ({@link RelevanceConfig}); default: same item
 *     category
 * @param vectors dense per-item vector fields read from files ({@link VectorFileConfig}), added on
 *     both sides; default none
 * @param protocol the split; default {@code related-temporal} (the only protocol allowed: it cuts
 *     pairs in time by their later event, see {@link RelatedTemporal})
 */
public record CoEngagementConfig(ComponentConfig.Data source, String name, String engagementLabel,
    Double minEngagement, Integer window, Long maxGap, Boolean symmetric, String unengaged,
    RelevanceConfig relevance, List<VectorFileConfig> vectors, ComponentConfig.Protocol protocol)
    implements ComponentConfig.Data {

  public CoEngagementConfig {
    if (source == null) {
      throw new IllegalArgumentException("co-engagement needs source: the user-level data the pairs are built from,"
          + " for example {type: ml-100k}");
    }
    if (source instanceof CoEngagementConfig) {
      throw new IllegalArgumentException("the source of co-engagement must be user-level data, got another"
          + " co-engagement source");
    }
    if (minEngagement != null && !Double.isFinite(minEngagement)) {
      throw new IllegalArgumentException("min-engagement must be a finite number, got " + minEngagement);
    }
    window = window == null ? 3 : window;
    if (window < 1) {
      throw new IllegalArgumentException("window must be at least 1, got " + window);
    }
    if (maxGap != null && maxGap < 0) {
      throw new IllegalArgumentException("max-gap must be >= 0, got " + maxGap);
    }
    symmetric = symmetric == null ? Boolean.TRUE : symmetric;
    unengaged = unengaged == null ? "auto" : unengaged;
    if (!List.of("auto", "shown", "drop").contains(unengaged)) {
      throw new IllegalArgumentException("unengaged must be auto, shown or drop, got '" + unengaged + "'");
    }
    relevance = relevance == null ? RelevanceConfig.defaults() : relevance;
    vectors = vectors == null ? List.of() : List.copyOf(vectors);
    for (int i = 0; i < vectors.size(); i++) {
      for (int j = i + 1; j < vectors.size(); j++) {
        if (vectors.get(i).name().equals(vectors.get(j).name())) {
          throw new IllegalArgumentException("two vector files name the field '" + vectors.get(i).name() + "'");
        }
      }
    }
    protocol = protocol == null ? RelatedTemporalConfig.defaults() : protocol;
    if (!(protocol instanceof RelatedTemporalConfig)) {
      throw new IllegalArgumentException("co-engagement pairs must be split by protocol: {type: related-temporal}, which"
          + " cuts them in time by their later event; another protocol would put pairs of the same two events (or of"
          + " one session) into both train and test. Got " + protocol.getClass().getSimpleName());
    }
  }
}

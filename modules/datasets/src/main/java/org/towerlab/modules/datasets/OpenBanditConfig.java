package org.towerlab.modules.datasets;

import org.towerlab.api.config.ComponentConfig;

/**
 * Config of {@link OpenBandit}.
 *
 * @param path folder holding {@code <policy>/<campaign>/<campaign>.csv} and
 *     {@code <policy>/<campaign>/item_context.csv}; default {@code <data root>/open-bandit-small}
 * @param policy the logging (behavior) policy: {@code random} (uniform random, default) or
 *     {@code bts} (Bernoulli Thompson sampling)
 * @param campaign {@code men} (default), {@code women} or {@code all}; the small sample has no
 *     {@code all.csv}, so {@code all} needs the full data set
 * @param queryKey what makes a query: {@code user-features} (default; one query per distinct tuple
 *     of the {@code user_feature_*} columns) or {@code user-features-and-affinity} (the tuple plus
 *     the row's {@code user-item_affinity_*} vector, which then becomes the dense query field
 *     {@code affinity})
 * @param protocol the split protocol; default {@code ctr} on {@code click} with
 *     {@code temporal: true} (train on the first 80% of the impressions in time, validate on the
 *     next 10%, test on the last 10%)
 */
public record OpenBanditConfig(String path, String policy, String campaign, String queryKey,
    ComponentConfig.Protocol protocol) implements ComponentConfig.Data {

  public OpenBanditConfig {
    policy = policy == null ? "random" : policy;
    if (!policy.equals("random") && !policy.equals("bts")) {
      throw new IllegalArgumentException("policy must be random or bts, got '" + policy + "'");
    }
    campaign = campaign == null ? "men" : campaign;
    if (!campaign.equals("all") && !campaign.equals("men") && !campaign.equals("women")) {
      throw new IllegalArgumentException("campaign must be all, men or women, got '" + campaign + "'");
    }
    queryKey = queryKey == null ? "user-features" : queryKey;
    if (!queryKey.equals("user-features") && !queryKey.equals("user-features-and-affinity")) {
      throw new IllegalArgumentException("query-key must be user-features or user-features-and-affinity, got '"
          + queryKey + "'");
    }
    protocol = protocol == null ? defaultProtocol() : protocol;
  }

  /** The default protocol: {@code ctr} on clicks, cut by time. */
  public static CtrConfig defaultProtocol() {
    return new CtrConfig(null, "click", null, null, null, null, true, null);
  }

  public static OpenBanditConfig defaults() {
    return new OpenBanditConfig(null, null, null, null, null);
  }
}

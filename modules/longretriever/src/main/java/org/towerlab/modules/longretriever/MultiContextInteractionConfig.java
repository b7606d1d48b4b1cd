package org.towerlab.modules.longretriever;

import java.util.List;
import org.towerlab.api.config.ComponentConfig;

/**
 * @param temperature divisor of the cosine in training ({@code s = cos(e_u^c, v) / tau}); default 0.1
 * @param budget length of the merged retrieval list (the sum of the contexts' quotas); items after
 *     it follow in the order of their best context score; default 100
 * @param quotas each context's share of the budget by rank (slot 0 = the first selected category),
 *     renormalized over the contexts a user has; at least as many entries as the sequence's
 *     contexts; default equal shares
 * @param restrict whether each context retrieves only items of its own category; default true
 */
public record MultiContextInteractionConfig(Double temperature, Integer budget, List<Double> quotas, Boolean restrict)
    implements ComponentConfig.Interaction {

  public MultiContextInteractionConfig {
    temperature = temperature == null ? 0.1 : temperature;
    budget = budget == null ? 100 : budget;
    quotas = quotas == null ? null : List.copyOf(quotas);
    restrict = restrict == null ? Boolean.TRUE : restrict;
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("temperature must be positive, got " + temperature);
    }
    if (budget <= 0) {
      throw new IllegalArgumentException("budget must be positive, got " + budget);
    }
    if (quotas != null) {
      if (quotas.isEmpty()) {
        throw new IllegalArgumentException("quotas is empty; leave it out for equal shares");
      }
      for (Double q : quotas) {
        if (q == null || !(q > 0) || Double.isInfinite(q)) {
          throw new IllegalArgumentException("quotas must be positive finite shares, got " + quotas);
        }
      }
    }
  }
}

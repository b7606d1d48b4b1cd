package org.towerlab.api;

import java.util.ArrayList;
import java.util.List;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.model.Model;
import org.towerlab.api.sampling.Sampler;

/**
 * Implemented by a component that only works with some others (an interaction that needs towers
 * with several heads, a loss that needs sampled negatives, a sampler that needs a cosine score).
 * {@code towerlab validate} and {@code towerlab run} ask every component of the experiment before
 * anything is loaded or trained, and refuse an invalid combination with the reason.
 */
public interface Compatibility {

  /**
   * @return {@code null} when this component works with {@code parts}; otherwise one sentence that
   *     names the conflict and what to change
   */
  String incompatibility(Parts parts);

  /** The built components of one run. Towers and interaction are {@code null} for untrained models. */
  record Parts(Model model, Object queryTower, Object itemTower, Object interaction, Sampler sampler, Loss loss) {

    public static Parts of(Model model, Sampler sampler, Loss loss) {
      if (!model.trainable()) {
        return new Parts(model, null, null, null, sampler, loss);
      }
      return new Parts(model, model.queryTower(), model.itemTower(), model.interaction(), sampler, loss);
    }

    /** Every problem reported by the parts that implement {@link Compatibility}, in part order. */
    public List<String> problems() {
      List<String> out = new ArrayList<>();
      if (model != null && !model.trainable()) {
        return out;
      }
      for (Object part : new Object[] {model, queryTower, itemTower, interaction, sampler, loss}) {
        if (part instanceof Compatibility c) {
          String p = c.incompatibility(this);
          if (p != null) {
            out.add(p);
          }
        }
      }
      return out;
    }
  }
}

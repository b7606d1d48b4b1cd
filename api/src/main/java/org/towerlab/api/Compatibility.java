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

  /**
   * The built components of one run. Towers and interaction are {@code null} for untrained models;
   * {@code split} is {@code null} until the data is loaded (a component that needs data, such as a
   * sampler of logged negatives, checks it when it is there); {@code trainer} is the strategy.
   */
  record Parts(Model model, Object queryTower, Object itemTower, Object interaction, Sampler sampler, Loss loss,
      Object trainer, org.towerlab.api.data.Split split) {

    public static Parts of(Model model, Sampler sampler, Loss loss) {
      if (!model.trainable()) {
        return new Parts(model, null, null, null, sampler, loss, null, null);
      }
      return new Parts(model, model.queryTower(), model.itemTower(), model.interaction(), sampler, loss, null, null);
    }

    /** These parts with the training strategy. */
    public Parts withTrainer(Object t) {
      return new Parts(model, queryTower, itemTower, interaction, sampler, loss, t, split);
    }

    /** These parts with both towers passed through {@code f} (a wrapper's check of its base towers). */
    public Parts mapTowers(java.util.function.UnaryOperator<Object> f) {
      return new Parts(model, f.apply(queryTower), f.apply(itemTower), interaction, sampler, loss, trainer, split);
    }

    /** These parts with the loaded split. */
    public Parts withSplit(org.towerlab.api.data.Split s) {
      return new Parts(model, queryTower, itemTower, interaction, sampler, loss, trainer, s);
    }

    /** Every problem reported by the parts that implement {@link Compatibility}, in part order. */
    public List<String> problems() {
      List<String> out = new ArrayList<>();
      if (model != null && !model.trainable()) {
        if (trainer instanceof Compatibility c) {
          String p = c.incompatibility(this);
          if (p != null) {
            out.add(p);
          }
        }
        return out;
      }
      for (Object part : new Object[] {model, queryTower, itemTower, interaction, sampler, loss, trainer}) {
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

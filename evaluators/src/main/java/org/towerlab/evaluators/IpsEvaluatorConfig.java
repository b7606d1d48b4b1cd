package org.towerlab.evaluators;

import org.towerlab.api.config.ComponentConfig;

/**
 * Settings of the {@code ips} off-policy evaluator (logged rows with positions and logging
 * propensities: Open Bandit, a csv with {@code position-column} and {@code propensity-column}).
 *
 * @param label the label whose value is the reward {@code r} (its raw value: a click 0/1, a
 *     rating); default {@code positive} (the protocol's label, unprefixed keys). Any other label
 *     prefixes every key with {@code <label>/}
 * @param clip the largest importance weight {@code M}: {@code w = min(pi_e / pi_0, M)}; {@code null}
 *     (the default) does not clip (unbiased IPS). Must be positive
 * @param level two-sided coverage of the intervals, in (0, 1); default 0.95
 * @param excludeSeen whether the target policy skips the query's seen items (train, plus valid when
 *     testing); default {@code false}: a logging policy such as Open Bandit's shows an item again, so
 *     the evaluated policy may too. Not the split's setting: that one is for ranking evaluators
 * @param queryBlock queries ranked per block; default 512
 * @param itemBlock items scored per block; 0 (the default) scores the whole corpus in one block
 * @param scorer the run's named scorer whose policy is evaluated instead of the system under test;
 *     prefixes keys with {@code <scorer>/}
 * @param task the task of a multi-task model to rank by; default none
 */
public record IpsEvaluatorConfig(String label, Double clip, Double level, Boolean excludeSeen, Integer queryBlock,
    Integer itemBlock, String scorer, String task) implements ComponentConfig.Evaluator {

  public IpsEvaluatorConfig {
    label = ConfigChecks.name("label", label, LabelRule.POSITIVE);
    clip = ConfigChecks.finite("clip", clip);
    if (clip != null && clip <= 0) {
      throw new IllegalArgumentException("clip must be a positive weight (or absent for no clipping), got " + clip);
    }
    level = ConfigChecks.finite("level", level);
    level = level == null ? 0.95 : level;
    if (level <= 0 || level >= 1) {
      throw new IllegalArgumentException("level must lie strictly between 0 and 1, got " + level);
    }
    excludeSeen = excludeSeen == null ? Boolean.FALSE : excludeSeen;
    queryBlock = queryBlock == null ? 512 : queryBlock;
    if (queryBlock <= 0) {
      throw new IllegalArgumentException("query-block must be positive, got " + queryBlock);
    }
    itemBlock = itemBlock == null ? 0 : itemBlock;
    if (itemBlock < 0) {
      throw new IllegalArgumentException("item-block must be 0 (whole corpus) or positive, got " + itemBlock);
    }
    scorer = ConfigChecks.name("scorer", scorer, null);
    task = ConfigChecks.name("task", task, null);
  }

  /** All defaults. */
  public static IpsEvaluatorConfig defaults() {
    return new IpsEvaluatorConfig(null, null, null, null, null, null, null, null);
  }
}

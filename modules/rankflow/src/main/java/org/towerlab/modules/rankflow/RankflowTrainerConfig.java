package org.towerlab.modules.rankflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.towerlab.api.config.ComponentConfig;
import org.towerlab.trainers.CascadeTrainerConfig;
import org.towerlab.trainers.CascadeTrainerConfig.PhaseConfig;
import org.towerlab.trainers.CascadeTrainerConfig.StageConfig;
import org.towerlab.trainers.ListsConfig;
import org.towerlab.trainers.PlainTrainerConfig;

/**
 * Config of the {@code rankflow} strategy: RankFlow's alternating schedule (Qin et al., SIGIR 2022)
 * as a compact config that {@link #expand()} turns into the phases of the {@code cascade} strategy.
 * The expanded schedule, for stages {@code S_0 .. S_{n-1}} and the joint stages {@code J}:
 * <ol>
 *   <li>warm-up (with {@code warm-up: true}): every stage once, in serving order, with its own loss,
 *       sampler and settings and no teacher: independent training on the logged rows (the exposure
 *       space), exactly the {@code cascade} strategy's default schedule of the same stages;
 *   <li>{@code rounds} times: self-learning of every stage of J in serving order
 *       ({@code rankflow-self} on {@code lists: {source: upstream, unit: request}}: per training
 *       request, the previous stage's current top-M with the request's logged labels, unexposed
 *       candidates 0), then, with {@code tutor: true}, tutor-learning of every stage of J that has a
 *       next stage ({@code rankflow-tutor} on the same lists, {@code teacher:} the next stage,
 *       scored under no-grad);
 *   <li>with {@code final-self: true} and at least one round, a last self-learning pass of J.
 * </ol>
 * Stage data are regenerated before every epoch (the list source recomputes the upstream top-M
 * from the current weights), as the official code regenerates them before every phase.
 *
 * @param stages the cascade's stages, as in {@code cascade} ({@code teacher:} is not allowed: the
 *     tutor of a stage is always the next one)
 * @param rounds self/tutor rounds after the warm-up; default 2 (the official ML-1M config)
 * @param warmUp train every stage on its own first; default true
 * @param joint the stages that take part in the rounds, by name; default every stage but the first
 *     (the first has no upstream space; its warm-up is its only training)
 * @param tutor add the tutor-learning phases; default true
 * @param finalSelf end with a self-learning pass, as the official code does; default true
 * @param alpha the rank term's weight in {@code rankflow-tutor}; default 0.5
 * @param topK the teacher's top-k in {@code rankflow-tutor}; default 10
 * @param useLogit compare logits instead of sigmoid outputs in {@code rankflow-tutor}; default false
 * @param label the logged label that grades the lists; default {@code positive}
 * @param listSize the list length L of a joint stage (a list holds the previous stage's
 *     top-{@code min(keep, L)}); default null = the previous stage's {@code keep} (the whole top-M)
 * @param batchSize lists per step in the self and tutor phases; default 64
 * @param selfEpochs epochs of each self-learning phase; default 1
 * @param tutorEpochs epochs of each tutor-learning phase; default 1
 * @param learningRate learning rate of the self and tutor phases; default null = each stage's own
 */
public record RankflowTrainerConfig(List<StageConfig> stages, Integer rounds, Boolean warmUp, List<String> joint,
    Boolean tutor, Boolean finalSelf, Double alpha, Integer topK, Boolean useLogit, String label, Integer listSize,
    Integer batchSize, Integer selfEpochs, Integer tutorEpochs, Double learningRate)
    implements ComponentConfig.Trainer {

  public RankflowTrainerConfig {
    if (stages == null || stages.size() < 2) {
      throw new IllegalArgumentException("rankflow needs at least two stages, got " + (stages == null ? 0
          : stages.size()));
    }
    stages = List.copyOf(stages);
    for (StageConfig s : stages) {
      if (s.teacher() != null) {
        throw new IllegalArgumentException("stage '" + s.name() + "' sets teacher: '" + s.teacher() + "'; in rankflow"
            + " the tutor of a stage is always the next stage. Remove teacher:.");
      }
    }
    rounds = rounds == null ? 2 : rounds;
    if (rounds < 0) {
      throw new IllegalArgumentException("rounds must be >= 0, got " + rounds);
    }
    warmUp = warmUp == null ? Boolean.TRUE : warmUp;
    Set<String> names = stages.stream().map(StageConfig::name).collect(Collectors.toSet());
    joint = joint == null ? stages.subList(1, stages.size()).stream().map(StageConfig::name).toList() : List.copyOf(joint);
    for (String j : joint) {
      if (!names.contains(j)) {
        throw new IllegalArgumentException("joint names stage '" + j + "', which is not a stage; stages: "
            + stages.stream().map(StageConfig::name).toList());
      }
      if (j.equals(stages.get(0).name())) {
        throw new IllegalArgumentException("joint lists the first stage '" + j + "', which has no upstream stage whose"
            + " top-M it could learn from; leave it out (its warm-up trains it)");
      }
    }
    tutor = tutor == null ? Boolean.TRUE : tutor;
    finalSelf = finalSelf == null ? Boolean.TRUE : finalSelf;
    alpha = alpha == null ? 0.5 : alpha;
    topK = topK == null ? 10 : topK;
    useLogit = useLogit == null ? Boolean.FALSE : useLogit;
    new RankflowTutorLossConfig(alpha, topK, useLogit); // validates
    label = label == null ? "positive" : label;
    if (listSize != null && listSize < 2) {
      throw new IllegalArgumentException("list-size must be >= 2, got " + listSize);
    }
    batchSize = batchSize == null ? 64 : batchSize;
    selfEpochs = selfEpochs == null ? 1 : selfEpochs;
    tutorEpochs = tutorEpochs == null ? 1 : tutorEpochs;
    if (batchSize < 2 || selfEpochs < 1 || tutorEpochs < 1) {
      throw new IllegalArgumentException("batch-size must be >= 2 and self-epochs, tutor-epochs >= 1, got "
          + batchSize + ", " + selfEpochs + ", " + tutorEpochs);
    }
    if (learningRate != null && learningRate <= 0) {
      throw new IllegalArgumentException("learning-rate must be positive, got " + learningRate);
    }
    if (!warmUp && rounds == 0) {
      throw new IllegalArgumentException("warm-up: false with rounds: 0 leaves nothing to train");
    }
  }

  /** The {@code cascade} config this schedule stands for. */
  public CascadeTrainerConfig expand() {
    List<PhaseConfig> phases = new ArrayList<>();
    if (warmUp) {
      for (StageConfig s : stages) {
        phases.add(new PhaseConfig(s.name(), null, null, null, null));
      }
    }
    List<StageConfig> inJoint = stages.stream().filter(s -> joint.contains(s.name())).toList();
    for (int r = 0; r < rounds; r++) {
      inJoint.forEach(s -> phases.add(self(s)));
      if (tutor) {
        for (StageConfig s : inJoint) {
          int pos = stages.indexOf(s);
          if (pos + 1 < stages.size()) {
            phases.add(new PhaseConfig(s.name(), new RankflowTutorLossConfig(alpha, topK, useLogit), null,
                stages.get(pos + 1).name(), lists(s, tutorEpochs)));
          }
        }
      }
    }
    if (finalSelf && rounds > 0) {
      inJoint.forEach(s -> phases.add(self(s)));
    }
    return new CascadeTrainerConfig(stages, phases);
  }

  private PhaseConfig self(StageConfig s) {
    return new PhaseConfig(s.name(), new RankflowSelfLossConfig(), null, "none", lists(s, selfEpochs));
  }

  /** The stage's own settings with list rows from the previous stage's top-M, per training request. */
  private PlainTrainerConfig lists(StageConfig s, int epochs) {
    PlainTrainerConfig own = s.train() == null ? PlainTrainerConfig.defaults() : (PlainTrainerConfig) s.train();
    int size = listSize != null ? listSize : stages.get(stages.indexOf(s) - 1).keep();
    return new PlainTrainerConfig(epochs, batchSize, learningRate != null ? learningRate : own.learningRate(),
        own.weightDecay(), own.clipNorm(), own.patience(), own.monitor(), false, own.ipwClip(), "lists",
        new ListsConfig("upstream", Math.max(2, size), label, false, "request"), own.embeddingUpdates());
  }
}

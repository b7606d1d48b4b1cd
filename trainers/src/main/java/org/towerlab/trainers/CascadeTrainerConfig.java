package org.towerlab.trainers;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.towerlab.api.config.ComponentConfig;

/**
 * Config of the {@code cascade} strategy: several models in one run, each a stage of a cascade
 * (retriever -> pre-ranker -> ranker), trained in a schedule of phases.
 *
 * @param stages the stages in serving order; the first scores the whole corpus and passes its
 *     top-{@code keep} to the next, and so on; the last stage's order is the system's
 * @param schedule the training phases in order; default: every stage once, in serving order,
 *     except that a stage with a {@code teacher} is trained after its teacher
 */
public record CascadeTrainerConfig(List<StageConfig> stages, List<PhaseConfig> schedule)
    implements ComponentConfig.Trainer {

  public CascadeTrainerConfig {
    if (stages == null || stages.size() < 2) {
      throw new IllegalArgumentException("cascade needs at least two stages, got " + (stages == null ? 0 : stages.size()));
    }
    stages = List.copyOf(stages);
    Set<String> names = new HashSet<>();
    int focus = 0;
    for (StageConfig s : stages) {
      if (!names.add(s.name())) {
        throw new IllegalArgumentException("stage names must be distinct, got '" + s.name() + "' twice");
      }
      focus += s.model() == null ? 1 : 0;
    }
    if (focus > 1) {
      throw new IllegalArgumentException("at most one stage may omit model: (it then uses the top-level model,"
          + " sampler and loss); " + focus + " stages omit it");
    }
    for (StageConfig s : stages) {
      if (s.teacher() != null && !names.contains(s.teacher())) {
        throw new IllegalArgumentException("stage '" + s.name() + "' has teacher '" + s.teacher()
            + "', which is not a stage; stages: " + names);
      }
      if (s.name().equals(s.teacher())) {
        throw new IllegalArgumentException("stage '" + s.name() + "' cannot teach itself");
      }
    }
    if (schedule == null || schedule.isEmpty()) {
      schedule = defaultSchedule(stages);
    } else {
      schedule = List.copyOf(schedule);
      for (PhaseConfig p : schedule) {
        if (!names.contains(p.stage())) {
          throw new IllegalArgumentException("schedule names stage '" + p.stage() + "', which is not a stage; stages: "
              + names);
        }
        if (p.teacher() != null && !p.teacher().equals("none") && !names.contains(p.teacher())) {
          throw new IllegalArgumentException("a schedule phase of stage '" + p.stage() + "' has teacher '" + p.teacher()
              + "', which is not a stage; stages: " + names);
        }
      }
    }
  }

  /** Every stage once in serving order, a taught stage after its teacher. */
  static List<PhaseConfig> defaultSchedule(List<StageConfig> stages) {
    List<PhaseConfig> out = new ArrayList<>();
    Set<String> done = new HashSet<>();
    List<StageConfig> pending = new ArrayList<>(stages);
    while (!pending.isEmpty()) {
      boolean progressed = false;
      for (int i = 0; i < pending.size(); i++) {
        StageConfig s = pending.get(i);
        if (s.teacher() == null || done.contains(s.teacher())) {
          out.add(new PhaseConfig(s.name(), null, null, null, null));
          done.add(s.name());
          pending.remove(i);
          progressed = true;
          break;
        }
      }
      if (!progressed) {
        throw new IllegalArgumentException("the stages' teachers form a cycle: " + pending.stream().map(StageConfig::name)
            .toList());
      }
    }
    return out;
  }

  /**
   * One model of the cascade.
   *
   * @param name the stage's name (metrics {@code test/<name>/...}, scorer {@code scorer: <name>})
   * @param model the stage's model; omitted = the top-level {@code model} (the stage under study,
   *     whose sampler and loss are then the top-level ones unless set here)
   * @param sampler default: the top-level sampler
   * @param loss default: the top-level loss
   * @param train the stage's training settings ({@code {type: plain, epochs: ..}}); default: the
   *     plain strategy's defaults
   * @param keep how many of its best items the stage passes to the next; default 100 (ignored for
   *     the last stage)
   * @param teacher a stage whose scores teach this one in every phase (distillation, RankFlow's
   *     tutor); its loss then reads {@code teacher} or {@code listTeacher}; default none
   */
  public record StageConfig(String name, ComponentConfig.Model model, ComponentConfig.Sampler sampler,
      ComponentConfig.Loss loss, ComponentConfig.Trainer train, Integer keep, String teacher) {
    public StageConfig {
      if (name == null || !name.matches("[a-z0-9][a-z0-9-]*")) {
        throw new IllegalArgumentException("a stage needs a name in lower-case kebab-case, got '" + name + "'");
      }
      if (train != null && !(train instanceof PlainTrainerConfig)) {
        throw new IllegalArgumentException("stage '" + name + "': train must be {type: plain, ...}");
      }
      keep = keep == null ? 100 : keep;
      if (keep < 1) {
        throw new IllegalArgumentException("stage '" + name + "': keep must be >= 1, got " + keep);
      }
    }

    PlainTrainerConfig plain() {
      return train == null ? PlainTrainerConfig.defaults() : (PlainTrainerConfig) train;
    }
  }

  /**
   * One training phase: a stage trained (further) with, optionally, another loss, sampler, teacher
   * or settings than its own. RankFlow's alternation of self-learning and tutor-learning rounds is
   * a schedule of such phases.
   *
   * @param stage the stage to train
   * @param loss default: the stage's loss
   * @param sampler default: the stage's sampler
   * @param teacher default: the stage's teacher; {@code none} trains without one
   * @param train default: the stage's settings
   */
  public record PhaseConfig(String stage, ComponentConfig.Loss loss, ComponentConfig.Sampler sampler, String teacher,
      ComponentConfig.Trainer train) {
    public PhaseConfig {
      if (stage == null) {
        throw new IllegalArgumentException("a schedule phase needs stage:");
      }
      if (train != null && !(train instanceof PlainTrainerConfig)) {
        throw new IllegalArgumentException("schedule phase of '" + stage + "': train must be {type: plain, ...}");
      }
    }
  }
}

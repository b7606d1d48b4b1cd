package org.towerlab.modules.rankflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.towerlab.modules.baseline.BceLossConfig;
import org.towerlab.modules.baseline.TwoTowerModelConfig;
import org.towerlab.trainers.CascadeTrainerConfig;
import org.towerlab.trainers.CascadeTrainerConfig.PhaseConfig;
import org.towerlab.trainers.CascadeTrainerConfig.StageConfig;
import org.towerlab.trainers.PlainTrainerConfig;

class RankflowTrainerConfigTest {
  private static final List<StageConfig> STAGES = List.of(
      new StageConfig("retriever", new TwoTowerModelConfig(null, null, null), null, null, null, 100, null),
      new StageConfig("pre-ranker", null, null, null,
          new PlainTrainerConfig(null, null, 0.003, null, 5.0, null, null, null, null, null, null, null), 20, null),
      new StageConfig("ranker", new TwoTowerModelConfig(null, null, null), null, new BceLossConfig(null), null, null,
          null));

  private static RankflowTrainerConfig config(Integer rounds, Boolean tutor, List<String> joint, Boolean finalSelf) {
    return new RankflowTrainerConfig(STAGES, rounds, null, joint, tutor, finalSelf, null, null, null, null, null, null,
        null, null, null);
  }

  private static String describe(PhaseConfig p) {
    String kind = p.loss() == null ? "own" : p.loss() instanceof RankflowTutorLossConfig ? "tutor" : "self";
    return p.stage() + ":" + kind + (p.teacher() == null || p.teacher().equals("none") ? "" : "<" + p.teacher());
  }

  @Test
  void expand_twoRounds_warmUpThenSelfAndTutorRoundsThenAFinalSelfPass() {
    CascadeTrainerConfig c = config(2, null, null, null).expand();

    assertThat(c.stages()).isEqualTo(STAGES);
    assertThat(c.schedule().stream().map(RankflowTrainerConfigTest::describe)).containsExactly(
        "retriever:own", "pre-ranker:own", "ranker:own",
        "pre-ranker:self", "ranker:self", "pre-ranker:tutor<ranker",
        "pre-ranker:self", "ranker:self", "pre-ranker:tutor<ranker",
        "pre-ranker:self", "ranker:self");
  }

  @Test
  void expand_jointPhases_trainOnTheUpstreamTopMPerRequestWithTheStagesOwnSettings() {
    CascadeTrainerConfig c = config(1, null, null, null).expand();
    PhaseConfig self = c.schedule().get(3);
    PhaseConfig tutor = c.schedule().get(5);
    PlainTrainerConfig st = (PlainTrainerConfig) self.train();

    assertThat(self.teacher()).isEqualTo("none");
    assertThat(st.rows()).isEqualTo("lists");
    assertThat(st.lists().source()).isEqualTo("upstream");
    assertThat(st.lists().unit()).isEqualTo("request");
    assertThat(st.lists().size()).as("the retriever's keep: its whole top-M").isEqualTo(100);
    assertThat(st.learningRate()).as("the pre-ranker's own").isEqualTo(0.003);
    assertThat(st.clipNorm()).isEqualTo(5.0);
    assertThat(st.epochs()).isEqualTo(1);
    assertThat(((PlainTrainerConfig) c.schedule().get(4).train()).lists().size()).as("the pre-ranker's keep")
        .isEqualTo(20);
    assertThat(tutor.loss()).isEqualTo(new RankflowTutorLossConfig(0.5, 10, false));
  }

  @Test
  void expand_noRounds_isTheCascadeStrategysDefaultSchedule() {
    CascadeTrainerConfig c = config(0, null, null, null).expand();

    assertThat(c).isEqualTo(new CascadeTrainerConfig(STAGES, null));
  }

  @Test
  void expand_oneRoundWithoutTutorOnThePreRankerOnly_noPhaseHasATeacher() {
    CascadeTrainerConfig c = config(1, false, List.of("pre-ranker"), false).expand();

    assertThat(c.schedule().stream().map(RankflowTrainerConfigTest::describe)).containsExactly(
        "retriever:own", "pre-ranker:own", "ranker:own", "pre-ranker:self");
  }

  @Test
  void constructor_firstStageJoint_refused() {
    assertThatThrownBy(() -> config(1, null, List.of("retriever"), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no upstream");
  }

  @Test
  void constructor_stageWithATeacher_refused() {
    List<StageConfig> taught = List.of(STAGES.get(0),
        new StageConfig("pre-ranker", null, null, null, null, 20, "ranker"), STAGES.get(2));
    assertThatThrownBy(() -> new RankflowTrainerConfig(taught, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("always the next stage");
  }
}

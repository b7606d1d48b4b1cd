package org.towerlab.modules.tarq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.towerlab.api.Compatibility;
import org.towerlab.api.Kind;
import org.towerlab.api.UserException;
import org.towerlab.api.config.ComponentConfig;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.QueryKind;
import org.towerlab.api.data.Schema;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.model.InitContext;
import org.towerlab.api.model.Model;
import org.towerlab.api.nn.Params;
import org.towerlab.api.random.Seeds;
import org.towerlab.registry.Registry;

class TarqModuleTest {
  private final Registry registry = Registry.of(new TarqModule());

  @Test
  void registry_bothModels_areRegisteredAndBuild() throws Exception {
    assertThat(registry.names(Kind.MODEL)).containsExactlyInAnyOrder("tarq", "target-attention");
    ComponentConfig.Model cfg = registry.mapper().readValue(
        "{type: tarq, levels: 2, codebook-size: 16, codebook-update: ema, commitment-reduction: sum, align-weight: 0.5}",
        ComponentConfig.Model.class);
    assertThat(cfg).isInstanceOf(TarqModelConfig.class);
    TarqModelConfig c = (TarqModelConfig) cfg;
    assertThat(c.levels()).isEqualTo(2);
    assertThat(c.codebookWeight()).isZero();
    assertThat(c.alignWeight()).isEqualTo(0.5);
    assertThat(registry.build(Kind.MODEL, cfg, "$.model", new Seeds(1), Model.class)).isInstanceOf(TarqModel.class);
    ComponentConfig.Model ta = registry.mapper().readValue("{type: target-attention, heads: 4}", ComponentConfig.Model.class);
    assertThat(registry.build(Kind.MODEL, ta, "$.model", new Seeds(1), Model.class))
        .isInstanceOf(TargetAttentionModel.class);
  }

  @Test
  void config_defaults() {
    TarqModelConfig c = new TarqModelConfig(null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    assertThat(c.sequenceField()).isEqualTo("history");
    assertThat(c.levels()).isEqualTo(3);
    assertThat(c.codebookSize()).isEqualTo(64);
    assertThat(c.codebookUpdate()).isEqualTo("gradient");
    assertThat(c.emaDecay()).isEqualTo(0.99);
    assertThat(c.emaEpsilon()).isEqualTo(1e-5);
    assertThat(c.commitmentWeight()).isEqualTo(0.25);
    assertThat(c.commitmentReduction()).isEqualTo("mean");
    assertThat(c.codebookWeight()).isEqualTo(1.0);
    assertThat(c.restartThreshold()).isEqualTo(1.0);
    assertThat(c.teacherWeight()).isEqualTo(1.0);
    assertThat(c.teacherLoss()).isEqualTo("bce");
    assertThat(c.recWeight()).isEqualTo(1.0);
    assertThat(c.alignWeight()).isEqualTo(1.0);
    assertThat(c.alignEpsilon()).isEqualTo(1e-8);
    assertThat(c.backboneItem()).isEqualTo("exact");
  }

  @Test
  void config_invalidValues_throwWithTheReceivedValue() {
    assertThatThrownBy(() -> registry.mapper().readValue("{type: tarq, codebook-update: kmeans}",
        ComponentConfig.Model.class)).hasMessageContaining("kmeans");
    assertThatThrownBy(() -> registry.mapper().readValue("{type: tarq, codebook-update: ema, codebook-weight: 1}",
        ComponentConfig.Model.class)).hasMessageContaining("codebook-weight 1.0");
    assertThatThrownBy(() -> registry.mapper().readValue("{type: tarq, teacher-weight: 0, rec-weight: 1}",
        ComponentConfig.Model.class)).hasMessageContaining("rec-weight 1.0");
    assertThatThrownBy(() -> registry.mapper().readValue("{type: tarq, dim: 30, heads: 4}",
        ComponentConfig.Model.class)).hasMessageContaining("got 4");
    assertThatThrownBy(() -> registry.mapper().readValue("{type: tarq, ema-decay: 1.5}",
        ComponentConfig.Model.class)).hasMessageContaining("1.5");
    assertThatThrownBy(() -> registry.mapper().readValue("{type: tarq, backbone-item: approximate}",
        ComponentConfig.Model.class)).hasMessageContaining("approximate");
    assertThatThrownBy(() -> registry.mapper().readValue("{type: tarq, levles: 2}",
        ComponentConfig.Model.class)).hasMessageContaining("levles");
  }

  @Test
  void incompatibility_dataWithoutTheSequenceField_namesTheFixAndInitializeRefuses() {
    Schema schema = new Schema(List.of(FieldSpec.categorical("id", Side.QUERY, 3), FieldSpec.categorical("id", Side.ITEM, 3)));
    Split bare = new Split("hand", Map.of(), new Dataset("bare", QueryKind.USER, schema,
        org.towerlab.api.data.FeatureTable.builder(Side.QUERY, 3).build(),
        org.towerlab.api.data.FeatureTable.builder(Side.ITEM, 3).build(), Fixtures.split().train().select(new int[0]),
        null, Map.of(), null), null, null, null, null);
    TarqModel model = new TarqModel(Fixtures.config(1, 2, null, null, null, null, true), "$.model");
    String problem = model.incompatibility(new Compatibility.Parts(model, null, null, null, null, null, null, bare));
    assertThat(problem).contains("history").contains("data.history-length").contains("bare");
    assertThat(model.incompatibility(new Compatibility.Parts(model, null, null, null, null, null, null,
        Fixtures.split()))).isNull();
    try (NDManager m = NDManager.newBaseManager()) {
      assertThatThrownBy(() -> model.initialize(new InitContext(new Params(m, new SplittableRandom(1)).scope("model"),
          bare, null))).isInstanceOf(UserException.class).hasMessageContaining("data.history-length");
    }
  }
}

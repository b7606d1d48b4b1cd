package org.towerlab.modules.longretriever;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.towerlab.api.Kind;
import org.towerlab.api.config.ComponentConfig;
import org.towerlab.api.model.CorpusRanker;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.Tower;
import org.towerlab.api.random.Seeds;
import org.towerlab.registry.Registry;

class LongRetrieverModuleTest {
  private final Registry registry = Registry.of(new LongRetrieverModule());

  @Test
  void registry_towerAndInteraction_boundFromYaml() throws Exception {
    assertThat(registry.names(Kind.TOWER)).containsExactly("longretriever");
    assertThat(registry.names(Kind.INTERACTION)).containsExactly("multi-context");
    ComponentConfig.Tower tower = registry.mapper().readValue(
        "{type: longretriever, sequence: category-history, fields: [segment], output-dim: 16}", ComponentConfig.Tower.class);
    assertThat(tower).isEqualTo(new LongRetrieverTowerConfig("category-history", List.of("segment"), null, null, 16,
        null, null, null));
    assertThat(registry.build(Kind.TOWER, tower, "$.model.query-tower", new Seeds(1), Tower.class))
        .isInstanceOf(LongRetrieverTower.class);
    ComponentConfig.Interaction inter = registry.mapper().readValue(
        "{type: multi-context, budget: 50, quotas: [0.5, 0.3, 0.2], restrict: false}", ComponentConfig.Interaction.class);
    assertThat(inter).isEqualTo(new MultiContextInteractionConfig(null, 50, List.of(0.5, 0.3, 0.2), false));
    assertThat(registry.build(Kind.INTERACTION, inter, "$.model.interaction", new Seeds(1), Interaction.class))
        .isInstanceOf(CorpusRanker.class);
  }

  @Test
  void registry_unknownKey_isRejected() {
    assertThatThrownBy(() -> registry.mapper().readValue("{type: multi-context, quota: [1]}",
        ComponentConfig.Interaction.class)).hasMessageContaining("quota");
  }
}

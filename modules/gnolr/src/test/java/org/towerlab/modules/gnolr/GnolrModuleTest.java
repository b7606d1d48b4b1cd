package org.towerlab.modules.gnolr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.towerlab.api.Kind;
import org.towerlab.api.config.ComponentConfig;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.MultiTask;
import org.towerlab.api.model.Tower;
import org.towerlab.api.random.Seeds;
import org.towerlab.registry.Registry;

class GnolrModuleTest {
  private final Registry registry = Registry.of(new GnolrModule());

  @Test
  void registry_threeComponents_boundFromYaml() throws Exception {
    assertThat(registry.names(Kind.TOWER)).containsExactly("gnolr");
    assertThat(registry.names(Kind.INTERACTION)).containsExactly("gnolr");
    assertThat(registry.names(Kind.LOSS)).containsExactly("gnolr");
    ComponentConfig.Loss loss = registry.mapper().readValue(
        "{type: gnolr, label: rating, cuts: [3, 4, 5], scales: [4, 1.2, 1.4], learn-thresholds: true}",
        ComponentConfig.Loss.class);
    assertThat(loss).isEqualTo(new GnolrLossConfig(null, "rating", List.of(3.0, 4.0, 5.0), List.of(4.0, 1.2, 1.4),
        null, true, null, null));
    assertThat(registry.build(Kind.LOSS, loss, "$.loss", new Seeds(1), Loss.class)).isInstanceOf(GnolrLoss.class);
    ComponentConfig.Interaction inter = registry.mapper().readValue(
        "{type: gnolr, levels: [click, like, share], scales: [4, 0.5, 0.5]}", ComponentConfig.Interaction.class);
    assertThat(registry.build(Kind.INTERACTION, inter, "$.model.interaction", new Seeds(1), Interaction.class))
        .isInstanceOf(MultiTask.class);
  }

  @Test
  void registry_towerWithABase_buildsTheBaseThroughTheRegistry() throws Exception {
    ComponentConfig.Tower cfg = registry.mapper().readValue(
        "{type: gnolr, levels: 2, head-dim: 8, base: {type: gnolr, levels: 1, head-dim: 16}}", ComponentConfig.Tower.class);
    GnolrTower tower = (GnolrTower) registry.build(Kind.TOWER, cfg, "$.model.query-tower", new Seeds(1), Tower.class);
    assertThat(tower.base()).isInstanceOf(GnolrTower.class);
    assertThat(tower.outputDim()).isEqualTo(16);
    assertThat(tower.base().outputDim()).isEqualTo(16);
  }

  @Test
  void registry_unknownKey_isRejected() {
    assertThatThrownBy(() -> registry.mapper().readValue("{type: gnolr, levles: 3}", ComponentConfig.Tower.class))
        .hasMessageContaining("levles");
    assertThatThrownBy(() -> registry.mapper().readValue("{type: gnolr, levels: [a, b]}", ComponentConfig.Loss.class))
        .hasMessageContaining("levels");
  }
}

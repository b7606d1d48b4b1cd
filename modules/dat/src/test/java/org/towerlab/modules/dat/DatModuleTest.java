package org.towerlab.modules.dat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.towerlab.api.Kind;
import org.towerlab.api.config.ComponentConfig;
import org.towerlab.api.model.Coupling;
import org.towerlab.api.model.Tower;
import org.towerlab.api.random.Seeds;
import org.towerlab.registry.Registry;

class DatModuleTest {
  private final Registry registry = Registry.of(new DatModule());

  @Test
  void registry_datTower_isRegisteredAndBuildsACouplingTower() throws Exception {
    assertThat(registry.names(Kind.TOWER)).containsExactly("dat");
    ComponentConfig.Tower cfg = registry.mapper().readValue(
        "{type: dat, augment-dim: 16, output-dim: 16, mimic-weight: 0.25, cal-weight: 1, label: click}",
        ComponentConfig.Tower.class);
    assertThat(cfg).isEqualTo(new DatTowerConfig(null, null, null, 16, null, null, 16, 0.25, 1.0, null, "click"));
    Tower tower = registry.build(Kind.TOWER, cfg, "$.model.item-tower", new Seeds(1), Tower.class);
    assertThat(tower).isInstanceOf(Coupling.class);
  }

  @Test
  void config_defaults_followThePaper() {
    DatTowerConfig c = new DatTowerConfig(null, null, null, null, null, null, null, null, null, null, null);
    assertThat(c.hidden()).containsExactly(256, 128);
    assertThat(c.outputDim()).isEqualTo(32);
    assertThat(c.augmentDim()).isEqualTo(32);
    assertThat(c.mimicWeight()).isEqualTo(0.5);
    assertThat(c.calWeight()).isZero();
    assertThat(c.normalize()).isTrue();
    assertThat(c.label()).isEqualTo("positive");
  }

  @Test
  void config_augmentOff_defaultsMimicWeightToZero() {
    DatTowerConfig c = new DatTowerConfig(null, null, List.of(), 8, null, null, 0, null, null, false, null);
    assertThat(c.mimicWeight()).isZero();
    assertThat(c.augmentDim()).isZero();
  }

  @Test
  void config_invalidValues_throwWithTheReceivedValue() {
    assertThatThrownBy(() -> new DatTowerConfig(null, null, null, null, null, null, -2, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-2");
    assertThatThrownBy(() -> new DatTowerConfig(null, null, null, null, null, null, 0, 0.7, null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0.7").hasMessageContaining("augment-dim");
    assertThatThrownBy(() -> new DatTowerConfig(null, null, null, null, null, null, null, -0.1, null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-0.1");
    assertThatThrownBy(() -> new DatTowerConfig(null, null, null, null, null, null, null, null, Double.NaN, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    assertThatThrownBy(() -> new DatTowerConfig(null, null, null, null, 1.5, null, null, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.5");
  }

  @Test
  void registry_unknownKey_isRejected() {
    assertThatThrownBy(() -> registry.mapper().readValue("{type: dat, mimic-wieght: 0.5}", ComponentConfig.Tower.class))
        .hasMessageContaining("mimic-wieght");
  }
}

package org.towerlab.modules.arf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.towerlab.api.Kind;
import org.towerlab.api.config.ComponentConfig;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.model.Parameterized;
import org.towerlab.api.random.Seeds;
import org.towerlab.registry.Registry;

class ArfModuleTest {
  private final Registry registry = Registry.of(new ArfModule());

  @Test
  void registry_arfLosses_areRegisteredAndBindKebabKeys() throws Exception {
    assertThat(registry.names(Kind.LOSS)).containsExactlyInAnyOrder("arf", "arf-relax", "arf-global");
    ComponentConfig.Loss cfg = registry.mapper().readValue(
        "{type: arf, k: 10, m: 20, temperature: 200, column-normalize: true, complement: true, weighting: fixed,"
            + " global-weight: 0.5, relevant-only: false}", ComponentConfig.Loss.class);
    assertThat(cfg).isEqualTo(new ArfLossConfig(10, 20, 200.0, null, true, true, false, null, null, "fixed", 0.5, null));
    Loss loss = registry.build(Kind.LOSS, cfg, "$.loss", new Seeds(1), Loss.class);
    assertThat(loss).isInstanceOf(ArfLoss.class).isInstanceOf(Parameterized.class);
    assertThat(registry.build(Kind.LOSS, registry.mapper().readValue("{type: arf-relax}", ComponentConfig.Loss.class),
        "$.loss", new Seeds(1), Loss.class)).isInstanceOf(ArfRelaxLoss.class);
    assertThat(registry.build(Kind.LOSS, registry.mapper().readValue("{type: arf-global}", ComponentConfig.Loss.class),
        "$.loss", new Seeds(1), Loss.class)).isInstanceOf(ArfGlobalLoss.class);
  }

  @Test
  void config_defaults_areDocumented() {
    ArfLossConfig c = new ArfLossConfig(null, null, null, null, null, null, null, null, null, null, null, null);
    assertThat(c.k()).isEqualTo(5);
    assertThat(c.m()).isEqualTo(10);
    assertThat(c.temperature()).isEqualTo(1.0);
    assertThat(c.reduction()).isEqualTo("mean");
    assertThat(c.columnNormalize()).isFalse();
    assertThat(c.complement()).isFalse();
    assertThat(c.relevantOnly()).isTrue();
    assertThat(c.epsilon()).isEqualTo(1e-6);
    assertThat(c.globalTies()).isEqualTo("group");
    assertThat(c.weighting()).isEqualTo("uncertainty");
    assertThat(c.initLogVariance()).isZero();
    assertThat(c.relax()).isEqualTo(new ArfRelaxLossConfig(null, null, null, null, null, null, null, null));
  }

  @Test
  void config_invalidValues_throwWithTheReceivedValue() {
    assertThatThrownBy(() -> new ArfRelaxLossConfig(0, null, null, null, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 0");
    assertThatThrownBy(() -> new ArfRelaxLossConfig(8, 4, null, null, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("m = 4").hasMessageContaining("k = 8");
    assertThatThrownBy(() -> new ArfGlobalLossConfig(-1.0, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1.0");
    assertThatThrownBy(() -> new ArfGlobalLossConfig(null, "random"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'random'");
    assertThatThrownBy(() -> new ArfRelaxLossConfig(null, null, null, "avg", null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'avg'");
    assertThatThrownBy(() -> new ArfRelaxLossConfig(null, null, null, null, false, true, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("column-normalize");
    assertThatThrownBy(() -> new ArfLossConfig(null, null, null, null, null, null, null, null, null, "kendall", null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'kendall'");
    assertThatThrownBy(() -> new ArfLossConfig(null, null, null, null, null, null, null, null, null, null, -0.5, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-0.5");
    assertThatThrownBy(() -> new ArfLossConfig(null, null, null, null, null, null, null, null, null, null, null, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
  }
}

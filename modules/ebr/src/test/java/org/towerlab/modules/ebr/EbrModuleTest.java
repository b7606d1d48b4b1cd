package org.towerlab.modules.ebr;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.towerlab.api.Kind;
import org.towerlab.api.config.ComponentConfig;
import org.towerlab.api.random.Seeds;
import org.towerlab.api.sampling.InBatchMiner;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.registry.Registry;

class EbrModuleTest {

  @Test
  void discover_findsEveryEbrComponent() {
    Registry r = Registry.discover();
    assertThat(r.names(Kind.SAMPLER)).contains("ebr-online-hard", "ebr-offline-hard");
    assertThat(r.names(Kind.LOSS)).contains("hinge");
  }

  @Test
  void mapper_bindsKebabCaseYamlAndBuildsTheComponents() throws Exception {
    Registry r = Registry.of(new EbrModule());
    ComponentConfig online = r.mapper().readValue(
        "{type: ebr-online-hard, k: 1, num-easy: 64, exclude-known-positives: false}", ComponentConfig.Sampler.class);
    assertThat(online).isEqualTo(new OnlineHardSamplerConfig(1, 64, false));
    assertThat(r.build(Kind.SAMPLER, online, "$.sampler", new Seeds(1), Sampler.class)).isInstanceOf(InBatchMiner.class);
    ComponentConfig offline = r.mapper().readValue(
        "{type: ebr-offline-hard, rank-from: 11, rank-to: 60, easy-ratio: 20, refresh-every: 2}",
        ComponentConfig.Sampler.class);
    assertThat(offline).isEqualTo(new OfflineHardSamplerConfig(11, 60, 1, 20.0, 2, 1, null, "auto", false));
    ComponentConfig hinge = r.mapper().readValue("{type: hinge, margin: 0.3}", ComponentConfig.Loss.class);
    assertThat(hinge).isEqualTo(new HingeLossConfig(0.3, "mean"));
    // the effective config serializes back every default, and nothing derived
    assertThat(r.mapper().writeValueAsString(offline)).contains("num-hard").doesNotContain("num-easy");
  }
}

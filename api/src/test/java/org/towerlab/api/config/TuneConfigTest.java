package org.towerlab.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TuneConfigTest {

  private static Map<String, Object> space() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("trainer.learning-rate", Map.of("log-uniform", List.of(0.001, 0.1)));
    s.put("trainer.weight-decay", List.of(0, 0.1, 0.3));
    return s;
  }

  @Test
  void constructor_defaults_randomSearchOnRecallAt20Maximized() {
    TuneConfig c = new TuneConfig(null, 4, null, null, null, null, space(), null);
    assertThat(c.search()).isEqualTo("random");
    assertThat(c.metric()).isEqualTo("recall@20");
    assertThat(c.maximize()).isTrue();
    assertThat(c.seed()).isEqualTo(1L);
    assertThat(c.seeds()).isNull();
  }

  @Test
  void constructor_badValues_nameTheValue() {
    assertThatThrownBy(() -> new TuneConfig("bayes", 4, null, null, null, null, space(), null))
        .hasMessageContaining("'bayes'");
    assertThatThrownBy(() -> new TuneConfig(null, null, null, null, null, null, space(), null))
        .hasMessageContaining("needs trials");
    assertThatThrownBy(() -> new TuneConfig(null, 0, null, null, null, null, space(), null))
        .hasMessageContaining("got 0");
    assertThatThrownBy(() -> new TuneConfig(null, 4, "valid/recall@20", null, null, null, space(), null))
        .hasMessageContaining("without its part");
    assertThatThrownBy(() -> new TuneConfig(null, 4, null, "up", null, null, space(), null))
        .hasMessageContaining("'up'");
    assertThatThrownBy(() -> new TuneConfig(null, 4, null, null, null, null, Map.of(), null))
        .hasMessageContaining("space is empty");
    assertThatThrownBy(() -> new TuneConfig(null, 4, null, null, List.of(), null, space(), null))
        .hasMessageContaining("seeds is empty");
  }

  @Test
  void parse_badSpecs_areRefusedWithThePath() {
    assertThatThrownBy(() -> TuneConfig.Dimension.parse("a.b", Map.of("uniform", List.of(2, 1)), "random"))
        .hasMessageContaining("'a.b'").hasMessageContaining("lo < hi");
    assertThatThrownBy(() -> TuneConfig.Dimension.parse("a.b", Map.of("log-uniform", List.of(0, 1)), "random"))
        .hasMessageContaining("lo > 0");
    assertThatThrownBy(() -> TuneConfig.Dimension.parse("a.b", Map.of("normal", List.of(0, 1)), "random"))
        .hasMessageContaining("must be a list");
    assertThatThrownBy(() -> TuneConfig.Dimension.parse("a.b", List.of(), "random")).hasMessageContaining("empty");
    assertThatThrownBy(() -> TuneConfig.Dimension.parse("a.b", Map.of("uniform", List.of(0, 1)), "grid"))
        .hasMessageContaining("grid search takes lists");
    assertThatThrownBy(() -> TuneConfig.Dimension.parse("a.b", Map.of("int-uniform", List.of(0.5, 3)), "random"))
        .hasMessageContaining("whole numbers");
  }

  @Test
  void draw_rangesByInverseTransform_roundedToThreeDigits() {
    TuneConfig.Dimension log = TuneConfig.Dimension.parse("lr", Map.of("log-uniform", List.of(0.001, 0.1)), "random");
    assertThat(log.draw(0.0)).isEqualTo(0.001);
    assertThat(log.draw(0.5)).isEqualTo(0.01); // the geometric midpoint
    TuneConfig.Dimension lin = TuneConfig.Dimension.parse("x", Map.of("uniform", List.of(1, 3)), "random");
    assertThat(lin.draw(0.25)).isEqualTo(1.5);
    assertThat(lin.draw(1.0 / 3)).isEqualTo(1.67);
    TuneConfig.Dimension ints = TuneConfig.Dimension.parse("n", Map.of("int-uniform", List.of(1, 4)), "random");
    assertThat(ints.draw(0.0)).isEqualTo(1L);
    assertThat(ints.draw(0.999)).isEqualTo(4L);
    TuneConfig.Dimension choice = TuneConfig.Dimension.parse("c", List.of("a", "b", "c"), "random");
    assertThat(choice.draw(0.0)).isEqualTo("a");
    assertThat(choice.draw(0.5)).isEqualTo("b");
    assertThat(choice.draw(0.99)).isEqualTo("c");
  }

  @Test
  void dimensions_methodEntries_addReplaceAndRemove() {
    Map<String, Object> own = new LinkedHashMap<>();
    own.put("trainer.weight-decay", null); // removed for this method
    own.put("trainer.learning-rate", List.of(0.01)); // replaced
    own.put("sampler.num-negatives", List.of(1, 4)); // added
    TuneConfig c = new TuneConfig(null, 4, null, null, null, null, space(), Map.of("bpr", own));
    assertThat(c.dimensions(List.of("bpr", "exp[variant=bpr]"))).extracting(TuneConfig.Dimension::path)
        .containsExactly("trainer.learning-rate", "sampler.num-negatives");
    assertThat(c.dimensions(List.of("bpr")).get(0).values()).containsExactly(0.01);
    assertThat(c.dimensions(List.of("softmax"))).extracting(TuneConfig.Dimension::path)
        .containsExactly("trainer.learning-rate", "trainer.weight-decay");
  }
}

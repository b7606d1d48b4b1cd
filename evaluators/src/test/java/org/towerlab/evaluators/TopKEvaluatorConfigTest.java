package org.towerlab.evaluators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TopKEvaluatorConfigTest {

  @Test
  void constructor_nulls_fillDefaults() {
    TopKEvaluatorConfig c = TopKEvaluatorConfig.defaults();

    assertThat(c.ks()).containsExactly(10, 20, 50);
    assertThat(c.metrics()).containsExactly("recall", "hit", "ndcg", "mrr", "precision");
    assertThat(c.queryBlock()).isEqualTo(512);
    assertThat(c.itemBlock()).isZero();
    assertThat(c.excludeSeen()).isNull();
    assertThat(c.extras()).isTrue();
    assertThat(c.maxK()).isEqualTo(50);
  }

  @Test
  void constructor_badValues_throwWithValue() {
    assertThatThrownBy(() -> new TopKEvaluatorConfig(List.of(10, 0), null, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
    assertThatThrownBy(() -> new TopKEvaluatorConfig(List.of(5, 5), null, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("distinct");
    assertThatThrownBy(() -> new TopKEvaluatorConfig(null, List.of("ndgc"), null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'ndgc'");
    assertThatThrownBy(() -> new TopKEvaluatorConfig(null, null, -3, null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-3");
    assertThatThrownBy(() -> new TopKEvaluatorConfig(null, null, null, -1, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
  }
}

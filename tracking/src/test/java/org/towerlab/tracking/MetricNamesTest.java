package org.towerlab.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MetricNamesTest {

  @Test
  void toMlflow_atSign_becomesAt() {
    assertThat(MetricNames.toMlflow("test/recall@20")).isEqualTo("test/recall_at_20");
  }

  @Test
  void toMlflow_validName_isUnchanged() {
    assertThat(MetricNames.toMlflow("valid/ndcg_10.mean-x y")).isEqualTo("valid/ndcg_10.mean-x y");
  }

  @Test
  void toMlflow_otherCharacters_becomeUnderscore() {
    assertThat(MetricNames.toMlflow("loss[0]:bpr(é)")).isEqualTo("loss_0__bpr___");
    assertThat(MetricNames.toMlflow("a".repeat(300))).hasSize(MetricNames.MAX_KEY_LENGTH);
    assertThat(MetricNames.toMlflow("x%y@5")).matches("^[/\\w.\\- ]*$");
  }
}

package org.towerlab.modules.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.FieldKind;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Side;

/** The long-history options of the simulator: min-interactions-per-user, category-interest, history. */
class SimulatorLongHistoryTest {

  private static SimulatorConfig config(int users, int items, double m, Integer min, Double interest,
      SimulatorHistoryConfig history) {
    return new SimulatorConfig(users, items, null, null, null, null, m, min, null, null, interest, null, null, null,
        history, 7L, null, null);
  }

  @Test
  void load_minInteractionsPerUser_everyUserBetweenMinAndTwoMeansMinusMin() {
    InteractionLog log = new Simulator(config(30, 100, 60, 50, null, null), 7L).load().log();
    int[] counts = new int[30];
    for (int q : log.queries()) {
      counts[q]++;
    }
    assertThat(java.util.Arrays.stream(counts).min().orElseThrow()).isGreaterThanOrEqualTo(50);
    assertThat(java.util.Arrays.stream(counts).max().orElseThrow()).isLessThanOrEqualTo(70);
  }

  @Test
  void load_defaultsOfTheNewOptions_theSameLogAndFeaturesAsWithoutThem() {
    Dataset before = new Simulator(SimulatorConfig.of(200, 80, 10, 7L), 7L).load();
    Dataset after = new Simulator(config(200, 80, 10, 1, 0.0, new SimulatorHistoryConfig(5, null, 2, null)), 7L).load();
    assertThat(after.log().queries()).isEqualTo(before.log().queries());
    assertThat(after.log().items()).isEqualTo(before.log().items());
    assertThat(after.log().timestamps()).isEqualTo(before.log().timestamps());
    assertThat(after.log().label("click")).isEqualTo(before.log().label("click"));
    assertThat(after.itemFeatures().dense("content")).isEqualTo(before.itemFeatures().dense("content"));
  }

  @Test
  void load_categoryInterest_sameItemsAndUsersButRelevanceDependsOnTheItemsCategory() {
    Dataset flat = new Simulator(config(50, 60, 10, null, 0.0, null), 7L).load();
    Dataset perCategory = new Simulator(config(50, 60, 10, null, 2.0, null), 7L).load();
    assertThat(perCategory.itemFeatures().dense("content")).isEqualTo(flat.itemFeatures().dense("content"));
    assertThat(perCategory.itemCategory()).isEqualTo(flat.itemCategory());
    assertThat(perCategory.queryFeatures().categorical("segment")).isEqualTo(flat.queryFeatures().categorical("segment"));
    Simulator.Truth a = (Simulator.Truth) flat.truth().orElseThrow();
    Simulator.Truth b = (Simulator.Truth) perCategory.truth().orElseThrow();
    int changed = 0;
    for (int u = 0; u < 50; u++) {
      for (int i = 0; i < 60; i++) {
        changed += Math.abs(a.logit(u, i) - b.logit(u, i)) > 1e-9 ? 1 : 0;
      }
    }
    assertThat(changed).as("pairs whose relevance the category offsets moved").isGreaterThan(50 * 60 / 2);
  }

  @Test
  void load_history_flatAndByCategoryQuerySequences() {
    Dataset d = new Simulator(config(20, 40, 5, null, null, new SimulatorHistoryConfig(7, 9, 3, "recency")), 7L).load();
    FieldSpec flat = d.schema().field(Side.QUERY, "history").orElseThrow();
    FieldSpec byCategory = d.schema().field(Side.QUERY, "category-history").orElseThrow();
    assertThat(flat.kind()).isEqualTo(FieldKind.SEQUENCE);
    assertThat(flat.maxLength()).isEqualTo(9);
    assertThat(flat.isByCategory()).isFalse();
    assertThat(byCategory.maxLength()).isEqualTo(7);
    assertThat(byCategory.cardinality()).isEqualTo(40);
    assertThat(byCategory.byCategory()).isEqualTo(new FieldSpec.ByCategory(3, FieldSpec.ByCategory.Select.RECENCY));
    assertThat(new Simulator(config(20, 40, 5, null, null, null), 7L).load().schema().side(Side.QUERY))
        .extracting(FieldSpec::name).containsExactly("id", "segment");
  }

  @Test
  void config_badLongHistoryValues_rejectedWithTheValue() {
    assertThatThrownBy(() -> config(10, 10, 20, 30, null, null)).hasMessageContaining("min-interactions-per-user")
        .hasMessageContaining("30");
    assertThatThrownBy(() -> config(10, 10, 20, null, -1.0, null)).hasMessageContaining("category-interest")
        .hasMessageContaining("-1.0");
    assertThatThrownBy(() -> new SimulatorHistoryConfig(0, null, null, null)).hasMessageContaining("got 0");
    assertThatThrownBy(() -> new SimulatorHistoryConfig(null, null, null, "often")).hasMessageContaining("often");
    assertThatThrownBy(() -> new SimulatorConfig(10, 1000, null, null, null, null, null, 5, null, null, null, null, null,
        null, null, 1L, new SimulatorCascadeConfig(null, null, null, null, null, null, null, null), null))
        .hasMessageContaining("min-interactions-per-user");
  }
}

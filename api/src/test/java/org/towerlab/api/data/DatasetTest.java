package org.towerlab.api.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.towerlab.api.UserException;
import org.towerlab.api.testkit.TinyData;

class DatasetTest {
  private static final PairRelevance SAME_PARITY = new PairRelevance() {
    @Override
    public double relevance(int query, int item) {
      return query % 2 == item % 2 ? 1 : 0;
    }

    @Override
    public double threshold() {
      return 0.5;
    }

    @Override
    public String describe() {
      return "same parity";
    }
  };

  @Test
  void withPairCounts_dataSetWithRelevanceRule_addsPairFieldsAndKeepsEveryOtherComponent() {
    Dataset d = TinyData.dataset();
    Dataset base = new Dataset(d.name(), d.queryKind(), d.schema(), d.queryFeatures(), d.itemFeatures(), d.log(),
        d.itemCategory(), d.files(), d.groundTruth(), SAME_PARITY);

    Dataset with = base.withPairCounts(List.of("category"), "data.pair-counts");

    assertThat(with.schema().field(Side.QUERY, "category-counts")).hasValueSatisfying(f -> {
      assertThat(f.kind()).isEqualTo(FieldKind.PAIR);
      assertThat(f.key()).isEqualTo("category");
      assertThat(f.dim()).isEqualTo(base.schema().field(Side.ITEM, "category").orElseThrow().cardinality());
    });
    assertThat(with.schema().fields()).hasSize(base.schema().fields().size() + 1);
    assertThat(with.relevance()).isSameAs(SAME_PARITY);
    assertThat(with.log()).isSameAs(base.log());
    assertThat(with.itemCategory()).isSameAs(base.itemCategory());
    assertThat(with.queryKind()).isEqualTo(base.queryKind());
  }

  @Test
  void withPairCounts_noKeys_returnsTheSameDataSet() {
    Dataset d = TinyData.dataset();

    assertThat(d.withPairCounts(List.of(), "data.pair-counts")).isSameAs(d);
  }

  @Test
  void withPairCounts_denseKey_userErrorNamingPathAndCountableFields() {
    Dataset d = TinyData.dataset();

    assertThatThrownBy(() -> d.withPairCounts(List.of("content"), "data.pair-counts"))
        .isInstanceOf(UserException.class).hasMessageContaining("data.pair-counts: 'content'")
        .hasMessageContaining("category");
  }
}

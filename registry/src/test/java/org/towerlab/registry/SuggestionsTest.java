package org.towerlab.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
  @Test
  void distance_classicPair_three() {
    assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(Suggestions.distance("", "abc")).isEqualTo(3);
  }

  @Test
  void closest_transposition_found() {
    assertThat(Suggestions.closest("dimz", List.of("dims", "dropout", "activation"))).contains("dims");
  }

  @Test
  void closest_unrelated_empty() {
    assertThat(Suggestions.closest("zzzzzz", List.of("dims", "dropout"))).isEmpty();
    assertThat(Suggestions.didYouMean("zzzzzz", List.of("dims"))).isEmpty();
  }
}

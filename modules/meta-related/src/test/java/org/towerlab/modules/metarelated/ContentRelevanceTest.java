package org.towerlab.modules.metarelated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Dataset;

class ContentRelevanceTest {
  private static final Dataset ITEMS = RelatedFixtures.users();

  private static ContentRelevance rule(double threshold, RelevanceTermConfig... terms) {
    return ContentRelevance.of(ITEMS, new RelevanceConfig(List.of(terms), threshold), "$.data.relevance");
  }

  private static RelevanceTermConfig proximity(String field, double span, Integer unknown, double weight) {
    return new RelevanceTermConfig("proximity", field, weight, span, unknown, null, null, null, null, null);
  }

  @Test
  void relevance_eachTerm_handValues() {
    // genres {0,1} {1} {2} {0,1,2} {3} {3}; year 3 3 0 5 2 2; content (1,0) (1,1) (0,1) (1,0) (-1,0) (-1,.1)
    ContentRelevance jaccard = rule(0.5, RelevanceTermConfig.of("jaccard", "genres", 1));
    assertThat(jaccard.relevance(0, 3)).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(jaccard.relevance(0, 1)).isCloseTo(0.5, within(1e-12));
    assertThat(jaccard.relevance(0, 4)).isZero();
    assertThat(jaccard.relevance(4, 5)).isEqualTo(1.0);
    ContentRelevance year = rule(0.5, proximity("year", 2, 0, 1));
    assertThat(year.relevance(0, 1)).isEqualTo(1.0);
    assertThat(year.relevance(0, 4)).isCloseTo(0.5, within(1e-12));
    assertThat(year.relevance(0, 3)).isZero();
    assertThat(year.relevance(0, 2)).isZero(); // year 0 is unknown
    ContentRelevance cosine = rule(0.5, RelevanceTermConfig.of("cosine", "content", 1));
    assertThat(cosine.relevance(0, 1)).isCloseTo(Math.sqrt(0.5), within(1e-6));
    assertThat(cosine.relevance(0, 4)).isZero(); // cos -1, clipped at 0
    ContentRelevance category = rule(0.5, RelevanceTermConfig.of("match", null, 1));
    assertThat(category.relevance(0, 3)).isEqualTo(1.0);
    assertThat(category.relevance(0, 2)).isZero();
    ContentRelevance field = rule(0.5, new RelevanceTermConfig("match", "year", 1.0, null, 0, null, null, null, null,
        null));
    assertThat(field.relevance(4, 5)).isEqualTo(1.0);
  }

  @Test
  void relevance_weightedTerms_isTheWeightedMeanAndRelevantUsesTheThreshold() {
    ContentRelevance r = rule(0.6, RelevanceTermConfig.of("jaccard", "genres", 0.6), proximity("year", 2, 0, 0.2),
        RelevanceTermConfig.of("cosine", "content", 0.2));

    // (0, 1): (0.6 * 1/2 + 0.2 * 1 + 0.2 * 0.70711) / 1.0 = 0.64142
    assertThat(r.relevance(0, 1)).isCloseTo(0.3 + 0.2 + 0.2 * Math.sqrt(0.5), within(1e-6));
    assertThat(r.relevant(0, 1)).isTrue();
    // (0, 3): (0.6 * 2/3 + 0 + 0.2 * 1) = 0.6: at the threshold counts
    assertThat(r.relevance(0, 3)).isCloseTo(0.6, within(1e-6));
    assertThat(r.relevant(0, 4)).isFalse();
    assertThat(r.describe()).isEqualTo("(0.6 jaccard(genres) + 0.2 proximity(year, span 2.0) + 0.2 cosine(content))"
        + " / 1.0; relevant >= 0.6");
    for (int a = 0; a < 6; a++) {
      for (int b = 0; b < 6; b++) {
        assertThat(r.relevance(a, b)).isBetween(0.0, 1.0);
      }
    }
  }

  @Test
  void relevance_pairsFile_joinsOriginalIdsMirroredAndZeroElsewhere(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("rel.csv");
    Files.writeString(file, "seed,item,relevance\na,c,0.8\nc,b,0.3\nb,c,0.1\nzz,a,1\n");
    RelevanceTermConfig pairs = new RelevanceTermConfig("pairs", null, null, null, null, file.toString(), null, null,
        null, null);

    ContentRelevance r = rule(0.5, pairs);

    assertThat(r.relevance(0, 2)).isCloseTo(0.8, within(1e-6));
    assertThat(r.relevance(2, 0)).isCloseTo(0.8, within(1e-6)); // mirrored: (c, a) is not in the file
    assertThat(r.relevance(2, 1)).isCloseTo(0.3, within(1e-6));
    assertThat(r.relevance(1, 2)).isCloseTo(0.1, within(1e-6)); // its own row wins over the mirror
    assertThat(r.relevance(0, 1)).isZero();
    assertThat(r.files()).hasSize(1).allSatisfy((k, v) -> assertThat(v).matches("sha256:[0-9a-f]{64};rows=4"));
  }

  @Test
  void of_badTerms_userErrorsNameTheTermAndWhatExists(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> rule(0.5, RelevanceTermConfig.of("jaccard", "year", 1)))
        .isInstanceOf(UserException.class).hasMessageContaining("$.data.relevance.terms[0]")
        .hasMessageContaining("[genres]");
    assertThatThrownBy(() -> rule(0.5, RelevanceTermConfig.of("cosine", "embedding", 1)))
        .isInstanceOf(UserException.class).hasMessageContaining("does not have").hasMessageContaining("[content]");
    assertThatThrownBy(() -> rule(0.5, RelevanceTermConfig.of("truth", null, 1)))
        .isInstanceOf(UserException.class).hasMessageContaining("ground truth");
    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "seed,item,relevance\na,b,2\n");
    assertThatThrownBy(() -> rule(0.5, new RelevanceTermConfig("pairs", null, null, null, null, bad.toString(), null,
        null, null, null))).isInstanceOf(UserException.class).hasMessageContaining("line 2")
        .hasMessageContaining("not in [0, 1]");
    assertThatThrownBy(() -> rule(0.5, new RelevanceTermConfig("pairs", null, null, null, null,
        dir.resolve("none.csv").toString(), null, null, null, null))).isInstanceOf(UserException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void config_badValues_rejectedWithTheValue() {
    assertThatThrownBy(() -> RelevanceTermConfig.of("overlap", "genres", 1)).hasMessageContaining("overlap");
    assertThatThrownBy(() -> RelevanceTermConfig.of("jaccard", null, 1)).hasMessageContaining("needs field");
    assertThatThrownBy(() -> RelevanceTermConfig.of("jaccard", "genres", 0)).hasMessageContaining("got 0.0");
    assertThatThrownBy(() -> new RelevanceConfig(List.of(), null)).hasMessageContaining("empty");
    assertThatThrownBy(() -> new RelevanceConfig(null, 0.0)).hasMessageContaining("got 0.0");
    assertThat(RelevanceConfig.defaults().terms()).extracting(RelevanceTermConfig::kind).containsExactly("match");
  }

  @Test
  void jaccard_emptyBags_isZero() {
    assertThat(ContentRelevance.jaccard(new int[0], new int[0])).isZero();
    assertThat(ContentRelevance.jaccard(new int[] {1, 2}, new int[] {2, 3})).isCloseTo(1.0 / 3, within(1e-12));
  }
}

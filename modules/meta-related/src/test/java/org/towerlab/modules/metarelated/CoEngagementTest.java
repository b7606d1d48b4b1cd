package org.towerlab.modules.metarelated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.FieldKind;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.QueryKind;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.GroundTruth;
import org.towerlab.modules.datasets.CsvConfig;
import org.towerlab.modules.datasets.CsvSource;
import org.towerlab.modules.datasets.PerUserRatioConfig;
import org.towerlab.modules.datasets.Simulator;
import org.towerlab.modules.datasets.SimulatorConfig;

class CoEngagementTest {

  private static Dataset load(Integer window, Boolean symmetric, String unengaged) {
    return new CoEngagement(RelatedFixtures.config(window, symmetric, unengaged, null, null),
        RelatedFixtures.source(RelatedFixtures.users()), "$.data").load();
  }

  @Test
  void load_engagedOnly_pairsWithinWindowBothWaysStampedWithTheLaterEvent() {
    Dataset d = load(2, true, "drop");

    // user 0's engaged rows: 0@10 1@20 3@40 1@50; user 1's: 4@15 5@25 (rating 2 at 30 dropped)
    assertThat(RelatedFixtures.pairs(d.log())).containsExactly(
        new long[] {0, 1, 20, 1}, new long[] {1, 0, 20, 1},
        new long[] {4, 5, 25, 1}, new long[] {5, 4, 25, 1},
        new long[] {0, 3, 40, 1}, new long[] {3, 0, 40, 1},
        new long[] {1, 3, 40, 1}, new long[] {3, 1, 40, 1},
        new long[] {3, 1, 50, 1}, new long[] {1, 3, 50, 1});
    // item 1 follows itself at 50 (window of 1@20): never a pair of an item with itself
    for (int r = 0; r < d.log().size(); r++) {
      assertThat(d.log().queries()[r]).isNotEqualTo(d.log().items()[r]);
    }
  }

  @Test
  void load_directedWindowOne_onlyTheNextEngagedItem() {
    Dataset d = load(1, false, "drop");

    assertThat(RelatedFixtures.pairs(d.log())).containsExactly(new long[] {0, 1, 20, 1}, new long[] {4, 5, 25, 1},
        new long[] {1, 3, 40, 1}, new long[] {3, 1, 50, 1});
  }

  @Test
  void load_unengagedShown_shownButNotEngagedCandidatesAreZeroPairs() {
    Dataset d = load(2, true, "shown");

    List<long[]> pairs = RelatedFixtures.pairs(d.log());
    // item 2 (rating 2 at 30) is a candidate of the engaged items within two rows before and after
    assertThat(pairs).filteredOn(p -> p[3] == 0).containsExactly(new long[] {0, 2, 30, 0}, new long[] {1, 2, 30, 0},
        new long[] {3, 2, 40, 0}, new long[] {1, 2, 50, 0});
    // item 2 is never a seed, and the window now counts it: 0@10 no longer reaches 3@40
    assertThat(pairs).noneMatch(p -> p[0] == 2).noneMatch(p -> p[0] == 0 && p[1] == 3);
    assertThat(d.log().exposed()).containsOnly(true);
  }

  @Test
  void load_autoWithoutExposureColumn_dropsUnengagedRows() {
    assertThat(RelatedFixtures.pairs(load(2, true, "auto").log()))
        .usingRecursiveFieldByFieldElementComparator()
        .isEqualTo(RelatedFixtures.pairs(load(2, true, "drop").log()));
  }

  @Test
  void load_itemQueries_queryFeaturesAreTheItemFeaturesAndRelevanceIsAttached() {
    Dataset d = load(2, true, "drop");

    assertThat(d.queryKind()).isEqualTo(QueryKind.ITEM);
    assertThat(d.name()).isEqualTo("related-hand");
    assertThat(d.numQueries()).isEqualTo(6);
    assertThat(d.numItems()).isEqualTo(6);
    assertThat(d.schema().side(Side.QUERY)).extracting(f -> f.name()).containsExactly("id", "genres", "year",
        "content");
    assertThat(d.schema().side(Side.ITEM)).extracting(f -> f.name()).containsExactly("id", "genres", "year",
        "content");
    assertThat(d.schema().field(Side.QUERY, "id").orElseThrow().cardinality()).isEqualTo(6);
    assertThat(d.schema().field(Side.QUERY, "content").orElseThrow().kind()).isEqualTo(FieldKind.DENSE);
    assertThat(d.queryFeatures().multiCategorical("genres")).isDeepEqualTo(d.itemFeatures().multiCategorical("genres"));
    assertThat(d.queryFeatures().dense("content")).containsExactly(d.itemFeatures().dense("content"));
    assertThat(d.queryFeatures().keys()).containsExactly(RelatedFixtures.KEYS);
    assertThat(d.itemCategory()).containsExactly(0, 0, 1, 0, 2, 2);
    // the default rule: the same category; relevance label = the rule on every pair
    assertThat(d.relevance()).isNotNull();
    assertThat(d.relevance().threshold()).isEqualTo(0.5);
    InteractionLog log = d.log();
    for (int r = 0; r < log.size(); r++) {
      assertThat((double) log.label(CoEngagement.RELEVANCE)[r])
          .isCloseTo(d.relevance().relevance(log.queries()[r], log.items()[r]), within(1e-6));
    }
    assertThat(d.relevance().relevance(0, 3)).isEqualTo(1.0);
    assertThat(d.relevance().relevance(0, 2)).isEqualTo(0.0);
  }

  @Test
  void load_noPairInWindow_userErrorNamesTheWindow() {
    Dataset users = RelatedFixtures.users();
    Dataset single = new Dataset("one", QueryKind.USER, users.schema(), users.queryFeatures(), users.itemFeatures(),
        RelatedFixtures.log(new int[][] {{0, 0, 10, 5}, {1, 1, 20, 5}}, null), users.itemCategory(), null, null);
    CoEngagement source = new CoEngagement(RelatedFixtures.config(3, true, "drop", null, null),
        RelatedFixtures.source(single), "$.data");

    assertThatThrownBy(source::load).isInstanceOf(UserException.class).hasMessageContaining("$.data.window")
        .hasMessageContaining("no pair");
  }

  @Test
  void load_unknownEngagementLabel_userErrorListsTheLabels() {
    CoEngagementConfig c = new CoEngagementConfig(new RelatedFixtures.DummySource(), null, "click", null, null, null,
        null, null, null, null, null);
    CoEngagement source = new CoEngagement(c, RelatedFixtures.source(RelatedFixtures.users()), "$.data");

    assertThatThrownBy(source::load).isInstanceOf(UserException.class).hasMessageContaining("'click'")
        .hasMessageContaining("[rating]");
  }

  @Test
  void config_otherProtocol_refusedWithTheReason() {
    assertThatThrownBy(() -> new CoEngagementConfig(new RelatedFixtures.DummySource(), null, null, null, null, null,
        null, null, null, null, PerUserRatioConfig.defaults()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("related-temporal")
        .hasMessageContaining("both train and test");
    assertThatThrownBy(() -> new CoEngagementConfig(null, null, null, null, null, null, null, null, null, null, null))
        .hasMessageContaining("source");
    assertThatThrownBy(() -> new CoEngagementConfig(new RelatedFixtures.DummySource(), null, null, null, 0, null, null,
        null, null, null, null)).hasMessageContaining("window must be at least 1, got 0");
  }

  @Test
  void load_csvWithAUserRelevanceFileAndAVectorFile_joinedByTheCsvIds(@TempDir Path dir) throws Exception {
    Path log = Files.writeString(dir.resolve("log.csv"), "user,item,ts,clicked\n"
        + "u1,10,1,1\nu1,11,2,1\nu1,12,3,0\nu2,12,4,1\nu2,10,5,1\n");
    Path rel = Files.writeString(dir.resolve("rel.csv"), "seed,item,relevance\n10,11,0.9\n12,10,0.2\n");
    ByteBuffer vectors = ByteBuffer.allocate(4 * 9).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : new float[] {12, 5, 6, 10, 1, 2, 11, 3, 4}) { // id, then a 2-d vector; any row order
      vectors.putFloat(v);
    }
    Path bin = Files.write(dir.resolve("text.f32"), vectors.array());
    CsvConfig csv = new CsvConfig(null, log.toString(), null, null, null, null, "ts", List.of("clicked"), null, null,
        null, null, null);
    RelevanceConfig pairs = new RelevanceConfig(List.of(new RelevanceTermConfig("pairs", null, null, null, null,
        rel.toString(), null, null, null, null)), 0.5);
    CoEngagementConfig c = new CoEngagementConfig(csv, null, "clicked", null, 2, null, true, null, pairs,
        List.of(new VectorFileConfig("text", bin.toString(), null, 2, null, "error")), null);

    Dataset d = new CoEngagement(c, new CsvSource(csv), "$.data").load();

    // items 10 11 12 are entities 0 1 2. u1 clicked 10 then 11 (12 at 3 was not clicked: auto = drop
    // without an exposure column); u2 clicked 12 then 10
    assertThat(RelatedFixtures.pairs(d.log())).containsExactly(new long[] {0, 1, 2, 1}, new long[] {1, 0, 2, 1},
        new long[] {2, 0, 5, 1}, new long[] {0, 2, 5, 1});
    assertThat(d.log().label(CoEngagement.RELEVANCE)).containsExactly(new float[] {0.9f, 0.9f, 0.2f, 0.2f},
        within(1e-6f));
    assertThat(d.relevance().relevant(0, 1)).isTrue();
    assertThat(d.relevance().relevant(0, 2)).isFalse();
    assertThat(d.itemFeatures().dense("text")).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(d.queryFeatures().keys()).containsExactly("10", "11", "12");
  }

  @Test
  void load_simulatorWithTruthRule_shownNegativesAndTrueItemRelevance() {
    SimulatorConfig sc = SimulatorConfig.of(200, 80, 15, 11L);
    Simulator sim = new Simulator(sc, 11L);
    RelevanceConfig truth = new RelevanceConfig(List.of(RelevanceTermConfig.of("truth", null, 1.0)), 0.5);
    CoEngagementConfig c = new CoEngagementConfig(sc, null, null, null, 3, null, null, null, truth, null, null);

    Dataset d = new CoEngagement(c, sim, "$.data").load();

    GroundTruth world = sim.load().truth().orElseThrow();
    InteractionLog log = d.log();
    assertThat(d.name()).isEqualTo("related-simulator");
    assertThat(log.label(CoEngagement.ENGAGEMENT)).contains(0f, 1f); // clicks, and shown-not-clicked candidates
    assertThat(log.propensities()).isNotNull();
    assertThat(d.schema().field(Side.QUERY, "content")).isPresent();
    for (int r = 0; r < log.size(); r += 7) {
      double expected = Math.max(0, world.itemSimilarity(log.queries()[r], log.items()[r]));
      assertThat((double) log.label(CoEngagement.RELEVANCE)[r]).isCloseTo(expected, within(1e-6));
    }
  }
}

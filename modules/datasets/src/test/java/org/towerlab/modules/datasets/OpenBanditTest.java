package org.towerlab.modules.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.FieldKind;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Side;
import org.towerlab.api.data.Split;
import org.towerlab.api.random.Seeds;

class OpenBanditTest {

  private static Dataset real(String policy, String campaign) {
    Path dir = Fixtures.sharedData("open-bandit-small");
    assumeTrue(dir != null, "shared data folder open-bandit-small not found (set TOWERLAB_DATA); skipping the real"
        + " Open Bandit checks");
    return new OpenBandit(new OpenBanditConfig(dir.toString(), policy, campaign, null, null)).load();
  }

  @Test
  void load_realRandomMen_hasTheSamplesCountsAndUniformPropensity() {
    Dataset d = real("random", "men");
    InteractionLog log = d.log();

    assertThat(log.size()).isEqualTo(10_000);
    assertThat(d.numItems()).isEqualTo(34);
    assertThat(d.numQueries()).isEqualTo(230);
    assertThat(log.label("click")).containsOnly(0f, 1f);
    float clicks = 0;
    for (float c : log.label("click")) {
      clicks += c;
    }
    assertThat(clicks).isEqualTo(46f);
    assertThat(log.propensities()).containsOnly((float) (1.0 / 34));
    assertThat(log.positions()).containsOnly(0, 1, 2);
    assertThat(log.exposed()).containsOnly(true);
    assertThat(Arrays.stream(log.requests()).distinct().count()).isEqualTo(9_989);
    for (int r = 1; r < log.size(); r++) {
      assertThat(log.timestamps()[r]).isGreaterThanOrEqualTo(log.timestamps()[r - 1]);
    }
    assertThat(d.schema().field(Side.QUERY, "user_feature_2")).hasValueSatisfying(f -> assertThat(f.cardinality())
        .isEqualTo(10)); // 9 hashed values + missing
    assertThat(d.schema().field(Side.ITEM, "item_feature_0")).hasValueSatisfying(f -> assertThat(f.kind())
        .isEqualTo(FieldKind.DENSE));
    assertThat(d.schema().field(Side.ITEM, "item_feature_1")).hasValueSatisfying(f -> assertThat(f.kind())
        .isEqualTo(FieldKind.CATEGORICAL));
    assertThat(d.files()).hasSize(2);
  }

  @Test
  void load_realBtsWomen_hasPolicyPropensitiesBelowOne() {
    Dataset d = real("bts", "women");

    assertThat(d.numItems()).isEqualTo(46);
    assertThat(d.log().size()).isEqualTo(10_000);
    float min = 1;
    float max = 0;
    for (float p : d.log().propensities()) {
      min = Math.min(min, p);
      max = Math.max(max, p);
    }
    assertThat(min).isGreaterThan(0f);
    assertThat(max).isLessThanOrEqualTo(1f);
    assertThat(max - min).as("Thompson sampling is not uniform").isGreaterThan(0.1f);
  }

  @Test
  void split_realDefaultProtocol_cutsTheImpressionsByTime() {
    Dataset d = real("random", "men");

    Split s = new Ctr(OpenBanditConfig.defaultProtocol()).split(d, new Seeds(1));

    assertThat(s.logged("train").size()).isEqualTo(8_000);
    assertThat(s.logged("valid").size()).isEqualTo(1_000);
    assertThat(s.logged("test").size()).isEqualTo(1_000);
    assertThat(s.train().size() + s.valid().size() + s.test().size()).isEqualTo(46);
    long trainMax = Arrays.stream(s.logged("train").timestamps()).max().orElseThrow();
    assertThat(Arrays.stream(s.logged("test").timestamps()).min().orElseThrow()).isGreaterThanOrEqualTo(trainMax);
  }

  @Test
  void load_realCampaignAll_explainsThatTheSampleHasNoAllCsv() {
    Path dir = Fixtures.sharedData("open-bandit-small");
    assumeTrue(dir != null, "shared data folder open-bandit-small not found; skipping");

    assertThatThrownBy(() -> new OpenBandit(new OpenBanditConfig(dir.toString(), "random", "all", null, null)).load())
        .isInstanceOf(UserException.class).hasMessageContaining("all.csv").hasMessageContaining("research.zozo.com");
  }

  private static final String HEADER = ",timestamp,item_id,position,click,propensity_score,user_feature_0,"
      + "user_feature_1,user-item_affinity_0,user-item_affinity_1,user-item_affinity_2\n";

  private static Path fixture(Path root, String log) {
    Path dir = root.resolve("random").resolve("men");
    Fixtures.write(dir, "item_context.csv", ",item_id,item_feature_0,item_feature_1\n0,0,0.5,aa\n1,1,-1.5,bb\n"
        + "2,2,2.0,aa\n");
    Fixtures.write(dir, "men.csv", HEADER + log);
    return root;
  }

  @Test
  void load_fixture_mapsQueriesRequestsPositionsAndTimes(@TempDir Path root) {
    fixture(root, "0,2019-11-24 00:00:01.000001+00:00,2,1,0,0.25,x,p,0.0,0.0,1.0\n"
        + "1,2019-11-24 00:00:01.000001+00:00,0,3,1,0.5,x,p,0.0,0.0,1.0\n"
        + "2,2019-11-24 00:00:02+00:00,1,2,0,0.125,a,q,0.0,0.0,0.0\n"
        + "3,2019-11-24 00:00:03.5+00:00,1,1,1,1.0,x,p,2.0,0.0,0.0\n");

    Dataset d = new OpenBandit(new OpenBanditConfig(root.toString(), null, null, null, null)).load();
    InteractionLog log = d.log();

    assertThat(d.name()).isEqualTo("open-bandit");
    assertThat(d.numQueries()).isEqualTo(2); // tuples (a, q) < (x, p)
    assertThat(log.queries()).containsExactly(1, 1, 0, 1);
    assertThat(log.items()).containsExactly(2, 0, 1, 1);
    assertThat(log.positions()).containsExactly(0, 2, 1, 0);
    assertThat(log.label("click")).containsExactly(0f, 1f, 0f, 1f);
    assertThat(log.propensities()).containsExactly(0.25f, 0.5f, 0.125f, 1f);
    assertThat(log.requests()).as("same time and user: one round").containsExactly(0, 0, 1, 2);
    long t0 = 1574553601000001L; // 2019-11-24T00:00:01.000001Z in microseconds
    assertThat(log.timestamps()).containsExactly(t0, t0, t0 + 999_999, t0 + 2_499_999);
    assertThat(d.queryFeatures().categorical("user_feature_0")).containsExactly(1, 2);
    assertThat(d.itemFeatures().dense("item_feature_0")).containsExactly(0.5f, -1.5f, 2.0f);
    assertThat(d.itemFeatures().categorical("item_feature_1")).containsExactly(1, 2, 1);
    assertThat(d.schema().field(Side.QUERY, "affinity")).isEmpty();
  }

  @Test
  void load_affinityQueryKey_splitsQueriesByAffinityAndAddsTheField(@TempDir Path root) {
    fixture(root, "0,2019-11-24 00:00:01+00:00,2,1,0,0.25,x,p,0.0,0.0,1.0\n"
        + "1,2019-11-24 00:00:02+00:00,0,3,1,0.5,x,p,2.0,0.0,0.0\n");

    Dataset d = new OpenBandit(new OpenBanditConfig(root.toString(), null, null, "user-features-and-affinity", null))
        .load();

    assertThat(d.numQueries()).isEqualTo(2);
    assertThat(d.schema().field(Side.QUERY, "affinity")).hasValueSatisfying(f -> assertThat(f.dim()).isEqualTo(3));
    float[] aff = d.queryFeatures().dense("affinity");
    int q0 = d.log().queries()[0];
    assertThat(Arrays.copyOfRange(aff, q0 * 3, q0 * 3 + 3)).containsExactly(0f, 0f, 1f);
  }

  @Test
  void load_badRows_nameFileLineAndValue(@TempDir Path root) {
    Path unknownItem = fixture(root.resolve("a"), "0,2019-11-24 00:00:01+00:00,7,1,0,0.25,x,p,0,0,0\n");
    Path badTime = fixture(root.resolve("b"), "0,yesterday,1,1,0,0.25,x,p,0,0,0\n");
    Path badPropensity = fixture(root.resolve("c"), "0,2019-11-24 00:00:01+00:00,1,1,0,0,x,p,0,0,0\n");
    Path badPosition = fixture(root.resolve("d"), "0,2019-11-24 00:00:01+00:00,1,0,0,0.5,x,p,0,0,0\n");

    assertThatThrownBy(() -> load(unknownItem)).isInstanceOf(UserException.class).hasMessageContaining("men.csv")
        .hasMessageContaining("line 2").hasMessageContaining("item_id 7");
    assertThatThrownBy(() -> load(badTime)).isInstanceOf(UserException.class).hasMessageContaining("'yesterday'");
    assertThatThrownBy(() -> load(badPropensity)).isInstanceOf(UserException.class)
        .hasMessageContaining("propensity_score 0.0 is not in (0, 1]");
    assertThatThrownBy(() -> load(badPosition)).isInstanceOf(UserException.class).hasMessageContaining("position 0");
  }

  @Test
  void load_headerWithoutClick_namesTheColumn(@TempDir Path root) {
    Path dir = root.resolve("random").resolve("men");
    Fixtures.write(dir, "item_context.csv", ",item_id,item_feature_0\n0,0,0.5\n");
    Fixtures.write(dir, "men.csv", ",timestamp,item_id,position,propensity_score\n0,2019-11-24 00:00:01+00:00,0,1,0.5\n");

    assertThatThrownBy(() -> load(root)).isInstanceOf(UserException.class).hasMessageContaining("'click'");
  }

  @Test
  void load_missingFolder_namesPathAndDownload(@TempDir Path root) {
    assertThatThrownBy(() -> new OpenBandit(new OpenBanditConfig(root.toString(), "bts", "women", null, null)).load())
        .isInstanceOf(UserException.class).hasMessageContaining("item_context.csv").hasMessageContaining("zr-obp");
  }

  @Test
  void config_unknownValues_rejectedWithValue() {
    assertThatThrownBy(() -> new OpenBanditConfig(null, "greedy", null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'greedy'");
    assertThatThrownBy(() -> new OpenBanditConfig(null, null, "kids", null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'kids'");
    assertThatThrownBy(() -> new OpenBanditConfig(null, null, null, "session", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'session'");
  }

  private static Dataset load(Path root) {
    return new OpenBandit(new OpenBanditConfig(root.toString(), null, null, null, null)).load();
  }
}

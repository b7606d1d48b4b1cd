package org.towerlab.modules.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.UserException;
import org.towerlab.api.config.ComponentConfig;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.api.random.Seeds;
import org.towerlab.api.data.FieldKind;
import org.towerlab.api.data.Side;

class CsvSourceTest {

  private static CsvConfig config(Path log, CsvFeaturesConfig items, String timestamp) {
    return new CsvConfig("shop", log.toString(), null, null, "uid", "sku", timestamp, List.of("clicked"), null, items,
        items == null ? null : "brand", null, null);
  }

  @Test
  void load_withItemFeatures_buildsAllFieldKinds(@TempDir Path dir) {
    Path log = Fixtures.write(dir, "log.csv", "uid,sku,ts,clicked\nu2,b,10,1\nu1,a,20,0\nu1,c,30,1\n");
    Path feat = Fixtures.write(dir, "items.csv", "sku,brand,tags,vec\na,acme,x|y,0.5 1\nb,zeta,,1 2\n"
        + "c,acme,y,\"3 4\"\nd,,z|x|y,5 6\n");
    CsvFeaturesConfig items = new CsvFeaturesConfig(feat.toString(), null, null, "sku", List.of(
        new CsvFieldConfig("brand", null, null, null, null, null),
        new CsvFieldConfig("tags", "multi-categorical", null, 2, null, null),
        new CsvFieldConfig("vec", "dense", null, null, " ", null)));

    Dataset d = new CsvSource(config(log, items, "ts")).load();

    assertThat(d.name()).isEqualTo("shop");
    assertThat(d.numQueries()).isEqualTo(2);
    assertThat(d.numItems()).isEqualTo(4); // d has features but no interactions
    assertThat(d.log().queries()).containsExactly(1, 0, 0);
    assertThat(d.log().items()).containsExactly(1, 0, 2);
    assertThat(d.log().timestamps()).containsExactly(10, 20, 30);
    assertThat(d.log().label("clicked")).containsExactly(1f, 0f, 1f);
    assertThat(d.itemFeatures().categorical("brand")).containsExactly(1, 2, 1, 0);
    assertThat(d.itemCategory()).containsExactly(1, 2, 1, 0);
    assertThat(d.itemFeatures().multiCategorical("tags")[3]).containsExactly(2, 0); // z, x (max-length 2)
    assertThat(d.itemFeatures().dense("vec")).containsExactly(0.5f, 1f, 1f, 2f, 3f, 4f, 5f, 6f);
    assertThat(d.schema().field(Side.ITEM, "tags")).hasValueSatisfying(f -> {
      assertThat(f.kind()).isEqualTo(FieldKind.MULTI_CATEGORICAL);
      assertThat(f.maxLength()).isEqualTo(2);
    });
    assertThat(d.files()).hasSize(2);
    assertThat(d.itemFeatures().keys()).containsExactly("a", "b", "c", "d");
    assertThat(d.queryFeatures().keys()).containsExactly("u1", "u2");
  }

  @Test
  void load_tsvWithoutHeaderOrTimestamp_usesIndexesAndLineNumbers(@TempDir Path dir) {
    Path log = Fixtures.write(dir, "log.tsv", "7\t100\t1\n3\t100\t0\n");
    CsvConfig c = new CsvConfig(null, log.toString(), null, false, "0", "1", null, List.of("2"), null, null, null, null,
        null);

    Dataset d = new CsvSource(c).load();

    assertThat(d.log().queries()).containsExactly(1, 0); // numeric ids sort numerically
    assertThat(d.log().timestamps()).containsExactly(1, 2);
    assertThat(d.log().label("2")).containsExactly(1f, 0f);
  }

  @Test
  void load_wrongFieldCount_namesFileAndLine(@TempDir Path dir) {
    Path log = Fixtures.write(dir, "log.csv", "uid,sku,ts,clicked\nu2,b,10,1\nu1,a,20\n");

    assertThatThrownBy(() -> new CsvSource(config(log, null, "ts")).load()).isInstanceOf(UserException.class)
        .hasMessageContaining("log.csv").hasMessageContaining("line 3").hasMessageContaining("u1,a,20");
  }

  @Test
  void load_unknownColumn_listsHeader(@TempDir Path dir) {
    Path log = Fixtures.write(dir, "log.csv", "uid,sku,ts,clicked\nu2,b,10,1\n");

    assertThatThrownBy(() -> new CsvSource(config(log, null, "time")).load()).isInstanceOf(UserException.class)
        .hasMessageContaining("'time'").hasMessageContaining("timestamp-column").hasMessageContaining("[uid, sku, ts, clicked]");
  }

  private static final String IMPRESSIONS = "uid,sku,ts,clicked,shown,req,pos,prop,stage\n"
      + "u1,a,10,1,1,r7,0,0.5,2\n"
      + "u1,b,10,0,1,r7,1,0.25,2\n"
      + "u1,c,10,0,0,r7,-1,0.05,1\n"
      + "u2,a,20,0,true,r10,0,0.5,2\n"
      + "u2,c,20,1,TRUE,r10,1,0.1,2\n"
      + "u2,b,20,0,false,r10,-1,0.01,0\n";

  private static CsvConfig impressions(Path log, ComponentConfig.Protocol protocol) {
    return new CsvConfig("shop", log.toString(), null, null, "uid", "sku", "ts", List.of("clicked"), null, null, null,
        null, "shown", "req", "pos", "prop", "stage", protocol);
  }

  @Test
  void load_loggingColumns_fillExposurePositionPropensityRequestAndStage(@TempDir Path dir) {
    Path log = Fixtures.write(dir, "log.csv", IMPRESSIONS);

    InteractionLog l = new CsvSource(impressions(log, null)).load().log();

    assertThat(l.exposed()).containsExactly(true, true, false, true, true, false);
    assertThat(l.positions()).containsExactly(0, 1, -1, 0, 1, -1);
    assertThat(l.propensities()).containsExactly(0.5f, 0.25f, 0.05f, 0.5f, 0.1f, 0.01f);
    assertThat(l.requests()).as("request ids r10 < r7 in sorted order").containsExactly(1, 1, 1, 0, 0, 0);
    assertThat(l.stages()).containsExactly(2, 2, 1, 2, 2, 0);
  }

  @Test
  void load_withoutLoggingColumns_leavesThemNull(@TempDir Path dir) {
    Path log = Fixtures.write(dir, "log.csv", IMPRESSIONS);

    InteractionLog l = new CsvSource(config(log, null, "ts")).load().log();

    assertThat(l.exposed()).isNull();
    assertThat(l.requests()).isNull();
    assertThat(l.positions()).isNull();
    assertThat(l.propensities()).isNull();
    assertThat(l.stages()).isNull();
  }

  @Test
  void split_exposureColumn_keepsShownNegativesAndCandidatesAsLoggedRows(@TempDir Path dir) {
    Path log = Fixtures.write(dir, "log.csv", IMPRESSIONS);
    Dataset d = new CsvSource(impressions(log, null)).load();

    Split rows = new PerUserRatio(new PerUserRatioConfig(null, "clicked", null, null, null, "row"))
        .split(d, new Seeds(1));
    Split requests = new PerUserRatio(new PerUserRatioConfig(null, "clicked", null, null, null, "request"))
        .split(d, new Seeds(1));

    for (Split s : List.of(rows, requests)) {
      assertThat(s.hasLogged()).isTrue();
      int positives = 0;
      int logged = 0;
      for (String part : Split.PARTS) {
        positives += s.part(part).size();
        logged += s.logged(part).size();
      }
      assertThat(positives).isEqualTo(2);
      assertThat(logged).isEqualTo(6);
    }
    // one request per user: splitCounts(1) puts each whole in train
    assertThat(requests.hasLoggedNegatives()).isTrue();
    assertThat(requests.logged("train").size()).isEqualTo(6);
    assertThat(requests.logged("train").stages()).containsExactly(2, 2, 1, 2, 2, 0);
  }

  @Test
  void load_badExposureOrPropensity_namesLineAndValue(@TempDir Path dir) {
    Path badExposure = Fixtures.write(dir, "a.csv", "uid,sku,ts,clicked,shown,req,pos,prop,stage\nu1,a,1,1,yes,r,0,0.5,2\n");
    Path badPropensity = Fixtures.write(dir, "b.csv", "uid,sku,ts,clicked,shown,req,pos,prop,stage\nu1,a,1,1,1,r,0,1.5,2\n");
    Path badStage = Fixtures.write(dir, "c.csv", "uid,sku,ts,clicked,shown,req,pos,prop,stage\nu1,a,1,1,1,r,0,0.5,-2\n");

    assertThatThrownBy(() -> new CsvSource(impressions(badExposure, null)).load()).isInstanceOf(UserException.class)
        .hasMessageContaining("a.csv").hasMessageContaining("line 2").hasMessageContaining("'yes'");
    assertThatThrownBy(() -> new CsvSource(impressions(badPropensity, null)).load()).isInstanceOf(UserException.class)
        .hasMessageContaining("line 2").hasMessageContaining("1.5").hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> new CsvSource(impressions(badStage, null)).load()).isInstanceOf(UserException.class)
        .hasMessageContaining("stage -2");
  }

  @Test
  void load_unknownLoggingColumn_namesTheKey(@TempDir Path dir) {
    Path log = Fixtures.write(dir, "log.csv", "uid,sku,ts,clicked\nu2,b,10,1\n");

    assertThatThrownBy(() -> new CsvSource(impressions(log, null)).load()).isInstanceOf(UserException.class)
        .hasMessageContaining("'shown'").hasMessageContaining("exposure-column");
  }

  @Test
  void config_missingFile_rejected() {
    assertThatThrownBy(() -> new CsvConfig(null, null, null, null, null, null, null, null, null, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("file");
  }

  @Test
  void fieldConfig_unknownKind_rejectedWithValue() {
    assertThatThrownBy(() -> new CsvFieldConfig("x", "sparse", null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sparse");
  }
}

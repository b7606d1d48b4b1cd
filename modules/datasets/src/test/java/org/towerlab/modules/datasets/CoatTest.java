package org.towerlab.modules.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.Split;
import org.towerlab.api.random.Seeds;

class CoatTest {

  private static Dataset real() {
    Path dir = Fixtures.sharedData("coat");
    assumeTrue(dir != null, "shared data not found (set TOWERLAB_DATA); skipping the real Coat checks");
    return new Coat(new CoatConfig(dir.toString(), null)).load();
  }

  @Test
  void load_realFiles_hasPublishedCountsAndFeatures() {
    Dataset d = real();

    assertThat(d.numQueries()).isEqualTo(290);
    assertThat(d.numItems()).isEqualTo(300);
    float[] random = d.log().label("random");
    int test = 0;
    for (float r : random) {
      test += (int) r;
    }
    assertThat(d.log().size() - test).isEqualTo(6_960);
    assertThat(test).isEqualTo(4_640);
    for (float p : d.log().propensities()) {
      assertThat(p).isGreaterThan(0f);
    }
    assertThat(java.util.Arrays.stream(d.queryFeatures().categorical("age")).boxed().toList()).allMatch(v -> v >= 1 && v <= 6);
    assertThat(java.util.Arrays.stream(d.itemFeatures().categorical("jackettype")).boxed().toList()).allMatch(v -> v >= 1 && v <= 16);
    assertThat(d.itemCategory()).isEqualTo(d.itemFeatures().categorical("jackettype"));
    assertThat(d.files()).hasSize(7);
  }

  @Test
  void coatRandomTest_realFiles_testIsExactlyTheRandomPositives() {
    Dataset d = real();

    Split s = new CoatRandomTest(CoatRandomTestConfig.defaults()).split(d, new Seeds(1));

    assertThat(s.test().size()).isPositive();
    for (int r = 0; r < s.test().size(); r++) {
      assertThat(s.test().label("random")[r]).isEqualTo(1f);
      assertThat(s.test().label("rating")[r]).isGreaterThanOrEqualTo(4f);
    }
    for (var part : new org.towerlab.api.data.InteractionLog[] {s.train(), s.valid()}) {
      for (int r = 0; r < part.size(); r++) {
        assertThat(part.label("random")[r]).isEqualTo(0f);
        assertThat(part.label("positive")[r]).isEqualTo(1f);
      }
    }
    Set<Long> train = new HashSet<>();
    for (int r = 0; r < s.train().size(); r++) {
      train.add((long) s.train().queries()[r] << 32 | s.train().items()[r]);
    }
    for (int r = 0; r < s.valid().size(); r++) {
      assertThat(train).doesNotContain((long) s.valid().queries()[r] << 32 | s.valid().items()[r]);
    }
    assertThat((double) s.valid().size() / (s.train().size() + s.valid().size())).isBetween(0.05, 0.2);
  }

  @Test
  void coatRandomTest_loggedRows_keepEveryRatingWithBothClasses() {
    Dataset d = real();

    Split s = new CoatRandomTest(CoatRandomTestConfig.defaults()).split(d, new Seeds(1));

    assertThat(s.hasLoggedNegatives()).isTrue();
    assertThat(s.logged("test").size()).isEqualTo(4_640);
    assertThat(s.logged("train").size() + s.logged("valid").size()).isEqualTo(6_960);
    assertThat(s.logged("train").label("positive")).contains(0f, 1f);
    assertThat(s.train().label("positive")).containsOnly(1f);
  }

  @Test
  void load_matrixRowOfWrongWidth_namesFileAndLine(@TempDir Path dir) {
    Fixtures.write(dir, "train.ascii", "0 1 2\r\n3 0\r\n");
    Fixtures.write(dir, "test.ascii", "0 1 2\n3 0 0\n");
    Fixtures.write(dir, "propensities.ascii", "0.1 0.1 0.1\n0.1 0.1 0.1\n");

    assertThatThrownBy(() -> new Coat(new CoatConfig(dir.toString(), null)).load())
        .isInstanceOf(UserException.class).hasMessageContaining("train.ascii").hasMessageContaining("line 2");
  }

  @Test
  void load_fixtureWithoutFeatureFiles_readsCrlfMatrices(@TempDir Path dir) {
    Fixtures.write(dir, "train.ascii", "0 1 2\r\n3 0 0\r\n");
    Fixtures.write(dir, "test.ascii", "5 0 0\r\n0 0 4\r\n");
    Fixtures.write(dir, "propensities.ascii", "0.1 0.2 0.3\n0.4 0.5 0.6\n");

    Dataset d = new Coat(new CoatConfig(dir.toString(), null)).load();

    assertThat(d.log().queries()).containsExactly(0, 0, 1, 0, 1);
    assertThat(d.log().items()).containsExactly(1, 2, 0, 0, 2);
    assertThat(d.log().label("rating")).containsExactly(1f, 2f, 3f, 5f, 4f);
    assertThat(d.log().label("random")).containsExactly(0f, 0f, 0f, 1f, 1f);
    assertThat(d.log().propensities()).containsExactly(0.2f, 0.3f, 0.4f, 0.1f, 0.6f);
  }

  @Test
  void coatRandomTest_dataWithoutRandomLabel_throwsUserException() {
    Dataset d = Fixtures.randomRatings(5, 5, 3, 1);

    assertThatThrownBy(() -> new CoatRandomTest(CoatRandomTestConfig.defaults()).split(d, new Seeds(1)))
        .isInstanceOf(UserException.class).hasMessageContaining("random");
  }
}

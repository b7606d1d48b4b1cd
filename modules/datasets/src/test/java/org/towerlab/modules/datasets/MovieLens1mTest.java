package org.towerlab.modules.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.Side;

class MovieLens1mTest {
  private static final String RATINGS = "1::1193::5::978300760\n1::661::3::978302109\n10::1193::4::978301968\n";
  private static final String USERS = "1::F::1::10::48067\n10::M::35::1::95370\n";
  private static final String MOVIES = "661::James and the Giant Peach (1996)::Animation|Children's|Musical\n"
      + "1193::One Flew Over the Cuckoo's Nest (1975)::Drama\n";

  @Test
  void load_oneMillionFormat_parsesUsersAndMovies(@TempDir Path dir) {
    Fixtures.write(dir, "ratings.dat", RATINGS);
    Fixtures.write(dir, "users.dat", USERS);
    Fixtures.write(dir, "movies.dat", MOVIES, StandardCharsets.ISO_8859_1);

    Dataset d = new MovieLens1m(new MovieLens1mConfig(dir.toString(), null, null, null, null)).load();

    assertThat(d.name()).isEqualTo("ml-1m");
    assertThat(d.numQueries()).isEqualTo(2);
    assertThat(d.numItems()).isEqualTo(2); // 661 -> 0, 1193 -> 1
    assertThat(d.log().items()).containsExactly(1, 0, 1);
    assertThat(d.log().queries()).containsExactly(0, 0, 1);
    assertThat(d.queryFeatures().categorical("gender")).containsExactly(2, 1);
    assertThat(d.queryFeatures().categorical("age")).containsExactly(1, 4);
    assertThat(d.itemFeatures().multiCategorical("genres")[0]).containsExactly(3, 4, 12);
    assertThat(d.itemCategory()).containsExactly(3, 8);
    assertThat(d.itemFeatures().categorical("year")).containsExactly(MovieLensAssembler.yearBucket(1996),
        MovieLensAssembler.yearBucket(1975));
  }

  @Test
  void load_tenMillionFormatWithoutUsers_hasOnlyIdOnQuerySide(@TempDir Path dir) {
    Fixtures.write(dir, "ratings.dat", "5::10::4.5::1000\n7::10::0.5::1001\n");
    Fixtures.write(dir, "movies.dat", "10::GoldenEye (1995)::Action|Adventure|Thriller\n");

    Dataset d = new MovieLens1m(new MovieLens1mConfig(dir.toString(), null, "UTF-8", null, null)).load();

    assertThat(d.name()).isEqualTo("ml-10m");
    assertThat(d.schema().side(Side.QUERY)).extracting(f -> f.name()).containsExactly("id");
    assertThat(d.log().label("rating")).containsExactly(4.5f, 0.5f);
  }

  @Test
  void load_unknownGenre_namesFileAndLine(@TempDir Path dir) {
    Fixtures.write(dir, "ratings.dat", RATINGS);
    Fixtures.write(dir, "movies.dat", "661::X (1996)::Animation|Space Opera\n");

    assertThatThrownBy(() -> new MovieLens1m(new MovieLens1mConfig(dir.toString(), null, null, null, null)).load())
        .isInstanceOf(UserException.class).hasMessageContaining("movies.dat").hasMessageContaining("line 1")
        .hasMessageContaining("Space Opera");
  }

  @Test
  void load_wrongFieldCount_namesFileAndLine(@TempDir Path dir) {
    Fixtures.write(dir, "ratings.dat", RATINGS + "2::3::4\n");
    Fixtures.write(dir, "movies.dat", MOVIES);

    assertThatThrownBy(() -> new MovieLens1m(new MovieLens1mConfig(dir.toString(), null, null, null, null)).load())
        .isInstanceOf(UserException.class).hasMessageContaining("ratings.dat").hasMessageContaining("line 4")
        .hasMessageContaining("2::3::4");
  }

  @Test
  void config_unknownEncoding_rejectedWithValue() {
    assertThatThrownBy(() -> new MovieLens1mConfig(null, null, "klingon-8", null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("klingon-8");
  }
}

package org.towerlab.modules.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Dataset;

class MovieLens20mTest {
  private static final String MOVIES = "movieId,title,genres\n"
      + "1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy\n"
      + "11,\"American President, The (1995)\",Comedy|Drama|Romance\n"
      + "99,\"Film \"\"Quoted\"\" (2015)\",(no genres listed)\n";

  @Test
  void load_csvWithQuotedTitles_parsesGenresAndYears(@TempDir Path dir) {
    Fixtures.write(dir, "ratings.csv", "userId,movieId,rating,timestamp\n1,11,3.5,1112486027\n2,1,4.0,1112484676\n"
        + "2,99,2.0,1112484580\n");
    Fixtures.write(dir, "movies.csv", MOVIES);

    Dataset d = new MovieLens20m(new MovieLens20mConfig(dir.toString(), null, null, null)).load();

    assertThat(d.log().size()).isEqualTo(3);
    assertThat(d.numItems()).isEqualTo(3);
    assertThat(d.log().items()).containsExactly(1, 0, 2);
    assertThat(d.itemFeatures().multiCategorical("genres")[0]).containsExactly(2, 3, 4, 5, 9);
    assertThat(d.itemFeatures().multiCategorical("genres")[1]).containsExactly(5, 8, 14);
    assertThat(d.itemFeatures().multiCategorical("genres")[2]).isEmpty();
    assertThat(d.itemCategory()).containsExactly(2, 5, 0);
    assertThat(d.itemFeatures().categorical("year")).containsExactly(MovieLensAssembler.yearBucket(1995),
        MovieLensAssembler.yearBucket(1995), MovieLensAssembler.yearBucket(2015));
    assertThat(d.log().label("rating")).containsExactly(3.5f, 4.0f, 2.0f);
  }

  @Test
  void load_nonNumericUser_namesFileLineAndText(@TempDir Path dir) {
    Fixtures.write(dir, "ratings.csv", "userId,movieId,rating,timestamp\n1,11,3.5,1112486027\nbob,1,4.0,1\n");
    Fixtures.write(dir, "movies.csv", MOVIES);

    assertThatThrownBy(() -> new MovieLens20m(new MovieLens20mConfig(dir.toString(), null, null, null)).load())
        .isInstanceOf(UserException.class).hasMessageContaining("ratings.csv").hasMessageContaining("line 3")
        .hasMessageContaining("bob");
  }
}

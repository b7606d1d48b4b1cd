package org.towerlab.modules.datasets;

import java.nio.charset.Charset;
import java.nio.file.Path;
import org.towerlab.api.data.DataSource;
import org.towerlab.api.data.Dataset;

/**
 * MovieLens 1M and 10M in the {@code ::} format: {@code ratings.dat}
 * ({@code UserID::MovieID::Rating::Timestamp}), {@code movies.dat} ({@code MovieID::Title::Genres},
 * genres separated by {@code |}) and, for 1M only, {@code users.dat}
 * ({@code UserID::Gender::Age::Occupation::Zip-code}). Without users.dat the query side has only
 * the {@code id} field. Fields and labels as in {@link MovieLens100k}.
 */
public final class MovieLens1m implements DataSource {
  static final String HINT = "Download MovieLens 1M (ml-1m.zip) or 10M (ml-10m.zip) from"
      + " https://grouplens.org/datasets/movielens/ and unzip it into the data root, or run 'towerlab data fetch ml-1m'"
      + " (or ml-10m) to download and verify it.";
  private final MovieLens1mConfig config;

  public MovieLens1m(MovieLens1mConfig config) {
    this.config = config;
  }

  @Override
  public Dataset load() {
    Path dir = DataRoot.locate(config.path(), config.release());
    Charset cs = Charset.forName(config.encoding());
    MovieLensAssembler a = new MovieLensAssembler();

    TextFile ratings = new TextFile(dir.resolve("ratings.dat"), cs, HINT).requireFinalNewline();
    ratings.read((no, line) -> {
      String[] f = ratings.expectFields(no, line, Columns.split(line, "::"), 4, "UserID::MovieID::Rating::Timestamp");
      a.rating(MovieLensAssembler.id(ratings, no, line, ratings.parseInt(no, line, f[0], "user id"), "user id"),
          MovieLensAssembler.id(ratings, no, line, ratings.parseInt(no, line, f[1], "movie id"), "movie id"),
          // 1M has whole stars, 10M half stars
          MovieLensAssembler.rating(ratings, no, line, ratings.parseFloat(no, line, f[2], "rating"), 0.5f, 5f, 0.5f),
          ratings.parseLong(no, line, f[3], "timestamp"));
    }, a.files);

    TextFile users = new TextFile(dir.resolve("users.dat"), cs, HINT).requireFinalNewline();
    boolean withUsers = users.exists();
    if (withUsers) {
      users.read((no, line) -> {
        String[] f = users.expectFields(no, line, Columns.split(line, "::"), 5, "UserID::Gender::Age::Occupation::Zip-code");
        a.userInfo.put(MovieLensAssembler.id(users, no, line, users.parseInt(no, line, f[0], "user id"), "user id"),
            new MovieLensAssembler.UserInfo(
            MovieLensAssembler.ageBucket(users.parseInt(no, line, f[2], "age")), MovieLensAssembler.gender(f[1]),
            Integer.toString(users.parseInt(no, line, f[3], "occupation"))));
      }, a.files);
    }

    TextFile movies = new TextFile(dir.resolve("movies.dat"), cs, HINT).requireFinalNewline();
    movies.read((no, line) -> {
      String[] f = movies.expectFields(no, line, Columns.split(line, "::"), 3, "MovieID::Title::Genres");
      a.itemInfo.put(MovieLensAssembler.id(movies, no, line, movies.parseInt(no, line, f[0], "movie id"), "movie id"),
          new MovieLensAssembler.ItemInfo(MovieLensAssembler.genres(movies, no, line, f[2]),
              MovieLensAssembler.titleYear(f[1])));
    }, a.files);
    a.checkReferences(ratings, line -> Columns.split(line, "::"), withUsers ? users : null, movies);

    return a.build(withUsers ? "ml-1m" : "ml-10m", config.historyLength(), withUsers);
  }
}

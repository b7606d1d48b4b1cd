package org.towerlab.modules.datasets;

import java.nio.file.Path;
import org.towerlab.api.data.DataSource;
import org.towerlab.api.data.Dataset;

/**
 * MovieLens 20M and 25M in the CSV format with a header line: {@code ratings.csv}
 * ({@code userId,movieId,rating,timestamp}) and {@code movies.csv} ({@code movieId,title,genres},
 * titles quoted when they hold a comma). UTF-8. No user file: the query side has only {@code id}.
 */
public final class MovieLens20m implements DataSource {
  static final String HINT = "Download MovieLens 20M (ml-20m.zip) or 25M (ml-25m.zip) from"
      + " https://grouplens.org/datasets/movielens/ and unzip it into the data root, or run 'towerlab data fetch ml-20m'"
      + " (or ml-25m) to download and verify it.";
  private final MovieLens20mConfig config;

  public MovieLens20m(MovieLens20mConfig config) {
    this.config = config;
  }

  @Override
  public Dataset load() {
    Path dir = DataRoot.locate(config.path(), config.release());
    MovieLensAssembler a = new MovieLensAssembler();

    TextFile ratings = TextFile.utf8(dir.resolve("ratings.csv"), HINT).requireFinalNewline();
    ratings.read((no, line) -> {
      if (no == 1 && line.startsWith("userId")) {
        return;
      }
      String[] f = ratings.expectFields(no, line, Columns.split(line, ',', false), 4, "userId,movieId,rating,timestamp");
      a.rating(MovieLensAssembler.id(ratings, no, line, ratings.parseInt(no, line, f[0], "user id"), "user id"),
          MovieLensAssembler.id(ratings, no, line, ratings.parseInt(no, line, f[1], "movie id"), "movie id"),
          MovieLensAssembler.rating(ratings, no, line, ratings.parseFloat(no, line, f[2], "rating"), 0.5f, 5f, 0.5f),
          ratings.parseLong(no, line, f[3], "timestamp"));
    }, a.files);

    TextFile movies = TextFile.utf8(dir.resolve("movies.csv"), HINT).requireFinalNewline();
    movies.read((no, line) -> {
      if (no == 1 && line.startsWith("movieId")) {
        return;
      }
      String[] f = movies.expectFields(no, line, Columns.split(line, ',', true), 3, "movieId,title,genres");
      a.itemInfo.put(MovieLensAssembler.id(movies, no, line, movies.parseInt(no, line, f[0], "movie id"), "movie id"),
          new MovieLensAssembler.ItemInfo(MovieLensAssembler.genres(movies, no, line, f[2]),
              MovieLensAssembler.titleYear(f[1])));
    }, a.files);
    a.checkReferences(ratings, line -> Columns.split(line, ',', false), null, movies);

    return a.build(config.release(), config.historyLength(), false);
  }
}

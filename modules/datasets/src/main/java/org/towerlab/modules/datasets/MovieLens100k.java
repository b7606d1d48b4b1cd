package org.towerlab.modules.datasets;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.towerlab.api.data.DataSource;
import org.towerlab.api.data.Dataset;

/**
 * MovieLens 100K (Harper and Konstan, "The MovieLens Datasets: History and Context", ACM TiiS
 * 2015): {@code u.data} (tab-separated user, item, rating, unix time), {@code u.user}
 * ({@code id|age|gender|occupation|zip}) and {@code u.item} (ISO-8859-1,
 * {@code id|title|date|video date|url|19 genre flags}).
 *
 * <p>Query fields: {@code id}, {@code age} (bucket), {@code gender}, {@code occupation}, and
 * {@code history} when configured. Item fields: {@code id}, {@code genres} (up to 6),
 * {@code year} (release-year bucket), and {@code title} (word tokens, multi-categorical) when
 * {@code title-tokens} is set. Label {@code rating}. Item category = first genre. Original ids are
 * recorded as the tables' keys.
 */
public final class MovieLens100k implements DataSource {
  static final String HINT = "Download MovieLens 100K (ml-100k.zip) from"
      + " https://grouplens.org/datasets/movielens/100k/ and unzip it into the data root, or run"
      + " 'towerlab data fetch ml-100k' to download and verify it.";
  private final MovieLens100kConfig config;

  public MovieLens100k(MovieLens100kConfig config) {
    this.config = config;
  }

  @Override
  public Dataset load() {
    Path dir = DataRoot.locate(config.path(), "ml-100k");
    MovieLensAssembler a = new MovieLensAssembler();

    TextFile data = TextFile.utf8(dir.resolve("u.data"), HINT).requireFinalNewline();
    data.read((no, line) -> {
      String[] f = data.expectFields(no, line, Columns.split(line, '\t', false), 4, "user, item, rating, timestamp");
      a.rating(MovieLensAssembler.id(data, no, line, data.parseInt(no, line, f[0], "user id"), "user id"),
          MovieLensAssembler.id(data, no, line, data.parseInt(no, line, f[1], "item id"), "item id"),
          MovieLensAssembler.rating(data, no, line, data.parseFloat(no, line, f[2], "rating"), 1f, 5f, 1f),
          data.parseLong(no, line, f[3], "timestamp"));
    }, a.files);

    TextFile users = new TextFile(dir.resolve("u.user"), StandardCharsets.ISO_8859_1, HINT).requireFinalNewline();
    users.read((no, line) -> {
      String[] f = users.expectFields(no, line, Columns.split(line, '|', false), 5, "id|age|gender|occupation|zip");
      int age = users.parseInt(no, line, f[1], "age");
      a.userInfo.put(MovieLensAssembler.id(users, no, line, users.parseInt(no, line, f[0], "user id"), "user id"),
          new MovieLensAssembler.UserInfo(MovieLensAssembler.ageBucket(age), MovieLensAssembler.gender(f[2]), f[3].trim()));
    }, a.files);

    TextFile items = new TextFile(dir.resolve("u.item"), StandardCharsets.ISO_8859_1, HINT).requireFinalNewline();
    items.read((no, line) -> {
      String[] f = items.expectFields(no, line, Columns.split(line, '|', false), 24,
          "id|title|release date|video release date|url|19 genre flags");
      int id = MovieLensAssembler.id(items, no, line, items.parseInt(no, line, f[0], "item id"), "item id");
      int n = 0;
      int[] g = new int[MovieLensAssembler.MAX_GENRES];
      for (int k = 0; k < 19; k++) {
        int flag = items.parseInt(no, line, f[5 + k], "genre flag");
        if (flag != 0 && flag != 1) {
          throw items.error(no, line, "genre flag " + (k + 1) + " is " + flag + ", expected 0 or 1");
        }
        if (flag == 1 && k > 0 && n < g.length) {
          g[n++] = k;
        }
      }
      String date = f[2].trim();
      int year = date.length() >= 4 ? parseYear(date.substring(date.length() - 4)) : 0;
      a.itemInfo.put(id, new MovieLensAssembler.ItemInfo(java.util.Arrays.copyOf(g, n), year, f[1]));
    }, a.files);

    a.checkReferences(data, line -> Columns.split(line, '\t', false), users, items);
    return a.build("ml-100k", config.historyLength(), true, config.titleTokens())
        .withPairCounts(config.pairCounts(), "data.pair-counts");
  }

  private static int parseYear(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}

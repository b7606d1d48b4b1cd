package org.towerlab.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Small, valid data sets in every format a loader reads, written by the tests (the real files may
 * not be redistributed): {@value #USERS} users, {@value #ITEMS} items, {@value #PER_USER} ratings
 * each. The bad-data tests write one and then break one line of one file.
 */
final class DataFixtures {
  static final int USERS = 12;
  static final int ITEMS = 15;
  static final int PER_USER = 10;

  private DataFixtures() {}

  /** Item of user {@code u}'s k-th rating (1-based ids, distinct per user). */
  private static int item(int u, int k) {
    return (u * 7 + k) % ITEMS + 1;
  }

  private static int stars(int u, int k) {
    return 1 + (u + k) % 5;
  }

  /** MovieLens 100K: {@code dir/u.data}, {@code u.user}, {@code u.item}. */
  static Path ml100k(Path dir) {
    StringBuilder data = new StringBuilder();
    StringBuilder users = new StringBuilder();
    for (int u = 1; u <= USERS; u++) {
      for (int k = 0; k < PER_USER; k++) {
        data.append(u).append('\t').append(item(u, k)).append('\t').append(stars(u, k)).append('\t')
            .append(880000000L + u * 1000L + k).append('\n');
      }
      users.append(u).append('|').append(20 + u).append('|').append(u % 2 == 0 ? "M" : "F").append("|student|1000")
          .append(u).append('\n');
    }
    StringBuilder items = new StringBuilder();
    for (int i = 1; i <= ITEMS; i++) {
      items.append(i).append("|Movie ").append(i).append(" (1995)|01-Jan-1995||http://x/").append(i);
      for (int g = 0; g < 19; g++) {
        items.append('|').append(g == 1 + i % 5 ? 1 : 0);
      }
      items.append('\n');
    }
    write(dir.resolve("u.data"), data.toString());
    write(dir.resolve("u.user"), users.toString());
    write(dir.resolve("u.item"), items.toString());
    return dir;
  }

  /** MovieLens 1M: {@code ratings.dat}, {@code users.dat}, {@code movies.dat}. */
  static Path ml1m(Path dir) {
    StringBuilder ratings = new StringBuilder();
    StringBuilder users = new StringBuilder();
    for (int u = 1; u <= USERS; u++) {
      for (int k = 0; k < PER_USER; k++) {
        ratings.append(u).append("::").append(item(u, k)).append("::").append(stars(u, k)).append("::")
            .append(970000000L + u * 1000L + k).append('\n');
      }
      users.append(u).append("::").append(u % 2 == 0 ? "M" : "F").append("::25::4::1000").append(u).append('\n');
    }
    StringBuilder movies = new StringBuilder();
    for (int i = 1; i <= ITEMS; i++) {
      movies.append(i).append("::Movie ").append(i).append(" (1995)::").append(i % 2 == 0 ? "Action|Comedy" : "Drama")
          .append('\n');
    }
    write(dir.resolve("ratings.dat"), ratings.toString());
    write(dir.resolve("users.dat"), users.toString());
    write(dir.resolve("movies.dat"), movies.toString());
    return dir;
  }

  /** MovieLens 20M: {@code ratings.csv}, {@code movies.csv}, with headers. */
  static Path ml20m(Path dir) {
    StringBuilder ratings = new StringBuilder("userId,movieId,rating,timestamp\n");
    for (int u = 1; u <= USERS; u++) {
      for (int k = 0; k < PER_USER; k++) {
        ratings.append(u).append(',').append(item(u, k)).append(',').append(stars(u, k) - 0.5 * (k % 2)).append(',')
            .append(1100000000L + u * 1000L + k).append('\n');
      }
    }
    StringBuilder movies = new StringBuilder("movieId,title,genres\n");
    for (int i = 1; i <= ITEMS; i++) {
      movies.append(i).append(",\"Movie, the ").append(i).append(" (2001)\",").append(i % 2 == 0 ? "Action" : "Drama")
          .append('\n');
    }
    write(dir.resolve("ratings.csv"), ratings.toString());
    write(dir.resolve("movies.csv"), movies.toString());
    return dir;
  }

  /** Coat: {@code train.ascii}, {@code test.ascii}, {@code propensities.ascii} (no feature files). */
  static Path coat(Path dir) {
    StringBuilder train = new StringBuilder();
    StringBuilder test = new StringBuilder();
    StringBuilder prop = new StringBuilder();
    for (int u = 0; u < USERS; u++) {
      for (int i = 0; i < ITEMS; i++) {
        String sep = i == 0 ? "" : " ";
        train.append(sep).append((u + i) % 3 == 0 ? 1 + (u * i) % 5 : 0);
        test.append(sep).append((u + i) % 3 == 1 ? 1 + (u + 2 * i) % 5 : 0);
        prop.append(sep).append(String.format(Locale.ROOT, "%.4f", 0.05 + 0.01 * ((u + i) % 10)));
      }
      train.append('\n');
      test.append('\n');
      prop.append('\n');
    }
    write(dir.resolve("train.ascii"), train.toString());
    write(dir.resolve("test.ascii"), test.toString());
    write(dir.resolve("propensities.ascii"), prop.toString());
    return dir;
  }

  /** A CSV log {@code user,item,rating} and an item feature file {@code item,brand}. */
  static Path csv(Path dir) {
    StringBuilder log = new StringBuilder("user,item,rating\n");
    for (int u = 1; u <= USERS; u++) {
      for (int k = 0; k < PER_USER; k++) {
        log.append('u').append(u).append(",i").append(item(u, k)).append(',').append(stars(u, k)).append('\n');
      }
    }
    StringBuilder items = new StringBuilder("item,brand\n");
    for (int i = 1; i <= ITEMS; i++) {
      items.append('i').append(i).append(",b").append(i % 3).append('\n');
    }
    write(dir.resolve("log.csv"), log.toString());
    write(dir.resolve("items.csv"), items.toString());
    return dir;
  }

  /** The csv data section for {@link #csv}; {@code extra} is spliced into the mapping. */
  static String csvData(Path dir, String extra) {
    return "{type: csv, file: '" + dir.resolve("log.csv") + "', labels: [rating], label-ranges: {rating: [1, 5]},"
        + " item-features: {file: '" + dir.resolve("items.csv") + "', id-column: item, fields: [{name: brand}]}"
        + extra + "}";
  }

  static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void writeBytes(Path file, byte[] bytes) {
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces line {@code n} (1-based) of a file with {@code line}. */
  static void replaceLine(Path file, int n, String line) {
    String[] lines = read(file).split("\n", -1);
    lines[n - 1] = line;
    write(file, String.join("\n", lines));
  }

  /** Appends {@code text} to a file. */
  static void append(Path file, String text) {
    write(file, read(file) + text);
  }

  /** Cuts the last {@code chars} characters off a file (its newline and part of its last line). */
  static void truncate(Path file, int chars) {
    String s = read(file);
    write(file, s.substring(0, s.length() - chars));
  }
}

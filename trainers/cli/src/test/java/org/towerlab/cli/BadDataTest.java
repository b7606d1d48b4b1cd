package org.towerlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The error contract for bad data files, through the CLI with the real loaders: every loader
 * (MovieLens 100K, 1M, 20M, Coat, CSV) refuses corrupt data with exit 2 and one paragraph naming
 * the file and the line, before anything is written to {@code --out}. Each case writes a small
 * valid data set ({@link DataFixtures}), breaks one thing, and runs {@code validate} and
 * {@code run}.
 */
class BadDataTest {
  @TempDir Path tmp;

  /**
   * One corruption.
   *
   * @param name what is broken
   * @param fixture writes the valid data set into a directory
   * @param data the config's data section for that directory
   * @param breakIt breaks the data set
   * @param expected fragments of the message: the file, the line, the problem
   */
  record Case(String name, Consumer<Path> fixture, Function<Path, String> data, Consumer<Path> breakIt,
      List<String> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Case ml100k(String name, Consumer<Path> breakIt, String... expected) {
    return new Case(name, DataFixtures::ml100k, d -> "{type: ml-100k, path: '" + d + "'}", breakIt, List.of(expected));
  }

  private static Case ml1m(String name, Consumer<Path> breakIt, String... expected) {
    return new Case(name, DataFixtures::ml1m, d -> "{type: ml-1m, path: '" + d + "'}", breakIt, List.of(expected));
  }

  private static Case ml20m(String name, Consumer<Path> breakIt, String... expected) {
    return new Case(name, DataFixtures::ml20m, d -> "{type: ml-20m, path: '" + d + "'}", breakIt, List.of(expected));
  }

  private static Case coat(String name, Consumer<Path> breakIt, String... expected) {
    return new Case(name, DataFixtures::coat, d -> "{type: coat, path: '" + d + "'}", breakIt, List.of(expected));
  }

  private static Case csv(String name, Consumer<Path> breakIt, String... expected) {
    return new Case(name, DataFixtures::csv, d -> DataFixtures.csvData(d, ""), breakIt, List.of(expected));
  }

  static Stream<Case> cases() {
    return Stream.of(
        ml100k("ml-100k rating of an item u.item does not have", d -> DataFixtures.append(d.resolve("u.data"),
            "1\t9999\t3\t881250949\n"), "u.data line 121", "item id 9999 has no row in", "u.item"),
        ml100k("ml-100k rating of a user u.user does not have", d -> DataFixtures.append(d.resolve("u.data"),
            "77\t3\t3\t881250949\n"), "u.data line 121", "user id 77 has no row in", "u.user"),
        ml100k("ml-100k negative user id", d -> DataFixtures.replaceLine(d.resolve("u.data"), 5,
            "-5\t3\t3\t881250949"), "u.data line 5", "user id -5 is negative"),
        ml100k("ml-100k rating 99", d -> DataFixtures.replaceLine(d.resolve("u.data"), 7, "2\t3\t99\t881250949"),
            "u.data line 7", "rating 99.0 is not on the data set's scale"),
        ml100k("ml-100k rating 0", d -> DataFixtures.replaceLine(d.resolve("u.data"), 2, "1\t3\t0\t881250949"),
            "u.data line 2", "rating 0.0"),
        ml100k("ml-100k empty u.data", d -> DataFixtures.write(d.resolve("u.data"), ""), "u.data has no ratings"),
        ml100k("ml-100k last line cut inside its timestamp", d -> DataFixtures.truncate(d.resolve("u.data"), 4),
            "u.data line 120", "ends without a newline", "truncated"),
        ml100k("ml-100k wrong field count", d -> DataFixtures.replaceLine(d.resolve("u.data"), 3, "1\t3\t4"),
            "u.data line 3", "expected 4 fields"),
        ml100k("ml-100k item id not a number", d -> DataFixtures.replaceLine(d.resolve("u.data"), 4,
            "1\tx12\t4\t881250949"), "u.data line 4", "item id 'x12' is not an integer"),
        ml100k("ml-100k genre flag 2 in u.item", d -> DataFixtures.replaceLine(d.resolve("u.item"), 2,
            "2|Movie 2 (1995)|01-Jan-1995||http://x/2|0|0|2|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0"), "u.item line 2",
            "genre flag 3 is 2"),
        ml100k("ml-100k u.item cut short", d -> DataFixtures.truncate(d.resolve("u.item"), 10), "u.item line 15",
            "truncated"),
        ml100k("ml-100k bytes that are not UTF-8 in u.data", d -> {
          byte[] bad = (DataFixtures.read(d.resolve("u.data")).replaceFirst("\n", "\u00ff\n"))
              .getBytes(StandardCharsets.ISO_8859_1);
          DataFixtures.writeBytes(d.resolve("u.data"), bad);
        }, "u.data line 1", "not valid UTF-8"),
        ml1m("ml-1m rating of a movie movies.dat does not have", d -> DataFixtures.append(d.resolve("ratings.dat"),
            "3::4242::4::978300760\n"), "ratings.dat line 121", "item id 4242 has no row in", "movies.dat"),
        ml1m("ml-1m rating 6", d -> DataFixtures.replaceLine(d.resolve("ratings.dat"), 9, "1::3::6::978300760"),
            "ratings.dat line 9", "rating 6.0"),
        ml1m("ml-1m ratings.dat cut short", d -> DataFixtures.truncate(d.resolve("ratings.dat"), 3),
            "ratings.dat line 120", "truncated"),
        ml1m("ml-1m unknown genre", d -> DataFixtures.replaceLine(d.resolve("movies.dat"), 4,
            "4::Movie 4 (1995)::Acton"), "movies.dat line 4", "unknown genre 'Acton'"),
        ml20m("ml-20m rating between half stars", d -> DataFixtures.replaceLine(d.resolve("ratings.csv"), 6,
            "1,3,3.25,1100001005"), "ratings.csv line 6", "rating 3.25"),
        ml20m("ml-20m rating of a movie movies.csv does not have", d -> DataFixtures.append(d.resolve("ratings.csv"),
            "2,777,4.0,1100002011\n"), "ratings.csv line 122", "item id 777 has no row in", "movies.csv"),
        coat("coat rating 7", d -> DataFixtures.replaceLine(d.resolve("train.ascii"), 3,
            "7 0 0 0 0 0 0 0 0 0 0 0 0 0 0"), "train.ascii line 3", "rating 7.0"),
        coat("coat propensity 0", d -> DataFixtures.replaceLine(d.resolve("propensities.ascii"), 2,
            "0 0.05 0.05 0.05 0.05 0.05 0.05 0.05 0.05 0.05 0.05 0.05 0.05 0.05 0.05"), "propensities.ascii line 2",
            "propensity 0.0 is not a probability"),
        coat("coat test matrix of another shape", d -> DataFixtures.write(d.resolve("test.ascii"), "0 1\n1 0\n"),
            "test.ascii", "2 rows of 2 values", "12 x 15"),
        coat("coat train.ascii cut short", d -> DataFixtures.truncate(d.resolve("train.ascii"), 6),
            "train.ascii line 12", "truncated"),
        csv("csv label outside label-ranges", d -> DataFixtures.replaceLine(d.resolve("log.csv"), 4, "u1,i3,9"),
            "log.csv line 4", "label 'rating' is 9.0, outside its range [1.0, 5.0]"),
        csv("csv empty item id", d -> DataFixtures.replaceLine(d.resolve("log.csv"), 5, "u1,,3"), "log.csv line 5",
            "item id (column 'item') is empty"),
        csv("csv item missing from the feature file", d -> DataFixtures.append(d.resolve("log.csv"), "u2,i99,4\n"),
            "log.csv line 122", "item id 'i99'", "items.csv", "allow-missing"),
        csv("csv header only", d -> DataFixtures.write(d.resolve("log.csv"), "user,item,rating\n"), "log.csv",
            "has no interaction rows"),
        csv("csv last row cut short", d -> DataFixtures.truncate(d.resolve("log.csv"), 3), "log.csv line 121",
            "expected 3 fields", "truncated"),
        csv("csv data file missing", d -> d.resolve("log.csv").toFile().delete(), "log.csv", "does not exist"));
  }

  private static String config(String data) {
    return """
        name: bad-data
        seed: 1
        data: %s
        model: {type: most-popular}
        evaluators: [{type: topk, ks: [5]}]
        """.formatted(data);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void run_corruptData_exitTwoNamingFileAndLineNothingWritten(Case c) {
    Path data = tmp.resolve("data");
    c.fixture().accept(data);
    c.breakIt().accept(data);
    Path file = tmp.resolve("exp.yaml");
    DataFixtures.write(file, config(c.data().apply(data)));
    Path out = tmp.resolve("runs");

    Cli.Result validate = Cli.run("validate", file.toString());
    Cli.Result run = Cli.run("run", file.toString(), "--out", out.toString());

    for (Cli.Result r : List.of(validate, run)) {
      assertThat(r.code()).as(r.toString()).isEqualTo(2);
      assertThat(r.err()).as(r.toString()).contains(c.expected()).doesNotContain("\tat ")
          .doesNotContain("internal error");
      assertThat(BadConfigTest.message(r.err())).as("one paragraph: " + r).hasSize(1);
    }
    assertThat(Cli.emptyOrAbsent(out)).as("nothing written to --out: " + Cli.files(out)).isTrue();
  }

  static Stream<Case> clean() {
    return cases().map(c -> c).filter(c -> c.name().startsWith("ml-100k rating 99") || c.name().startsWith("ml-1m rating 6")
        || c.name().startsWith("ml-20m rating between") || c.name().startsWith("coat rating 7")
        || c.name().startsWith("csv empty item"));
  }

  /** The fixtures themselves are valid: what the cases above refuse is the one broken thing. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("clean")
  void validate_unbrokenFixture_ok(Case c) {
    Path data = tmp.resolve("data");
    c.fixture().accept(data);
    Path file = tmp.resolve("exp.yaml");
    DataFixtures.write(file, config(c.data().apply(data)));

    Cli.Result r = Cli.run("validate", file.toString());

    assertThat(r.code()).as(r.toString()).isZero();
  }

  @Test
  void cases_atLeastFifteenAcrossEveryLoader() {
    assertThat(cases().count()).isGreaterThanOrEqualTo(15);
    assertThat(cases().map(c -> c.name().split(" ")[0]).distinct()).contains("ml-100k", "ml-1m", "ml-20m", "coat",
        "csv");
  }
}

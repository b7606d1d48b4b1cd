package org.towerlab.modules.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.FieldKind;
import org.towerlab.api.data.Side;

class MovieLens100kTest {
  private static final String USERS = "1|24|M|technician|85711\n2|53|F|other|94043\n3|17|M|writer|32067\n";
  private static final String ITEMS =
      "1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n"
      + "2|GoldenEye (1995)|01-Jan-1995||http://x|0|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0|1|0|0\n"
      + "5|Caf\u00e9 (1952)|01-Jan-1952||http://x|0|0|0|0|0|0|0|0|1|0|0|0|0|0|0|0|0|0|0\n";

  private static Path fixture(Path dir, String data) {
    Fixtures.write(dir, "u.data", data);
    Fixtures.write(dir, "u.user", USERS);
    Fixtures.write(dir, "u.item", ITEMS, StandardCharsets.ISO_8859_1);
    return dir;
  }

  private static Dataset load(Path dir, int history) {
    return new MovieLens100k(new MovieLens100kConfig(dir.toString(), history, null)).load();
  }

  @Test
  void load_realFile_hasPublishedCountsAndChecksum() throws Exception {
    Path dir = Fixtures.sharedData("ml-100k");
    assumeTrue(dir != null, "shared data not found (set TOWERLAB_DATA or place ../shared/data beside the repo);"
        + " skipping the real ML-100K check");
    byte[] bytes = Files.readAllBytes(dir.resolve("u.data"));
    String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    assertThat(md5).isEqualTo("6e47046882bad158b0efbb84cd5cb987");

    Dataset d = load(dir, 0);

    assertThat(d.log().size()).isEqualTo(100_000);
    assertThat(d.numQueries()).isEqualTo(943);
    assertThat(d.numItems()).isEqualTo(1_682);
    assertThat(d.itemCategory()).hasSize(1_682);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    assertThat(d.files()).containsEntry(dir.resolve("u.data").toAbsolutePath().normalize().toString(),
        "sha256:" + sha + ";rows=100000");
    // User 1 is 24, male, technician; item 1 (Toy Story) is Animation|Children's|Comedy, 1995.
    assertThat(d.queryFeatures().categorical("age")[0]).isEqualTo(MovieLensAssembler.ageBucket(24));
    assertThat(d.queryFeatures().categorical("gender")[0]).isEqualTo(1);
    assertThat(d.itemFeatures().multiCategorical("genres")[0]).containsExactly(3, 4, 5);
    assertThat(d.itemCategory()[0]).isEqualTo(3);
    assertThat(d.itemFeatures().categorical("year")[0]).isEqualTo(MovieLensAssembler.yearBucket(1995));
    float[] rating = d.log().label("rating");
    for (float r : rating) {
      assertThat(r).isBetween(1f, 5f);
    }
  }

  @Test
  void load_fixture_remapsIdsInSortedOrderAndDecodesLatin1(@TempDir Path dir) {
    fixture(dir, "3\t5\t4\t300\n1\t2\t5\t100\n1\t1\t3\t200\n");

    Dataset d = load(dir, 7);

    assertThat(d.numQueries()).isEqualTo(2); // users 1 and 3
    assertThat(d.numItems()).isEqualTo(3); // items 1, 2, 5
    assertThat(d.log().queries()).containsExactly(1, 0, 0);
    assertThat(d.log().items()).containsExactly(2, 1, 0);
    assertThat(d.log().timestamps()).containsExactly(300, 100, 200);
    assertThat(d.log().label("rating")).containsExactly(4f, 5f, 3f);
    assertThat(d.queryFeatures().categorical("age")).containsExactly(MovieLensAssembler.ageBucket(24),
        MovieLensAssembler.ageBucket(17));
    assertThat(d.itemFeatures().multiCategorical("genres")[2]).containsExactly(8);
    assertThat(d.itemFeatures().categorical("year")[2]).isEqualTo(MovieLensAssembler.yearBucket(1952));
    assertThat(d.schema().field(Side.QUERY, "history")).hasValueSatisfying(f -> {
      assertThat(f.kind()).isEqualTo(FieldKind.SEQUENCE);
      assertThat(f.cardinality()).isEqualTo(3);
      assertThat(f.maxLength()).isEqualTo(7);
    });
    assertThat(d.files()).hasSize(3).allSatisfy((k, v) -> assertThat(v).matches("sha256:[0-9a-f]{64};rows=\\d+"));
  }

  @Test
  void load_titleTokens_addsTitleFieldAndKeysHoldOriginalIds(@TempDir Path dir) {
    fixture(dir, "3\t5\t4\t300\n1\t2\t5\t100\n1\t1\t3\t200\n");

    Dataset plain = load(dir, 0);
    Dataset titled = new MovieLens100k(new MovieLens100kConfig(dir.toString(), 0, null, 1)).load();

    assertThat(plain.schema().field(Side.ITEM, "title")).isEmpty();
    // one token kept per title (toy, goldeneye, caf\u00e9); their vocabulary, sorted: caf\u00e9, goldeneye, toy
    assertThat(titled.schema().field(Side.ITEM, "title")).hasValueSatisfying(f -> {
      assertThat(f.kind()).isEqualTo(FieldKind.MULTI_CATEGORICAL);
      assertThat(f.cardinality()).isEqualTo(3);
      assertThat(f.maxLength()).isEqualTo(1);
    });
    assertThat(titled.itemFeatures().multiCategorical("title")).isDeepEqualTo(new int[][] {{2}, {1}, {0}});
    assertThat(titled.itemFeatures().keys()).containsExactly("1", "2", "5");
    assertThat(titled.queryFeatures().keys()).containsExactly("1", "3");
    assertThat(titled.itemFeatures().key(2)).isEqualTo("5");
  }

  @Test
  void titleTokens_articlesYearAndShortWordsDropped() {
    assertThat(MovieLensAssembler.titleTokens("Shawshank Redemption, The (1994)"))
        .containsExactly("shawshank", "redemption");
    assertThat(MovieLensAssembler.titleTokens("Star Wars (1977)")).containsExactly("star", "wars");
    assertThat(MovieLensAssembler.titleTokens("Die Hard: With a Vengeance (1995)")).containsExactly("hard", "vengeance");
    assertThat(MovieLensAssembler.titleTokens("Se7en (1995)")).containsExactly("se7en");
  }

  @Test
  void load_nonNumericRating_namesFileLineAndText(@TempDir Path dir) {
    fixture(dir, "1\t1\t5\t100\n1\t2\tfive\t200\n");

    assertThatThrownBy(() -> load(dir, 0)).isInstanceOf(UserException.class)
        .hasMessageContaining("u.data").hasMessageContaining("line 2").hasMessageContaining("five")
        .hasMessageContaining("rating");
  }

  @Test
  void load_wrongFieldCount_namesFileAndLine(@TempDir Path dir) {
    fixture(dir, "1\t1\t5\t100\n1\t2\t3\n");

    assertThatThrownBy(() -> load(dir, 0)).isInstanceOf(UserException.class)
        .hasMessageContaining("u.data").hasMessageContaining("line 2").hasMessageContaining("expected 4 fields");
  }

  @Test
  void load_malformedUserLine_namesFileAndLine(@TempDir Path dir) {
    fixture(dir, "1\t1\t5\t100\n");
    Fixtures.write(dir, "u.user", USERS + "garbage line without separators\n");

    assertThatThrownBy(() -> load(dir, 0)).isInstanceOf(UserException.class)
        .hasMessageContaining("u.user").hasMessageContaining("line 4").hasMessageContaining("garbage line");
  }

  @Test
  void load_undecodableBytes_namesFileAndLine(@TempDir Path dir) {
    fixture(dir, "1\t1\t5\t100\n");
    byte[] bad = {'1', '\t', '1', '\t', (byte) 0xC3, (byte) 0x28, '\t', '1', '\n'};
    byte[] good = "1\t1\t5\t100\n".getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[good.length + bad.length];
    System.arraycopy(good, 0, all, 0, good.length);
    System.arraycopy(bad, 0, all, good.length, bad.length);
    Fixtures.writeBytes(dir, "u.data", all);

    assertThatThrownBy(() -> load(dir, 0)).isInstanceOf(UserException.class)
        .hasMessageContaining("u.data").hasMessageContaining("line 2").hasMessageContaining("UTF-8");
  }

  @Test
  void load_longBadLine_truncatesText(@TempDir Path dir) {
    fixture(dir, "1\t1\t5\t" + "x".repeat(500) + "\n");

    assertThatThrownBy(() -> load(dir, 0)).isInstanceOf(UserException.class)
        .satisfies(e -> assertThat(e.getMessage()).contains("...").doesNotContain("x".repeat(100)));
  }

  @Test
  void load_missingFolder_namesPathAndDownload(@TempDir Path dir) {
    Path missing = dir.resolve("nowhere");

    assertThatThrownBy(() -> load(missing, 0)).isInstanceOf(UserException.class)
        .hasMessageContaining(missing.resolve("u.data").toString()).hasMessageContaining("grouplens.org")
        .hasMessageContaining("TOWERLAB_DATA");
  }

  @Test
  void config_negativeHistory_rejectedWithValue() {
    assertThatThrownBy(() -> new MovieLens100kConfig(null, -3, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-3");
  }
}

package org.towerlab.modules.metarelated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.FeatureTable;
import org.towerlab.api.data.Side;

class VectorFilesTest {
  // the fixture's items have original ids a..f; these numeric corpora have ids 10, 11, 12
  private static final FeatureTable NUMERIC = FeatureTable.builder(Side.ITEM, 3).keys(new String[] {"10", "11", "12"})
      .build();
  // rows: item 12, item 10, an item outside the corpus (99); item 11 missing
  private static final float[] ROWS = {12, 0.5f, -1, 10, 1, 2, 99, 7, 7};

  private static VectorFileConfig config(Path file, String format, Integer dim, Boolean normalize, String missing) {
    return new VectorFileConfig("text", file.toString(), format, dim, normalize, missing);
  }

  /** The bytes of a float32 .npy file of {@code rows x width} values, row-major. */
  static byte[] npy(float[] values, int rows, int width) {
    String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + width + "), }";
    int pad = (64 - (10 + header.length() + 1) % 64) % 64;
    String h = header + " ".repeat(pad) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + h.length() + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.ISO_8859_1)).put((byte) 1).put((byte) 0);
    b.putShort((short) h.length()).put(h.getBytes(StandardCharsets.ISO_8859_1));
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  private static byte[] f32(float[] values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  @Test
  void read_threeFormats_sameColumnAlignedWithTheCorpus(@TempDir Path dir) throws Exception {
    Path npy = Files.write(dir.resolve("v.npy"), npy(ROWS, 3, 3));
    Path bin = Files.write(dir.resolve("v.f32"), f32(ROWS));
    Path csv = Files.writeString(dir.resolve("v.csv"), "id,x,y\n12,0.5,-1\n10.0,1,2\n99,7,7\n");

    for (VectorFileConfig c : List.of(config(npy, null, null, null, null), config(bin, null, 2, null, null),
        config(csv, null, null, null, null))) {
      VectorFiles.Column col = VectorFiles.read(c, NUMERIC, "$.data.vectors[0]");
      assertThat(col.dim()).as(c.format()).isEqualTo(2);
      assertThat(col.values()).as(c.format()).containsExactly(1, 2, 0, 0, 0.5f, -1);
      assertThat(col.rows()).isEqualTo(3);
      assertThat(col.missing()).isEqualTo(1);
    }
    assertThat(config(npy, null, null, null, null).format()).isEqualTo("npy");
    assertThat(config(csv, null, null, null, null).format()).isEqualTo("csv");
  }

  @Test
  void read_normalize_unitRows(@TempDir Path dir) throws Exception {
    Path csv = Files.writeString(dir.resolve("v.tsv"), "10\t3\t4\n11\t0\t2\n12\t0\t0\n");

    VectorFiles.Column col = VectorFiles.read(config(csv, null, null, true, "error"), NUMERIC, "$.v");

    assertThat(col.values()).containsExactly(0.6f, 0.8f, 0, 1, 0, 0);
  }

  @Test
  void read_missingItemsWithMissingError_userErrorNamesTheFirst(@TempDir Path dir) throws Exception {
    Path npy = Files.write(dir.resolve("v.npy"), npy(ROWS, 3, 3));

    assertThatThrownBy(() -> VectorFiles.read(config(npy, null, null, null, "error"), NUMERIC, "$.data.vectors[0]"))
        .isInstanceOf(UserException.class).hasMessageContaining("'11'").hasMessageContaining("1 of 3")
        .hasMessageContaining("$.data.vectors[0].missing");
  }

  @Test
  void read_badFiles_userErrorsSayWhat(@TempDir Path dir) throws Exception {
    Path dup = Files.writeString(dir.resolve("dup.csv"), "10,1\n10,2\n");
    assertThatThrownBy(() -> VectorFiles.read(config(dup, null, null, null, null), NUMERIC, "$.v"))
        .isInstanceOf(UserException.class).hasMessageContaining("twice");
    Path wide = Files.write(dir.resolve("w.npy"), npy(ROWS, 3, 3));
    assertThatThrownBy(() -> VectorFiles.read(config(wide, null, 5, null, null), NUMERIC, "$.v"))
        .isInstanceOf(UserException.class).hasMessageContaining("width 2").hasMessageContaining("$.v.dim is 5");
    Path ragged = Files.write(dir.resolve("r.f32"), Arrays.copyOf(f32(ROWS), 20));
    assertThatThrownBy(() -> VectorFiles.read(config(ragged, null, 2, null, null), NUMERIC, "$.v"))
        .isInstanceOf(UserException.class).hasMessageContaining("whole number of records");
    Path other = Files.writeString(dir.resolve("o.csv"), "x1,1\nx2,2\n");
    assertThatThrownBy(() -> VectorFiles.read(config(other, null, null, null, null), NUMERIC, "$.v"))
        .isInstanceOf(UserException.class).hasMessageContaining("No id").hasMessageContaining("'10'");
    Path notNpy = Files.writeString(dir.resolve("t.npy"), "hello world, not numpy");
    assertThatThrownBy(() -> VectorFiles.read(config(notNpy, null, null, null, null), NUMERIC, "$.v"))
        .isInstanceOf(UserException.class).hasMessageContaining("magic");
  }

  @Test
  void coEngagement_vectorFile_denseFieldOnBothSidesJoinedByKeys(@TempDir Path dir) throws Exception {
    Path csv = Files.writeString(dir.resolve("img.csv"), "f,1,1,1\na,0,0,1\nd,1,0,0\n");
    RelevanceConfig byImage = new RelevanceConfig(List.of(RelevanceTermConfig.of("cosine", "image", 1)), 0.5);
    CoEngagementConfig c = RelatedFixtures.config(2, true, "drop", byImage,
        List.of(new VectorFileConfig("image", csv.toString(), null, null, null, null)));

    Dataset d = new CoEngagement(c, RelatedFixtures.source(RelatedFixtures.users()), "$.data").load();

    assertThat(d.schema().field(Side.QUERY, "image").orElseThrow().dim()).isEqualTo(3);
    assertThat(d.schema().field(Side.ITEM, "image").orElseThrow().dim()).isEqualTo(3);
    assertThat(d.itemFeatures().dense("image")).containsExactly(0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 1);
    assertThat(d.queryFeatures().dense("image")).containsExactly(d.itemFeatures().dense("image"));
    assertThat(d.files()).containsKey(csv.toAbsolutePath().normalize().toString());
    assertThat(d.files().get(csv.toAbsolutePath().normalize().toString())).endsWith(";rows=3;missing=3");
    // the relevance rule reads the file's vectors: cos(a, f) = 1 / sqrt(3), cos(a, d) = 0
    assertThat(d.relevance().relevance(0, 5)).isCloseTo(1 / Math.sqrt(3), org.assertj.core.api.Assertions.within(1e-6));
    assertThat(d.relevance().relevance(0, 3)).isZero();
  }

  @Test
  void config_badValues_rejectedWithTheValue() {
    assertThatThrownBy(() -> new VectorFileConfig("id", "x.npy", null, null, null, null)).hasMessageContaining("'id'");
    assertThatThrownBy(() -> new VectorFileConfig("t", "x.bin", null, null, null, null))
        .hasMessageContaining("dim is required");
    assertThatThrownBy(() -> new VectorFileConfig("t", "x.npy", "parquet", null, null, null))
        .hasMessageContaining("'parquet'");
    assertThatThrownBy(() -> new VectorFileConfig("t", "x.npy", null, null, null, "skip"))
        .hasMessageContaining("'skip'");
  }
}

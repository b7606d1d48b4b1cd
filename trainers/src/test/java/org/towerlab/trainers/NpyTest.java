package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .npy layout of NumPy's format spec, version 1.0 (numpy.load itself is run in RunFilesPythonTest). */
class NpyTest {
  @TempDir
  Path dir;

  @Test
  void writeFloats_matrix_headerAlignedAndDataLittleEndian() throws Exception {
    Path f = dir.resolve("x.npy");
    Npy.writeFloats(f, new float[] {1f, 2f, 3f, 4f, 5f, 6f}, 2, 3);
    byte[] b = Files.readAllBytes(f);
    assertThat(b[0]).isEqualTo((byte) 0x93);
    assertThat(new String(b, 1, 5, StandardCharsets.US_ASCII)).isEqualTo("NUMPY");
    assertThat(b[6]).isEqualTo((byte) 1);
    assertThat(b[7]).isEqualTo((byte) 0);
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int headerLen = Short.toUnsignedInt(buf.getShort(8));
    String header = new String(b, 10, headerLen, StandardCharsets.US_ASCII);
    assertThat(header).startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }").endsWith("\n");
    assertThat((10 + headerLen) % 64).isZero();
    assertThat(b.length).isEqualTo(10 + headerLen + 6 * 4);
    assertThat(buf.getFloat(10 + headerLen + 5 * 4)).isEqualTo(6f);
  }

  @Test
  void writeLongs_codes_int64Descr() throws Exception {
    Path f = dir.resolve("c.npy");
    Npy.writeLongs(f, new long[] {7, 8}, 1, 2);
    byte[] b = Files.readAllBytes(f);
    String header = new String(b, 10, Short.toUnsignedInt(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN)
        .getShort(8)), StandardCharsets.US_ASCII);
    assertThat(header).contains("'descr': '<i8'").contains("'shape': (1, 2)");
    assertThat(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(b.length - 8)).isEqualTo(8L);
  }
}

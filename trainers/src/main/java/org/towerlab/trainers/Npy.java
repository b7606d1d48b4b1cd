package org.towerlab.trainers;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.towerlab.tracking.local.AtomicFiles;

/**
 * Writes NumPy's {@code .npy} format (version 1.0): the magic {@code \x93NUMPY}, a header dict
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (rows, cols), }} padded so that the data
 * starts at a multiple of 64 bytes, then the values little-endian and row-major. {@code numpy.load},
 * pandas and FAISS users read it without a custom reader.
 */
final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};

  private Npy() {}

  /** Writes a {@code [rows, cols]} float32 matrix. */
  static void writeFloats(Path file, float[] values, long rows, long cols) {
    ByteBuffer buf = start(values.length * 4L, "<f4", rows, cols);
    buf.asFloatBuffer().put(values);
    AtomicFiles.write(file, buf.array());
  }

  /** Writes a {@code [rows, cols]} int64 matrix. */
  static void writeLongs(Path file, long[] values, long rows, long cols) {
    ByteBuffer buf = start(values.length * 8L, "<i8", rows, cols);
    buf.asLongBuffer().put(values);
    AtomicFiles.write(file, buf.array());
  }

  /** The header, with the buffer positioned at the data. */
  private static ByteBuffer start(long dataBytes, String descr, long rows, long cols) {
    if (rows * cols * (descr.endsWith("8") ? 8 : 4) != dataBytes) {
      throw new IllegalArgumentException("shape (" + rows + ", " + cols + ") does not match " + dataBytes + " bytes");
    }
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
    int unpadded = MAGIC.length + 2 + dict.length() + 1; // + the final newline
    int pad = (64 - unpadded % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(MAGIC.length + 2 + header.length() + dataBytes))
        .order(ByteOrder.LITTLE_ENDIAN);
    buf.put(MAGIC).putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
    return buf; // positioned at the data: asFloatBuffer()/asLongBuffer() views start there
  }
}

package org.towerlab.trainers;

import ai.djl.ndarray.NDArray;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training checkpoint: named float arrays (parameters, then optimizer moments) and a JSON state
 * string, in one file written atomically (temp file, then rename). Format: magic {@code TLCK},
 * version int, state (int length + UTF-8 bytes), array count, then per array its name (UTF), rank,
 * dims (longs), value count and float32 values, big-endian.
 */
public final class Checkpoint {
  private static final int MAGIC = 0x544C434B;
  private static final int VERSION = 1;

  public final String state;
  public final Map<String, float[]> arrays;

  public Checkpoint(String state, Map<String, float[]> arrays) {
    this.state = state;
    this.arrays = arrays;
  }

  public static Map<String, float[]> snapshot(Map<String, NDArray> arrays) {
    Map<String, float[]> out = new LinkedHashMap<>();
    arrays.forEach((k, v) -> out.put(k, v.toFloatArray()));
    return out;
  }

  public void write(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      byte[] s = state.getBytes(StandardCharsets.UTF_8);
      out.writeInt(s.length);
      out.write(s);
      out.writeInt(arrays.size());
      for (Map.Entry<String, float[]> e : arrays.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeInt(e.getValue().length);
        for (float f : e.getValue()) {
          out.writeFloat(f);
        }
      }
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.write(tmp, bytes.toByteArray());
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      // a failed write (a full disk) leaves no half-written temporary behind
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw new IOException("Cannot write the checkpoint " + file + ": " + e.getMessage(), e);
    }
  }

  public static Checkpoint read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file); DataInputStream data = new DataInputStream(new java.io.BufferedInputStream(in))) {
      if (data.readInt() != MAGIC) {
        throw new IOException(file + " is not a TowerLab checkpoint");
      }
      int version = data.readInt();
      if (version != VERSION) {
        throw new IOException(file + " has checkpoint version " + version + "; this build reads " + VERSION);
      }
      byte[] s = new byte[data.readInt()];
      data.readFully(s);
      int count = data.readInt();
      Map<String, float[]> arrays = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        String name = data.readUTF();
        float[] v = new float[data.readInt()];
        for (int j = 0; j < v.length; j++) {
          v[j] = data.readFloat();
        }
        arrays.put(name, v);
      }
      return new Checkpoint(new String(s, StandardCharsets.UTF_8), arrays);
    }
  }

  /** Values of the arrays whose names start with {@code prefix}, in file order. */
  public List<float[]> withPrefix(String prefix) {
    List<float[]> out = new ArrayList<>();
    arrays.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.add(v);
      }
    });
    return out;
  }
}

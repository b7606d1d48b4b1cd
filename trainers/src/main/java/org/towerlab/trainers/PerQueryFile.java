package org.towerlab.trainers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.towerlab.registry.io.Csv;
import org.towerlab.tracking.local.AtomicFiles;

/**
 * A run's per-query test values, {@code per-query-test.csv.gz}: gzip-compressed CSV, header
 * {@code query,<metric>,...}, one row per evaluated test query (its dense id), values as Java
 * prints a double. {@code pandas.read_csv("per-query-test.csv.gz")} reads it as is. Runs written
 * before the file was compressed have {@code per-query-test.csv}, which {@link #read} also reads.
 */
final class PerQueryFile {
  static final String FILE = "per-query-test.csv.gz";
  /** The uncompressed name older runs have. */
  static final String LEGACY = "per-query-test.csv";

  private PerQueryFile() {}

  static Path write(Path dir, Evaluations.Result result) {
    List<String> keys = new ArrayList<>(result.perQuery().keySet());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (Writer w = new OutputStreamWriter(new GZIPOutputStream(bytes, 1 << 16), StandardCharsets.UTF_8);
        Csv.Rows out = Csv.writer(w)) {
      List<String> header = new ArrayList<>(List.of("query"));
      header.addAll(keys);
      out.row(header);
      String[] row = new String[keys.size() + 1];
      for (int i = 0; i < result.queries().length; i++) {
        row[0] = String.valueOf(result.queries()[i]);
        for (int k = 0; k < keys.size(); k++) {
          row[k + 1] = String.valueOf(result.perQuery().get(keys.get(k))[i]);
        }
        out.row(row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path file = dir.resolve(FILE);
    AtomicFiles.write(file, bytes.toByteArray());
    return file;
  }

  /** The run's per-query values, or null when it has none. */
  static GridSummary.PerQuery read(Path runDir) {
    Path gz = runDir.resolve(FILE);
    Path plain = runDir.resolve(LEGACY);
    Path file = Files.exists(gz) ? gz : Files.exists(plain) ? plain : null;
    if (file == null) {
      return null;
    }
    List<String[]> rows;
    try (InputStream in = file == gz ? new GZIPInputStream(Files.newInputStream(gz)) : Files.newInputStream(plain)) {
      rows = Csv.rows(new InputStreamReader(in, StandardCharsets.UTF_8), ',');
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
    }
    if (rows.isEmpty()) {
      return null;
    }
    String[] header = rows.get(0);
    int n = rows.size() - 1;
    long[] q = new long[n];
    double[][] cols = new double[header.length][n];
    for (int r = 0; r < n; r++) {
      String[] f = rows.get(r + 1);
      q[r] = Long.parseLong(f[0]);
      for (int c = 1; c < header.length; c++) {
        cols[c][r] = Double.parseDouble(f[c]);
      }
    }
    Map<String, double[]> columns = new LinkedHashMap<>();
    for (int c = 1; c < header.length; c++) {
      columns.put(header[c], cols[c]);
    }
    return new GridSummary.PerQuery(q, columns);
  }
}

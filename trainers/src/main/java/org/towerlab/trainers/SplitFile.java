package org.towerlab.trainers;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.tracking.local.AtomicFiles;
import org.towerlab.tracking.local.Json;
import org.towerlab.tracking.provenance.Provenance;
import org.towerlab.tracking.provenance.Provenance.DataFile;

/**
 * A run's split as a file, {@code split.csv.gz} in the run directory, so that another run or
 * another library can use exactly the same split. One line per row of each part:
 *
 * <pre>
 * part,query,item,timestamp,row,positive
 * train,0,241,881250949,0,1
 * train,0,302,891717742,12,0
 * test,5,9,883599478,40,1
 * </pre>
 *
 * <ul>
 *   <li>{@code part}: {@code train}, {@code valid} or {@code test}; parts in that order, rows of a
 *       part in the data set's log order;
 *   <li>{@code query}, {@code item}, {@code timestamp}: the row's ids and time as the data set
 *       loaded them (ids are the loader's dense indices: see docs/data.md for the raw ids);
 *   <li>{@code row}: the row's index in the data set's interaction log ({@code Dataset.log()}),
 *       or -1 when the protocol made rows that are not in the log;
 *   <li>{@code positive}: 1 for the part's positive rows ({@code Split.train()} ...), 0 for a
 *       logged non-positive row the split keeps ({@code Split.logged()}: shown but not engaged, or
 *       a logged candidate). A split without logged rows has only 1s.
 * </ul>
 *
 * <p>{@link #write} also returns what {@code provenance.json} records under {@code split}: the
 * file's sha256, the sha256 of its uncompressed text ({@code contentSha256}, the same for the same
 * split whatever the zlib build), the protocol with its settings, whether the split keeps logged
 * rows, and a fingerprint of the interaction log the row indices point into.
 *
 * <p>A split does not carry its rows' indices, so they are recovered: every part is a
 * subsequence of the log in log order (the built-in protocols select parts from the log in
 * ascending row order), matched on every column; exact duplicate rows are interchangeable and each
 * is claimed once.
 *
 * <p>{@link #read} rebuilds the split from a run directory for {@code --split-from}: the data files'
 * hashes and the log fingerprint must equal the recorded ones, and the file its recorded hash.
 */
public final class SplitFile {
  /** The file name in a run directory. */
  public static final String FILE = "split.csv.gz";
  static final String HEADER = "part,query,item,timestamp,row,positive";
  private static final String POSITIVE = "positive";

  /** Splits already written by this runner, by identity: later runs with the same split copy the file. */
  private final Map<Split, Written> written = new IdentityHashMap<>();

  private record Written(Path file, Map<String, Object> record) {}

  /**
   * Writes {@code dir/split.csv.gz} and returns its provenance record (a JSON-ready map).
   *
   * @param from the run directory the split was read from ({@code --split-from}), or null
   */
  public synchronized Map<String, Object> write(Path dir, Split split, Path from) {
    Path target = dir.resolve(FILE);
    Written w = written.get(split);
    if (w != null && (w.file().equals(target) || Files.isRegularFile(w.file()))) {
      if (!w.file().equals(target)) {
        AtomicFiles.copy(w.file(), target);
      }
      return w.record();
    }
    Map<String, Object> record = writeFile(target, split, from);
    written.put(split, new Written(target, record));
    return record;
  }

  private static Map<String, Object> writeFile(Path target, Split split, Path from) {
    InteractionLog log = split.dataset().log();
    boolean[] claimed = new boolean[log.size()];
    boolean indexed = true;
    MessageDigest content = sha256();
    MessageDigest file = sha256();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Map<String, Object> rows = new LinkedHashMap<>();
    try (Writer out = new OutputStreamWriter(new DigestOutputStream(new GZIPOutputStream(
        new DigestOutputStream(bytes, file), 1 << 16), content), StandardCharsets.UTF_8)) {
      out.write(HEADER + "\n");
      for (String name : Split.PARTS) {
        InteractionLog part = split.hasLogged() ? split.logged(name) : split.part(name);
        float[] positive = split.hasLogged() && part.hasLabel(POSITIVE) ? part.label(POSITIVE) : null;
        int[] index = match(log, part, claimed);
        indexed &= index != null;
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < part.size(); r++) {
          sb.setLength(0);
          sb.append(name).append(',').append(part.queries()[r]).append(',').append(part.items()[r]).append(',')
              .append(part.timestamps()[r]).append(',').append(index == null ? -1 : index[r]).append(',')
              .append(positive == null || positive[r] > 0 ? '1' : '0').append('\n');
          out.write(sb.toString());
        }
        rows.put(name, part.size());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    AtomicFiles.write(target, bytes.toByteArray());
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("file", FILE);
    record.put("sha256", HexFormat.of().formatHex(file.digest()));
    record.put("contentSha256", HexFormat.of().formatHex(content.digest()));
    record.put("rows", rows);
    record.put("rowIndex", indexed);
    record.put("protocol", split.protocol());
    record.put("settings", new TreeMap<>(split.settings()));
    record.put("logged", split.hasLogged());
    record.put("positiveLabel", split.positiveLabel());
    Map<String, Object> logRecord = new LinkedHashMap<>();
    logRecord.put("rows", log.size());
    logRecord.put("sha256", fingerprint(log));
    record.put("log", logRecord);
    if (from != null) {
      record.put("from", from.toAbsolutePath().normalize().toString());
    }
    return record;
  }

  /**
   * The index in {@code log} of each row of {@code part}, matching in log order and claiming each
   * log row at most once; null when {@code part} is not a subsequence of the unclaimed rows.
   */
  static int[] match(InteractionLog log, InteractionLog part, boolean[] claimed) {
    int[] out = new int[part.size()];
    int j = 0;
    for (int i = 0; i < part.size(); i++) {
      while (j < log.size() && (claimed[j] || !sameRow(log, j, part, i))) {
        j++;
      }
      if (j == log.size()) {
        return null;
      }
      out[i] = j;
      j++;
    }
    for (int r : out) {
      claimed[r] = true;
    }
    return out;
  }

  private static boolean sameRow(InteractionLog log, int j, InteractionLog part, int i) {
    if (log.queries()[j] != part.queries()[i] || log.items()[j] != part.items()[i]
        || log.timestamps()[j] != part.timestamps()[i]) {
      return false;
    }
    for (Map.Entry<String, float[]> e : log.labels().entrySet()) {
      if (!e.getKey().equals(POSITIVE) && part.hasLabel(e.getKey())
          && Float.floatToIntBits(e.getValue()[j]) != Float.floatToIntBits(part.label(e.getKey())[i])) {
        return false;
      }
    }
    return (log.exposed() == null || part.exposed() == null || log.exposed()[j] == part.exposed()[i])
        && (log.positions() == null || part.positions() == null || log.positions()[j] == part.positions()[i])
        && (log.requests() == null || part.requests() == null || log.requests()[j] == part.requests()[i])
        && (log.stages() == null || part.stages() == null || log.stages()[j] == part.stages()[i])
        && (log.propensities() == null || part.propensities() == null
            || Float.floatToIntBits(log.propensities()[j]) == Float.floatToIntBits(part.propensities()[i]));
  }

  /** SHA-256 over every column of {@code log}: its size, ids, timestamps, labels (by name) and optional columns. */
  static String fingerprint(InteractionLog log) {
    MessageDigest md = sha256();
    ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(log.size());
    for (int r = 0; r < log.size(); r++) {
      if (buf.remaining() < 16) {
        flush(md, buf);
      }
      buf.putInt(log.queries()[r]).putInt(log.items()[r]).putLong(log.timestamps()[r]);
    }
    for (String name : new TreeSet<>(log.labelNames())) {
      flush(md, buf);
      md.update(name.getBytes(StandardCharsets.UTF_8));
      for (float v : log.label(name)) {
        if (buf.remaining() < 4) {
          flush(md, buf);
        }
        buf.putFloat(v);
      }
    }
    flush(md, buf);
    if (log.exposed() != null) {
      md.update("exposed".getBytes(StandardCharsets.UTF_8));
      for (boolean b : log.exposed()) {
        md.update((byte) (b ? 1 : 0));
      }
    }
    if (log.positions() != null) {
      md.update("positions".getBytes(StandardCharsets.UTF_8));
      for (int v : log.positions()) {
        if (buf.remaining() < 4) {
          flush(md, buf);
        }
        buf.putInt(v);
      }
      flush(md, buf);
    }
    if (log.propensities() != null) {
      md.update("propensities".getBytes(StandardCharsets.UTF_8));
      for (float v : log.propensities()) {
        if (buf.remaining() < 4) {
          flush(md, buf);
        }
        buf.putFloat(v);
      }
      flush(md, buf);
    }
    if (log.requests() != null) {
      md.update("requests".getBytes(StandardCharsets.UTF_8));
      for (long v : log.requests()) {
        if (buf.remaining() < 8) {
          flush(md, buf);
        }
        buf.putLong(v);
      }
      flush(md, buf);
    }
    if (log.stages() != null) {
      md.update("stages".getBytes(StandardCharsets.UTF_8));
      for (int v : log.stages()) {
        if (buf.remaining() < 4) {
          flush(md, buf);
        }
        buf.putInt(v);
      }
      flush(md, buf);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static void flush(MessageDigest md, ByteBuffer buf) {
    buf.flip();
    md.update(buf);
    buf.clear();
  }

  // ---------------------------------------------------------------- reading

  /**
   * The split recorded in {@code runDir} ({@code split.csv.gz} and the {@code split} record of its
   * {@code provenance.json}), over {@code data}.
   *
   * @throws UserException when the directory has no usable split, the split file was changed, the
   *     data files' hashes differ from the recorded ones, or the data set's log is another one
   */
  public static Split read(Path runDir, Dataset data) {
    Path dir = runDir.toAbsolutePath().normalize();
    JsonNode record = requireRecord(dir);
    requireSameData(dir, record, data);
    Path file = dir.resolve(FILE);
    String sha = sha256(file);
    if (!sha.equals(record.path("sha256").asText())) {
      throw new UserException("--split-from " + dir + ": " + FILE + " has sha256 " + sha + " but "
          + Provenance.FILE + " records " + record.path("sha256").asText() + ": the file was changed after the run."
          + " Restore it, or pass the directory of another run.");
    }
    InteractionLog log = data.log();
    Map<String, List<int[]>> rows = new LinkedHashMap<>(); // part -> [row, positive]
    for (String p : Split.PARTS) {
      rows.put(p, new ArrayList<>());
    }
    try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file)),
        StandardCharsets.UTF_8))) {
      String header = in.readLine();
      if (!HEADER.equals(header)) {
        throw new UserException("--split-from " + dir + ": " + FILE + " starts with '" + header + "', expected '"
            + HEADER + "'.");
      }
      String line;
      int lineNo = 1;
      while ((line = in.readLine()) != null) {
        lineNo++;
        String[] f = line.split(",");
        List<int[]> part = f.length == 6 ? rows.get(f[0]) : null;
        if (part == null) {
          throw new UserException("--split-from " + dir + ": line " + lineNo + " of " + FILE + " reads '" + line
              + "'; expected " + HEADER + " with part train, valid or test.");
        }
        int row = Integer.parseInt(f[4]);
        if (row < 0 || row >= log.size() || log.queries()[row] != Integer.parseInt(f[1])
            || log.items()[row] != Integer.parseInt(f[2]) || log.timestamps()[row] != Long.parseLong(f[3])) {
          throw new UserException("--split-from " + dir + ": line " + lineNo + " of " + FILE + " (" + line
              + ") does not match row " + row + " of the data set's log (" + log.size() + " rows)."
              + (row < 0 ? " The protocol of that run made rows that are not in the log; its split cannot be reused." : ""));
        }
        part.add(new int[] {row, Integer.parseInt(f[5])});
      }
    } catch (IOException e) {
      throw new UserException("--split-from " + dir + ": cannot read " + FILE + ": " + e.getMessage(), e);
    } catch (NumberFormatException e) {
      throw new UserException("--split-from " + dir + ": " + FILE + " holds a non-number where a number is"
          + " expected (" + e.getMessage() + ").", e);
    }
    boolean logged = record.path("logged").asBoolean();
    InteractionLog[] positives = new InteractionLog[3];
    InteractionLog[] all = new InteractionLog[3];
    for (int k = 0; k < 3; k++) {
      List<int[]> part = rows.get(Split.PARTS.get(k));
      part.sort((a, b) -> Integer.compare(a[0], b[0]));
      int[] r = part.stream().mapToInt(a -> a[0]).toArray();
      float[] p = new float[r.length];
      for (int i = 0; i < r.length; i++) {
        p[i] = part.get(i)[1];
      }
      all[k] = withPositive(log.select(r), p);
      int[] pos = part.stream().filter(a -> a[1] == 1).mapToInt(a -> a[0]).toArray();
      float[] ones = new float[pos.length];
      Arrays.fill(ones, 1f);
      positives[k] = withPositive(log.select(pos), ones);
    }
    Map<String, Object> settings = new LinkedHashMap<>(Json.MAPPER.convertValue(record.path("settings"),
        new TypeReference<Map<String, Object>>() {}));
    settings.put("split-from", dir.toString());
    String positiveLabel = record.path("positiveLabel").isNull() ? null : record.path("positiveLabel").asText(null);
    return new Split(record.path("protocol").asText(), settings, data, positives[0], positives[1], positives[2],
        logged ? new Split.Logged(all[0], all[1], all[2]) : null, positiveLabel);
  }

  /** The log's rows with the protocol's {@code positive} label set to {@code p} (other labels kept, in order). */
  private static InteractionLog withPositive(InteractionLog rows, float[] p) {
    Map<String, float[]> labels = new LinkedHashMap<>(rows.labels());
    labels.put(POSITIVE, p);
    return rows.withLabels(labels);
  }

  /** The {@code split} record of {@code dir/provenance.json}, refusing directories without a usable split. */
  private static JsonNode requireRecord(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new UserException("--split-from " + dir + ": no such directory. Pass a run directory"
          + " runs/<experiment>/<run-id> written by `towerlab run`.");
    }
    if (!Files.isRegularFile(dir.resolve(Provenance.FILE)) || !Files.isRegularFile(dir.resolve(FILE))) {
      String hint = Files.isRegularFile(dir.resolve("leaderboard.csv")) && !Files.exists(dir.resolve(Provenance.FILE))
          ? " It looks like the parent directory of a grid: pass one of its child run directories."
          : " Runs written before splits were exported have none; pass a run directory that holds " + FILE + ".";
      throw new UserException("--split-from " + dir + ": the directory has no " + FILE + " with its "
          + Provenance.FILE + "." + hint);
    }
    JsonNode record = Provenance.read(dir).path("split");
    if (!record.isObject() || !record.has("sha256")) {
      throw new UserException("--split-from " + dir + ": its " + Provenance.FILE + " has no split record. Pass the"
          + " directory of a run that wrote " + FILE + ".");
    }
    if (!record.path("rowIndex").asBoolean(false)) {
      throw new UserException("--split-from " + dir + ": the split of that run (protocol '"
          + record.path("protocol").asText() + "') has rows that are not rows of the data set's log, so it cannot"
          + " be reused by row index.");
    }
    return record;
  }

  /**
   * Refuses when the data files read now differ in content from the ones recorded in {@code dir}
   * (compared by sha256 and row count, wherever the files now live), or when the data set's log is
   * not the one the split's row indices point into.
   */
  static void requireSameData(Path dir, JsonNode record, Dataset data) {
    Map<String, DataFile> recorded = Provenance.dataFiles(Provenance.read(dir));
    Map<String, DataFile> current = new TreeMap<>();
    data.files().forEach((path, spec) -> current.put(path, DataFile.parse(spec)));
    List<String> before = recorded.values().stream().map(f -> f.sha256() + ";" + f.rows()).sorted().toList();
    List<String> now = current.values().stream().map(f -> f.sha256() + ";" + f.rows()).sorted().toList();
    if (!before.equals(now)) {
      List<String> diff = new ArrayList<>();
      recorded.forEach((p, f) -> diff.add("recorded " + p + ": sha256 " + f.sha256() + ", " + f.rows() + " rows"));
      current.forEach((p, f) -> diff.add("read now " + p + ": sha256 " + f.sha256() + ", " + f.rows() + " rows"));
      throw new UserException("--split-from " + dir + ": the data files differ from the ones that run read (its "
          + Provenance.FILE + "), so its split's row indices would point at other rows:\n  " + String.join("\n  ", diff)
          + "\nPoint the config (or TOWERLAB_DATA) at the same files, or run without --split-from.");
    }
    String fp = fingerprint(data.log());
    JsonNode log = record.path("log");
    if (!fp.equals(log.path("sha256").asText()) || data.log().size() != log.path("rows").asLong(-1)) {
      throw new UserException("--split-from " + dir + ": the data set's interaction log (" + data.log().size()
          + " rows, fingerprint " + fp.substring(0, 12) + ") is not the one that run split (" + log.path("rows").asLong(-1)
          + " rows, fingerprint " + log.path("sha256").asText("?").substring(0, Math.min(12, log.path("sha256").asText("?").length()))
          + "): the data section (or a generated data set's settings or seed) differs. Use the data section of"
          + " that run's effective-config.yaml.");
    }
  }

  private static String sha256(Path file) {
    MessageDigest md = sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot hash " + file + ": " + e.getMessage(), e);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

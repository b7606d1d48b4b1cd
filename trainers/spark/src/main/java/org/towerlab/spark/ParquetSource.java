package org.towerlab.spark;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.DataSource;
import org.towerlab.api.data.FeatureTable;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.QueryKind;
import org.towerlab.api.data.Schema;
import org.towerlab.api.data.Side;

/**
 * Reads an interaction log from Parquet (a file, or a directory of part files such as a Spark job
 * writes) with parquet-hadoop, column-projected to the columns it needs: no CSV parser and no
 * Spark session, so it works in a single-machine run, on the driver and inside a grid's Spark tasks.
 * Ids must be dense ({@code 0..n-1}, as {@link SparkSplit} writes them); the data set has id
 * features only. Provenance records each file's sha256 and row count.
 */
final class ParquetSource implements DataSource {
  private final ParquetSourceConfig config;

  ParquetSource(ParquetSourceConfig config) {
    this.config = config;
  }

  @Override
  public Dataset load() {
    Configuration conf = new Configuration();
    List<Path> files = files(conf);
    MessageType fileSchema = schema(files.get(0), conf);
    String ts = config.timestampColumn() != null ? config.timestampColumn()
        : fileSchema.containsField("timestamp") ? "timestamp" : null;
    List<String> labels = config.labels() != null ? config.labels() : defaultLabels(fileSchema, ts);
    List<String> wanted = new ArrayList<>(List.of(config.queryColumn(), config.itemColumn()));
    if (ts != null) {
      wanted.add(ts);
    }
    wanted.addAll(labels);
    List<Type> fields = new ArrayList<>();
    for (String c : wanted) {
      if (!fileSchema.containsField(c)) {
        throw new UserException("Parquet data " + config.path() + " has no column '" + c + "' (columns: "
            + fileSchema.getFields().stream().map(Type::getName).toList() + "). Fix data.query-column, item-column,"
            + " timestamp-column or labels.");
      }
      Type t = fileSchema.getType(c);
      if (!t.isPrimitive()) {
        throw new UserException("Parquet column '" + c + "' of " + config.path() + " is not a number column.");
      }
      fields.add(t);
    }
    conf.set(ReadSupport.PARQUET_READ_SCHEMA, new MessageType(fileSchema.getName(), fields).toString());

    IntColumn qs = new IntColumn();
    IntColumn is = new IntColumn();
    List<Long> times = new ArrayList<>();
    List<FloatColumn> values = new ArrayList<>();
    for (int j = 0; j < labels.size(); j++) {
      values.add(new FloatColumn());
    }
    Map<String, String> provenance = new LinkedHashMap<>();
    for (Path f : files) {
      long rows = 0;
      try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), f).withConf(conf).build()) {
        for (Group g = reader.read(); g != null; g = reader.read()) {
          qs.add(id(g, config.queryColumn(), f, rows));
          is.add(id(g, config.itemColumn(), f, rows));
          times.add(ts == null ? 0L : (long) number(g, ts, f, rows));
          for (int j = 0; j < labels.size(); j++) {
            values.get(j).add((float) number(g, labels.get(j), f, rows));
          }
          rows++;
        }
      } catch (IOException e) {
        throw new UserException("Cannot read Parquet file " + f + ": " + e.getMessage() + ". Check the file.");
      }
      provenance.put(f.toString(), "sha256:" + sha256(f, conf) + ";rows=" + rows);
    }
    int[] q = qs.toArray();
    int[] it = is.toArray();
    int nq = 0;
    int ni = 0;
    for (int r = 0; r < q.length; r++) {
      nq = Math.max(nq, q[r] + 1);
      ni = Math.max(ni, it[r] + 1);
    }
    long[] t = times.stream().mapToLong(Long::longValue).toArray();
    Map<String, float[]> labelMap = new LinkedHashMap<>();
    for (int j = 0; j < labels.size(); j++) {
      labelMap.put(labels.get(j), values.get(j).toArray());
    }
    boolean[] exposed = new boolean[q.length];
    java.util.Arrays.fill(exposed, true);
    InteractionLog log = new InteractionLog(q, it, t, labelMap, exposed, null, null);
    List<FieldSpec> spec = List.of(FieldSpec.categorical("id", Side.QUERY, Math.max(1, nq)),
        FieldSpec.categorical("id", Side.ITEM, Math.max(1, ni)));
    return new Dataset(config.name(), QueryKind.USER, new Schema(spec), FeatureTable.builder(Side.QUERY, nq).build(),
        FeatureTable.builder(Side.ITEM, ni).build(), log, null, provenance, null);
  }

  private List<Path> files(Configuration conf) {
    String p = config.path();
    URI uri = p.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*") ? URI.create(p)
        : java.nio.file.Path.of(p).toAbsolutePath().normalize().toUri();
    Path root = new Path(uri);
    try {
      FileSystem fs = root.getFileSystem(conf);
      if (!fs.exists(root)) {
        throw new UserException("Parquet data " + p + " does not exist. Fix data.path.");
      }
      List<Path> out = new ArrayList<>();
      if (fs.getFileStatus(root).isDirectory()) {
        for (FileStatus st : fs.listStatus(root)) {
          String n = st.getPath().getName();
          if (st.isFile() && !n.startsWith("_") && !n.startsWith(".")) {
            out.add(st.getPath());
          }
        }
        out.sort(null);
      } else {
        out.add(root);
      }
      if (out.isEmpty()) {
        throw new UserException("Parquet data directory " + p + " has no data files. Fix data.path.");
      }
      return out;
    } catch (IOException e) {
      throw new UserException("Cannot list Parquet data " + p + ": " + e.getMessage());
    }
  }

  private static MessageType schema(Path f, Configuration conf) {
    try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(f, conf))) {
      return r.getFooter().getFileMetaData().getSchema();
    } catch (IOException e) {
      throw new UserException("Cannot read the Parquet footer of " + f + ": " + e.getMessage() + ". Is it Parquet?");
    }
  }

  private List<String> defaultLabels(MessageType schema, String ts) {
    List<String> out = new ArrayList<>();
    for (Type t : schema.getFields()) {
      String n = t.getName();
      if (t.isPrimitive() && !n.equals(config.queryColumn()) && !n.equals(config.itemColumn()) && !n.equals(ts)
          && numeric(t.asPrimitiveType())) {
        out.add(n);
      }
    }
    return out;
  }

  private static boolean numeric(PrimitiveType t) {
    return switch (t.getPrimitiveTypeName()) {
      case INT32, INT64, FLOAT, DOUBLE, BOOLEAN -> true;
      default -> false;
    };
  }

  private int id(Group g, String c, Path f, long row) {
    double v = number(g, c, f, row);
    if (v < 0 || v > Integer.MAX_VALUE - 1 || v != Math.rint(v)) {
      throw new UserException("Row " + row + " of " + f + ": column '" + c + "' holds " + v + "; ids must be dense"
          + " integers 0..n-1 (write them with towerlab's Spark split job).");
    }
    return (int) v;
  }

  private static double number(Group g, String c, Path f, long row) {
    if (g.getFieldRepetitionCount(c) == 0) {
      throw new UserException("Row " + row + " of " + f + " has no value in column '" + c + "'.");
    }
    PrimitiveType t = g.getType().getType(c).asPrimitiveType();
    return switch (t.getPrimitiveTypeName()) {
      case INT32 -> g.getInteger(c, 0);
      case INT64 -> g.getLong(c, 0);
      case FLOAT -> g.getFloat(c, 0);
      case DOUBLE -> g.getDouble(c, 0);
      case BOOLEAN -> g.getBoolean(c, 0) ? 1 : 0;
      default -> throw new UserException("Column '" + c + "' of " + f + " is " + t.getPrimitiveTypeName()
          + ", not a number.");
    };
  }

  private static String sha256(Path f, Configuration conf) {
    try (InputStream in = f.getFileSystem(conf).open(f)) {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n = in.read(buf); n > 0; n = in.read(buf)) {
        d.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (IOException | java.security.NoSuchAlgorithmException e) {
      throw new UserException("Cannot hash " + f + ": " + e.getMessage());
    }
  }

  /** A growable int column. */
  static final class IntColumn {
    private int[] v = new int[1024];
    private int n;

    void add(int x) {
      if (n == v.length) {
        v = java.util.Arrays.copyOf(v, n * 2);
      }
      v[n++] = x;
    }

    int[] toArray() {
      return java.util.Arrays.copyOf(v, n);
    }
  }

  /** A growable float column. */
  static final class FloatColumn {
    private float[] v = new float[1024];
    private int n;

    void add(float x) {
      if (n == v.length) {
        v = java.util.Arrays.copyOf(v, n * 2);
      }
      v[n++] = x;
    }

    float[] toArray() {
      return java.util.Arrays.copyOf(v, n);
    }
  }
}

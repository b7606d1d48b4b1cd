package org.towerlab.modules.datasets;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * A generic delimited (CSV/TSV) data set described by {@link CsvConfig}. Query and item ids are
 * strings remapped to dense ids in sorted order (numeric order when every id is an integer); the
 * entities of a side are those in the interaction file plus those in its feature file. Categorical
 * values map to sorted vocabularies with 0 = missing; bag tokens map to 0-based ids; dense vectors
 * are separator-joined numbers (missing = zeros). Fields may be quoted with {@code "}.
 *
 * <p>Optional logging columns turn the file into an impression log: {@code exposure-column}
 * (1/0, true/false: shown or only considered), {@code request-column} (request ids, remapped to
 * dense ids in sorted order), {@code position-column}, {@code propensity-column} (in (0, 1]) and
 * {@code stage-column}. With an exposure column the protocols keep the shown-but-not-engaged rows
 * and the unshown candidates as logged rows ({@link org.towerlab.api.data.Split#logged()}).
 */
public final class CsvSource implements DataSource {
  private final CsvConfig config;

  public CsvSource(CsvConfig config) {
    this.config = config;
  }

  private static final String HINT = "Check the 'file' keys of the csv data config.";

  @Override
  public Dataset load() {
    Charset cs = Charset.forName(config.encoding());
    Map<String, String> files = new LinkedHashMap<>();
    List<String> queryIds = new ArrayList<>();
    List<String> itemIds = new ArrayList<>();
    Columns.Longs ts = new Columns.Longs();
    List<Columns.Floats> labelCols = new ArrayList<>();
    for (int k = 0; k < config.labels().size(); k++) {
      labelCols.add(new Columns.Floats());
    }
    TextFile f = new TextFile(Path.of(config.file()), cs, HINT);
    char d = config.delimiter().charAt(0);
    int[][] idx = new int[1][];
    int[] width = {-1};
    Logging logging = new Logging();
    f.read((no, line) -> {
      String[] v = Columns.split(line, d, true);
      if (idx[0] == null) {
        List<String> head = config.header() ? List.of(v) : List.of();
        int[] cols = new int[3 + config.labels().size()];
        cols[0] = column(f, head, config.queryColumn(), "query-column");
        cols[1] = column(f, head, config.itemColumn(), "item-column");
        cols[2] = config.timestampColumn() == null ? -1 : column(f, head, config.timestampColumn(), "timestamp-column");
        for (int k = 0; k < config.labels().size(); k++) {
          cols[3 + k] = column(f, head, config.labels().get(k), "labels");
        }
        logging.columns(f, head);
        idx[0] = cols;
        width[0] = v.length;
        if (config.header()) {
          return;
        }
      }
      if (v.length != width[0]) {
        throw f.error(no, line, "expected " + width[0] + " fields separated by '" + config.delimiter()
            + "', found " + v.length);
      }
      int[] c = idx[0];
      checkRow(f, no, line, v, c);
      queryIds.add(v[c[0]].trim());
      itemIds.add(v[c[1]].trim());
      ts.add(c[2] < 0 ? no : f.parseLong(no, line, v[c[2]], "timestamp"));
      for (int k = 0; k < labelCols.size(); k++) {
        labelCols.get(k).add(f.parseFloat(no, line, v[c[3 + k]], "label '" + config.labels().get(k) + "'"));
      }
      logging.row(f, no, line, v);
    }, files);
    int rows = queryIds.size();
    if (rows == 0) {
      throw f.empty("interaction rows");
    }

    List<FieldSpec> fields = new ArrayList<>();
    Side q = Side.QUERY;
    Map<String, Map<String, String[]>> qRaw = config.queryFeatures() == null ? Map.of()
        : readFeatures(config.queryFeatures(), cs, queryIds, files);
    Map<String, Map<String, String[]>> iRaw = config.itemFeatures() == null ? Map.of()
        : readFeatures(config.itemFeatures(), cs, itemIds, files);
    checkCoverage(f, d, idx[0][0], config.queryColumn(), config.queryFeatures(), queryIds, rows, "query");
    checkCoverage(f, d, idx[0][1], config.itemColumn(), config.itemFeatures(), itemIds, rows, "item");
    Map<String, Integer> qVocab = Columns.vocabulary(queryIds, false);
    Map<String, Integer> iVocab = Columns.vocabulary(itemIds, false);
    fields.add(FieldSpec.categorical("id", q, Math.max(1, qVocab.size())));
    FeatureTable.Builder qb = FeatureTable.builder(q, qVocab.size());
    Map<String, int[]> qCat = features(config.queryFeatures(), qRaw, qVocab, q, fields, qb);
    fields.add(FieldSpec.categorical("id", Side.ITEM, Math.max(1, iVocab.size())));
    FeatureTable.Builder ib = FeatureTable.builder(Side.ITEM, iVocab.size());
    Map<String, int[]> iCat = features(config.itemFeatures(), iRaw, iVocab, Side.ITEM, fields, ib);
    int[] category = null;
    if (config.itemCategoryField() != null) {
      category = iCat.get(config.itemCategoryField());
      if (category == null) {
        throw new UserException("item-category-field '" + config.itemCategoryField() + "' of the csv data config"
            + " is not a categorical item field; categorical item fields: " + iCat.keySet() + ".");
      }
    }
    long[] times = ts.toArray();
    int[] qs = new int[times.length];
    int[] is = new int[times.length];
    for (int r = 0; r < times.length; r++) {
      qs[r] = qVocab.get(queryIds.get(r));
      is[r] = iVocab.get(itemIds.get(r));
    }
    Map<String, float[]> labels = new LinkedHashMap<>();
    for (int k = 0; k < labelCols.size(); k++) {
      labels.put(config.labels().get(k), labelCols.get(k).toArray());
    }
    InteractionLog log = new InteractionLog(qs, is, times, labels, logging.exposed(), logging.positions(),
        logging.propensities(), logging.requests(), logging.stages());
    qb.keys(keys(qVocab));
    ib.keys(keys(iVocab));
    return new Dataset(config.name(), QueryKind.USER, new Schema(fields), qb.build(), ib.build(), log, category,
        files, null);
  }

  /** The original id of each dense id. */
  private static String[] keys(Map<String, Integer> vocab) {
    String[] out = new String[vocab.size()];
    vocab.forEach((k, v) -> out[v] = k);
    return out;
  }

  /** The optional logging columns: exposure, request, position, propensity, stage. */
  private final class Logging {
    private int exposure = -1;
    private int request = -1;
    private int position = -1;
    private int propensity = -1;
    private int stage = -1;
    private final List<Boolean> shown = new ArrayList<>();
    private final List<String> requestIds = new ArrayList<>();
    private final Columns.Ints positionValues = new Columns.Ints();
    private final Columns.Floats propensityValues = new Columns.Floats();
    private final Columns.Ints stageValues = new Columns.Ints();

    void columns(TextFile f, List<String> head) {
      exposure = config.exposureColumn() == null ? -1 : column(f, head, config.exposureColumn(), "exposure-column");
      request = config.requestColumn() == null ? -1 : column(f, head, config.requestColumn(), "request-column");
      position = config.positionColumn() == null ? -1 : column(f, head, config.positionColumn(), "position-column");
      propensity = config.propensityColumn() == null ? -1
          : column(f, head, config.propensityColumn(), "propensity-column");
      stage = config.stageColumn() == null ? -1 : column(f, head, config.stageColumn(), "stage-column");
    }

    void row(TextFile f, int no, String line, String[] v) {
      if (exposure >= 0) {
        String e = v[exposure].trim().toLowerCase(java.util.Locale.ROOT);
        if (!e.equals("1") && !e.equals("0") && !e.equals("true") && !e.equals("false")) {
          throw f.error(no, line, "exposure '" + TextFile.truncate(v[exposure]) + "' is not 1, 0, true or false");
        }
        shown.add(e.equals("1") || e.equals("true"));
      }
      if (request >= 0) {
        requestIds.add(v[request].trim());
      }
      if (position >= 0) {
        positionValues.add(f.parseInt(no, line, v[position], "position"));
      }
      if (propensity >= 0) {
        float p = f.parseFloat(no, line, v[propensity], "propensity");
        if (!(p > 0f && p <= 1f)) {
          throw f.error(no, line, "propensity " + p + " is not in (0, 1]");
        }
        propensityValues.add(p);
      }
      if (stage >= 0) {
        int s = f.parseInt(no, line, v[stage], "stage");
        if (s < 0) {
          throw f.error(no, line, "stage " + s + " is negative");
        }
        stageValues.add(s);
      }
    }

    boolean[] exposed() {
      if (exposure < 0) {
        return null;
      }
      boolean[] out = new boolean[shown.size()];
      for (int r = 0; r < out.length; r++) {
        out[r] = shown.get(r);
      }
      return out;
    }

    /** Request ids: dense, in sorted order of the original ids (numeric order when all are integers). */
    long[] requests() {
      if (request < 0) {
        return null;
      }
      Map<String, Integer> vocab = Columns.vocabulary(requestIds, false);
      long[] out = new long[requestIds.size()];
      for (int r = 0; r < out.length; r++) {
        out[r] = vocab.get(requestIds.get(r));
      }
      return out;
    }

    int[] positions() {
      return position < 0 ? null : positionValues.toArray();
    }

    float[] propensities() {
      return propensity < 0 ? null : propensityValues.toArray();
    }

    int[] stages() {
      return stage < 0 ? null : stageValues.toArray();
    }
  }

  /** Validates one interaction row: non-empty ids, labels within their configured ranges. */
  private void checkRow(TextFile f, int no, String line, String[] v, int[] c) {
    if (v[c[0]].isBlank() || v[c[1]].isBlank()) {
      throw f.error(no, line, "the " + (v[c[0]].isBlank() ? "query id (column '" + config.queryColumn() + "')"
          : "item id (column '" + config.itemColumn() + "')") + " is empty");
    }
    for (int k = 0; k < config.labels().size(); k++) {
      String label = config.labels().get(k);
      List<Double> range = config.labelRanges().get(label);
      if (range != null) {
        float x = f.parseFloat(no, line, v[c[3 + k]], "label '" + label + "'");
        if (x < range.get(0) || x > range.get(1)) {
          throw f.error(no, line, "label '" + label + "' is " + x + ", outside its range " + range
              + " (label-ranges in the csv data config)");
        }
      }
    }
  }

  /**
   * Every id of the interaction file must have a row in the side's feature file (unless it allows
   * missing rows): a mismatch usually means the two files key entities differently.
   *
   * @param ids the interaction file's ids (first {@code rows}) followed by the feature file's
   */
  private static void checkCoverage(TextFile f, char delimiter, int col, String column, CsvFeaturesConfig fc,
      List<String> ids, int rows, String side) {
    if (fc == null || fc.allowMissing()) {
      return;
    }
    java.util.Set<String> described = new java.util.HashSet<>(ids.subList(rows, ids.size()));
    for (int r = 0; r < rows; r++) {
      String id = ids.get(r);
      if (!described.contains(id)) {
        int line = f.findLine(l -> {
          String[] v = Columns.split(l, delimiter, true);
          return v.length > col && v[col].trim().equals(id);
        });
        throw f.error(line, side + " id '" + TextFile.truncate(id) + "' (column '" + column + "') has no row in the"
            + " feature file " + Path.of(fc.file()).toAbsolutePath() + ", which describes "
            + (described.size()) + " " + side + "s. Make both files use the same ids, or set allow-missing: true in"
            + " the " + side + "-features section to leave such " + side + "s without features");
      }
    }
  }

  private static int column(TextFile f, List<String> header, String column, String key) {
    int k = header.indexOf(column);
    if (k >= 0) {
      return k;
    }
    try {
      return Integer.parseInt(column);
    } catch (NumberFormatException e) {
      throw new UserException("Column '" + column + "' (config key '" + key + "') is not in the header of "
          + f.path().toAbsolutePath() + ", which has " + header + ". Use a header name or a 0-based index.");
    }
  }

  /** Reads a feature file into field -> entity id -> raw value, adding its ids to {@code ids}. */
  private static Map<String, Map<String, String[]>> readFeatures(CsvFeaturesConfig fc, Charset cs,
      List<String> ids, Map<String, String> files) {
    TextFile f = new TextFile(Path.of(fc.file()), cs, HINT);
    char d = fc.delimiter().charAt(0);
    Map<String, Map<String, String[]>> out = new LinkedHashMap<>();
    for (CsvFieldConfig field : fc.fields()) {
      out.put(field.name(), new HashMap<>());
    }
    int[][] idx = new int[1][];
    f.read((no, line) -> {
      String[] v = Columns.split(line, d, true);
      if (idx[0] == null) {
        List<String> head = fc.header() ? List.of(v) : List.of();
        int[] cols = new int[1 + fc.fields().size()];
        cols[0] = column(f, head, fc.idColumn(), "id-column");
        for (int k = 0; k < fc.fields().size(); k++) {
          cols[1 + k] = column(f, head, fc.fields().get(k).column(), "fields[" + k + "].column");
        }
        idx[0] = cols;
        if (fc.header()) {
          return;
        }
      }
      int[] c = idx[0];
      for (int col : c) {
        if (col >= v.length) {
          throw f.error(no, line, "expected at least " + (col + 1) + " fields, found " + v.length);
        }
      }
      String id = v[c[0]].trim();
      ids.add(id);
      for (int k = 0; k < fc.fields().size(); k++) {
        out.get(fc.fields().get(k).name()).put(id, new String[] {v[c[1 + k]].trim(), Integer.toString(no), line});
      }
    }, files);
    return out;
  }

  private static Map<String, int[]> features(CsvFeaturesConfig fc, Map<String, Map<String, String[]>> raw,
      Map<String, Integer> vocab, Side side, List<FieldSpec> fields, FeatureTable.Builder b) {
    Map<String, int[]> categorical = new LinkedHashMap<>();
    if (fc == null) {
      return categorical;
    }
    int n = vocab.size();
    TextFile f = new TextFile(Path.of(fc.file()), java.nio.charset.StandardCharsets.UTF_8, HINT);
    for (CsvFieldConfig field : fc.fields()) {
      Map<String, String[]> values = raw.get(field.name());
      switch (field.kind()) {
        case "categorical" -> {
          List<String> present = new ArrayList<>();
          for (String[] v : values.values()) {
            if (!v[0].isEmpty()) {
              present.add(v[0]);
            }
          }
          Map<String, Integer> voc = Columns.vocabulary(present, true);
          int[] col = new int[n];
          values.forEach((id, v) -> col[vocab.get(id)] = v[0].isEmpty() ? 0 : voc.get(v[0]));
          fields.add(FieldSpec.categorical(field.name(), side, voc.size() + 1));
          b.categorical(field.name(), col);
          categorical.put(field.name(), col);
        }
        case "multi-categorical" -> {
          List<String> tokens = new ArrayList<>();
          int longest = 1;
          for (String[] v : values.values()) {
            String[] t = tokens(v[0], field.separator());
            longest = Math.max(longest, t.length);
            tokens.addAll(List.of(t));
          }
          int max = field.maxLength() == null ? longest : field.maxLength();
          Map<String, Integer> voc = Columns.vocabulary(tokens, false);
          int[][] col = new int[n][0];
          values.forEach((id, v) -> {
            String[] t = tokens(v[0], field.separator());
            int[] bag = new int[Math.min(max, t.length)];
            for (int k = 0; k < bag.length; k++) {
              bag[k] = voc.get(t[k]);
            }
            col[vocab.get(id)] = bag;
          });
          fields.add(FieldSpec.multiCategorical(field.name(), side, Math.max(1, voc.size()), max));
          b.multiCategorical(field.name(), col);
        }
        default -> {
          int dim = field.dim() == null ? values.values().stream().map(v -> tokens(v[0], field.separator()).length)
              .filter(w -> w > 0).findFirst().orElse(1) : field.dim();
          float[] col = new float[n * dim];
          values.forEach((id, v) -> {
            String[] t = tokens(v[0], field.separator());
            int lineNo = Integer.parseInt(v[1]);
            if (t.length != 0 && t.length != dim) {
              throw f.error(lineNo, v[2], "dense field '" + field.name() + "' has " + t.length + " values, expected " + dim);
            }
            int base = vocab.get(id) * dim;
            for (int k = 0; k < t.length; k++) {
              col[base + k] = f.parseFloat(lineNo, v[2], t[k], "value of '" + field.name() + "'");
            }
          });
          fields.add(FieldSpec.dense(field.name(), side, dim));
          b.dense(field.name(), col, dim);
        }
      }
    }
    return categorical;
  }

  private static String[] tokens(String value, String separator) {
    if (value.isEmpty()) {
      return new String[0];
    }
    String[] t = Columns.split(value, separator);
    for (int k = 0; k < t.length; k++) {
      t[k] = t[k].trim();
    }
    return t;
  }
}

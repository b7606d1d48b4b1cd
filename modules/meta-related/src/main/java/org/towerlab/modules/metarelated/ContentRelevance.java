package org.towerlab.modules.metarelated;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.FieldKind;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.GroundTruth;
import org.towerlab.api.data.PairRelevance;
import org.towerlab.api.data.Side;

/**
 * The semantic relevance of a candidate item to a seed item from item content: the weighted mean of
 * the rule's terms ({@link RelevanceConfig}, {@link RelevanceTermConfig}),
 * {@code rel(a, b) = sum_t w_t s_t(a, b) / sum_t w_t}. Queries are items, so {@code relevance(q, i)}
 * reads both ids in the item corpus. A pure function of content: never of engagement labels, so it
 * can be read for any pair of any split part.
 */
public final class ContentRelevance implements PairRelevance {
  private final List<Term> terms;
  private final double weightSum;
  private final double threshold;
  private final String description;
  private final Map<String, String> files;

  private ContentRelevance(List<Term> terms, double threshold, String description, Map<String, String> files) {
    this.terms = List.copyOf(terms);
    this.weightSum = terms.stream().mapToDouble(Term::weight).sum();
    this.threshold = threshold;
    this.description = description;
    this.files = Map.copyOf(files);
  }

  /** One term: its weight and its similarity function. */
  private record Term(double weight, Similarity s) {}

  @FunctionalInterface
  private interface Similarity {
    double of(int a, int b);
  }

  /**
   * The rule over the items of {@code data} (its item fields, item category, ground truth and the
   * original item ids for {@code pairs} files).
   *
   * @param path the config path of the rule ({@code $.data.relevance}), for messages
   * @throws UserException when a term names a missing field, a field of the wrong kind, or a bad file
   */
  public static ContentRelevance of(Dataset data, RelevanceConfig config, String path) {
    List<Term> terms = new ArrayList<>();
    Map<String, String> files = new LinkedHashMap<>();
    for (int t = 0; t < config.terms().size(); t++) {
      RelevanceTermConfig c = config.terms().get(t);
      String at = path + ".terms[" + t + "]";
      terms.add(new Term(c.weight(), similarity(data, c, at, files)));
    }
    StringBuilder d = new StringBuilder();
    for (RelevanceTermConfig c : config.terms()) {
      d.append(d.length() == 0 ? "" : " + ").append(c.describe());
    }
    double total = config.terms().stream().mapToDouble(RelevanceTermConfig::weight).sum();
    String description = (config.terms().size() > 1 ? "(" + d + ") / " + total : d.toString())
        + "; relevant >= " + config.threshold();
    return new ContentRelevance(terms, config.threshold(), description, files);
  }

  @Override
  public double relevance(int query, int item) {
    double s = 0;
    for (Term t : terms) {
      s += t.weight() * t.s().of(query, item);
    }
    return s / weightSum;
  }

  @Override
  public double threshold() {
    return threshold;
  }

  @Override
  public String describe() {
    return description;
  }

  /** Provenance of the files the rule read ({@code pairs} terms). */
  public Map<String, String> files() {
    return files;
  }

  private static Similarity similarity(Dataset data, RelevanceTermConfig c, String at, Map<String, String> files) {
    return switch (c.kind()) {
      case "jaccard" -> {
        int[][] bags = sortedBags(data.itemFeatures().multiCategorical(field(data, c, at, FieldKind.MULTI_CATEGORICAL)));
        yield (a, b) -> jaccard(bags[a], bags[b]);
      }
      case "match" -> {
        int[] v = c.field() == null ? category(data, at) : data.itemFeatures().categorical(field(data, c, at,
            FieldKind.CATEGORICAL));
        Integer unknown = c.unknown();
        yield (a, b) -> v[a] == v[b] && (unknown == null || v[a] != unknown) ? 1.0 : 0.0;
      }
      case "proximity" -> {
        int[] v = data.itemFeatures().categorical(field(data, c, at, FieldKind.CATEGORICAL));
        Integer unknown = c.unknown();
        double span = c.span();
        yield (a, b) -> unknown != null && (v[a] == unknown || v[b] == unknown) ? 0.0
            : Math.max(0.0, 1.0 - Math.abs(v[a] - v[b]) / span);
      }
      case "cosine" -> {
        String name = field(data, c, at, FieldKind.DENSE);
        int dim = data.schema().field(Side.ITEM, name).orElseThrow().dim();
        double[] unit = unitRows(data.itemFeatures().dense(name), dim);
        yield (a, b) -> {
          double s = 0;
          for (int k = 0; k < dim; k++) {
            s += unit[a * dim + k] * unit[b * dim + k];
          }
          return Math.max(0.0, Math.min(1.0, s));
        };
      }
      case "truth" -> {
        GroundTruth truth = data.truth().orElse(null);
        if (truth == null || Double.isNaN(truth.itemSimilarity(0, 0))) {
          throw new UserException("The relevance term at " + at + " is {kind: truth}, the true item similarity, but data"
              + " set '" + data.name() + "' has no item-level ground truth (only the simulator knows it). Use jaccard,"
              + " match, proximity, cosine or pairs terms.");
        }
        yield (a, b) -> Math.max(0.0, Math.min(1.0, truth.itemSimilarity(a, b)));
      }
      case "pairs" -> {
        Map<Long, Float> values = readPairs(data, c, at, files);
        long n = data.numItems();
        yield (a, b) -> {
          Float v = values.get(a * n + b);
          return v == null ? 0.0 : v;
        };
      }
      default -> throw new IllegalStateException("kind " + c.kind());
    };
  }

  private static int[] category(Dataset data, String at) {
    if (data.itemCategory() == null) {
      throw new UserException("The relevance term at " + at + " is a match on the item category, but data set '"
          + data.name() + "' has no item category. Name a categorical item field (field: ...) or use other terms.");
    }
    return data.itemCategory();
  }

  /** The term's field name, checked to be an item field of {@code kind}. */
  private static String field(Dataset data, RelevanceTermConfig c, String at, FieldKind kind) {
    FieldSpec f = data.schema().field(Side.ITEM, c.field()).orElse(null);
    List<String> names = data.schema().side(Side.ITEM).stream().filter(s -> s.kind() == kind).map(FieldSpec::name)
        .toList();
    if (f == null || f.kind() != kind || c.field().equals("id")) {
      throw new UserException("The relevance term at " + at + " (" + c.kind() + ") reads item field '" + c.field()
          + "', which data set '" + data.name() + "' " + (f == null ? "does not have" : "has as a " + f.kind()
              .name().toLowerCase(Locale.ROOT) + " field") + ". Its " + kind.name().toLowerCase(Locale.ROOT)
          + " item fields: " + names.stream().filter(n -> !n.equals("id")).toList() + ".");
    }
    return c.field();
  }

  private static int[][] sortedBags(int[][] bags) {
    int[][] out = new int[bags.length][];
    for (int i = 0; i < bags.length; i++) {
      out[i] = Arrays.stream(bags[i]).distinct().sorted().toArray();
    }
    return out;
  }

  /** {@code |A ∩ B| / |A ∪ B|} of sorted distinct bags; 0 when both are empty. */
  static double jaccard(int[] a, int[] b) {
    int i = 0;
    int j = 0;
    int common = 0;
    while (i < a.length && j < b.length) {
      if (a[i] == b[j]) {
        common++;
        i++;
        j++;
      } else if (a[i] < b[j]) {
        i++;
      } else {
        j++;
      }
    }
    int union = a.length + b.length - common;
    return union == 0 ? 0.0 : (double) common / union;
  }

  private static double[] unitRows(float[] v, int dim) {
    double[] out = new double[v.length];
    for (int r = 0; r * dim < v.length; r++) {
      double norm = 0;
      for (int k = 0; k < dim; k++) {
        norm += (double) v[r * dim + k] * v[r * dim + k];
      }
      norm = Math.sqrt(norm);
      for (int k = 0; k < dim; k++) {
        out[r * dim + k] = norm == 0 ? 0 : v[r * dim + k] / norm;
      }
    }
    return out;
  }

  /** (seed, item) to value, keyed {@code seed * numItems + item}. */
  private static Map<Long, Float> readPairs(Dataset data, RelevanceTermConfig c, String at, Map<String, String> files) {
    Path file = Path.of(c.file());
    Map<String, Integer> index = ItemFiles.index(data.itemFeatures());
    char d = ItemFiles.delimiter(file);
    Map<Long, Float> out = new HashMap<>();
    Map<Long, Float> mirrored = new HashMap<>();
    long n = data.numItems();
    int rows = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String head = in.readLine();
      if (head == null) {
        throw new UserException("The relevance pairs file " + file.toAbsolutePath() + " (" + at + ".file) is empty;"
            + " it needs a header line naming " + c.seedColumn() + ", " + c.itemColumn() + " and " + c.valueColumn()
            + ".");
      }
      List<String> header = List.of(ItemFiles.split(head, d));
      int[] col = {column(header, c.seedColumn(), file, at + ".seed-column"),
          column(header, c.itemColumn(), file, at + ".item-column"),
          column(header, c.valueColumn(), file, at + ".value-column")};
      String line;
      int no = 1;
      while ((line = in.readLine()) != null) {
        no++;
        if (line.isBlank()) {
          continue;
        }
        String[] f = ItemFiles.split(line, d);
        if (f.length != header.size()) {
          throw new UserException(file.toAbsolutePath() + " line " + no + ": expected " + header.size()
              + " fields, found " + f.length + " in '" + abbreviate(line) + "' (" + at + ").");
        }
        Integer a = index.get(ItemFiles.normalize(f[col[0]]));
        Integer b = index.get(ItemFiles.normalize(f[col[1]]));
        float v;
        try {
          v = Float.parseFloat(f[col[2]]);
        } catch (NumberFormatException e) {
          throw new UserException(file.toAbsolutePath() + " line " + no + ": relevance '" + abbreviate(f[col[2]])
              + "' is not a number (" + at + ").");
        }
        if (!(v >= 0f && v <= 1f)) {
          throw new UserException(file.toAbsolutePath() + " line " + no + ": relevance " + v + " is not in [0, 1] ("
              + at + ").");
        }
        rows++;
        if (a == null || b == null) {
          continue; // items outside the corpus
        }
        out.put(a * n + b, v);
        mirrored.putIfAbsent(b * n + a, v);
      }
    } catch (IOException e) {
      throw ItemFiles.unreadable(file, e, at + ".file");
    }
    if (c.symmetric()) {
      mirrored.forEach(out::putIfAbsent);
    }
    files.put(ItemFiles.key(file), ItemFiles.provenance(file, rows));
    return out;
  }

  private static int column(List<String> header, String name, Path file, String key) {
    int k = header.indexOf(name);
    if (k < 0) {
      throw new UserException("Column '" + name + "' (" + key + ") is not in the header of " + file.toAbsolutePath()
          + ", which has " + header + ".");
    }
    return k;
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}

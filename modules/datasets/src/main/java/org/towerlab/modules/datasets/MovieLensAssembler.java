package org.towerlab.modules.datasets;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.towerlab.api.data.Dataset;
import org.towerlab.api.data.FeatureTable;
import org.towerlab.api.data.FieldSpec;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.QueryKind;
import org.towerlab.api.data.Schema;
import org.towerlab.api.data.Side;

/**
 * Collects the parsed rows of any MovieLens release and builds the {@link Dataset}: dense ids
 * sorted by original id (users and items that occur in the ratings), bucketed side features with 0
 * meaning unknown, and the primary genre as item category.
 */
final class MovieLensAssembler {
  /** Genre vocabulary shared by all releases; index 0 is "unknown" / "(no genres listed)". */
  static final List<String> GENRES = List.of("unknown", "Action", "Adventure", "Animation", "Children's",
      "Comedy", "Crime", "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery",
      "Romance", "Sci-Fi", "Thriller", "War", "Western", "IMAX");
  static final int MAX_GENRES = 6;
  /** Year buckets: 0 unknown, 1 before 1930, 2..8 the decades 1930s..1990s split at 1995, ... */
  static final int YEAR_BUCKETS = 12;
  /** Age buckets of MovieLens 1M: 0 unknown, under 18, 18-24, 25-34, 35-44, 45-49, 50-55, 56+. */
  static final int AGE_BUCKETS = 8;
  private static final Pattern TITLE_YEAR = Pattern.compile("\\((\\d{4})\\)\\s*$");

  record UserInfo(int ageBucket, int gender, String occupation) {}

  /** An item's genres, release year and (when read) title; {@code title} may be null. */
  record ItemInfo(int[] genres, int year, String title) {
    ItemInfo(int[] genres, int year) {
      this(genres, year, null);
    }
  }

  /** Words left out of title tokens: articles and prepositions in the languages of the titles. */
  static final java.util.Set<String> TITLE_STOPWORDS = java.util.Set.of("the", "a", "an", "of", "and", "in", "to",
      "on", "for", "at", "by", "with", "from", "is", "la", "le", "les", "il", "de", "des", "du", "el", "los", "der",
      "die", "das", "den", "et");

  final Columns.Ints users = new Columns.Ints();
  final Columns.Ints items = new Columns.Ints();
  final Columns.Floats ratings = new Columns.Floats();
  final Columns.Longs timestamps = new Columns.Longs();
  final Map<Integer, UserInfo> userInfo = new HashMap<>();
  final Map<Integer, ItemInfo> itemInfo = new HashMap<>();
  final Map<String, String> files = new LinkedHashMap<>();

  void rating(int user, int item, float rating, long timestamp) {
    users.add(user);
    items.add(item);
    ratings.add(rating);
    timestamps.add(timestamp);
  }

  /** A negative id is corrupt data (MovieLens numbers users and items from 1). */
  static int id(TextFile f, int no, String line, int id, String what) {
    if (id < 0) {
      throw f.error(no, line, what + " " + id + " is negative; MovieLens ids are positive integers");
    }
    return id;
  }

  /** A rating outside the release's star scale ({@code min..max} in steps of {@code step}) is corrupt data. */
  static float rating(TextFile f, int no, String line, float r, float min, float max, float step) {
    double k = (r - min) / step;
    if (r < min || r > max || Math.abs(k - Math.rint(k)) > 1e-4) {
      throw f.error(no, line, "rating " + r + " is not on the data set's scale (" + min + " to " + max + " stars in"
          + " steps of " + step + ")");
    }
    return r;
  }

  /**
   * Checks, after every file is read, that the ratings have rows and that each rated user and item
   * has a row in its side file ({@code users} may be null: none read). A dangling id would become an
   * entity without features; the error names the first rating line that refers to it.
   *
   * @param field splits a rating line into its fields (user id first, item id second)
   */
  void checkReferences(TextFile ratings, java.util.function.Function<String, String[]> field, TextFile users,
      TextFile movies) {
    if (this.users.size() == 0) {
      throw ratings.empty("ratings");
    }
    if (users != null) {
      for (int u : new Columns.IntIds(this.users.toArray()).sortedOriginal) {
        if (!userInfo.containsKey(u)) {
          throw dangling(ratings, field, 0, u, "user", users, userInfo.size());
        }
      }
    }
    for (int i : new Columns.IntIds(this.items.toArray()).sortedOriginal) {
      if (!itemInfo.containsKey(i)) {
        throw dangling(ratings, field, 1, i, "item", movies, itemInfo.size());
      }
    }
  }

  private static org.towerlab.api.UserException dangling(TextFile ratings, java.util.function.Function<String, String[]> field,
      int column, int id, String what, TextFile sideFile, int known) {
    String text = Integer.toString(id);
    int line = ratings.findLine(l -> {
      String[] f = field.apply(l);
      return f.length > column && f[column].trim().equals(text);
    });
    return ratings.error(line, what + " id " + id + " has no row in " + sideFile.path().toAbsolutePath() + " (which"
        + " describes " + known + " " + what + "s): the rating refers to a" + ("item".equals(what) ? "n " : " ")
        + what + " the data set does not have");
  }

  static int ageBucket(int age) {
    if (age <= 0) {
      return 0;
    }
    if (age < 18) {
      return 1;
    }
    if (age < 25) {
      return 2;
    }
    if (age < 35) {
      return 3;
    }
    if (age < 45) {
      return 4;
    }
    if (age < 50) {
      return 5;
    }
    return age < 56 ? 6 : 7;
  }

  static int gender(String g) {
    return switch (g.trim()) {
      case "M" -> 1;
      case "F" -> 2;
      default -> 0;
    };
  }

  static int yearBucket(int year) {
    if (year <= 0) {
      return 0;
    }
    if (year < 1930) {
      return 1;
    }
    if (year < 1990) {
      return 2 + (year - 1930) / 10; // 2..7: 1930s .. 1980s
    }
    if (year < 1995) {
      return 8;
    }
    if (year < 2000) {
      return 9;
    }
    return year < 2010 ? 10 : 11;
  }

  /** The year in a title such as "Toy Story (1995)", or 0. */
  static int titleYear(String title) {
    Matcher m = TITLE_YEAR.matcher(title);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  /** Genre index of a name (MovieLens 20M spells "Children"), or -1. */
  static int genre(String name) {
    String n = name.trim();
    if (n.equals("Children")) {
      return GENRES.indexOf("Children's");
    }
    if (n.equals("(no genres listed)") || n.isEmpty()) {
      return 0;
    }
    return GENRES.indexOf(n);
  }

  /** Parses a "|"-separated genre list, or throws naming the line. */
  static int[] genres(TextFile file, int lineNo, String line, String list) {
    List<Integer> out = new ArrayList<>();
    for (String g : Columns.split(list, '|', false)) {
      int k = genre(g);
      if (k < 0) {
        throw file.error(lineNo, line, "unknown genre '" + g + "' (known: " + GENRES + ")");
      }
      if (k > 0 && out.size() < MAX_GENRES && !out.contains(k)) {
        out.add(k);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * The distinct lower-case word tokens of a title, in order: the trailing {@code (year)} removed,
   * split at every character that is not a letter or digit, tokens shorter than two characters and
   * {@link #TITLE_STOPWORDS} dropped ({@code "Shawshank Redemption, The (1994)"} gives
   * {@code [shawshank, redemption]}).
   */
  static List<String> titleTokens(String title) {
    String t = TITLE_YEAR.matcher(title).replaceAll("").toLowerCase(java.util.Locale.ROOT);
    java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
    for (String w : t.split("[^\\p{L}\\p{N}]+")) {
      if (w.length() >= 2 && !TITLE_STOPWORDS.contains(w)) {
        out.add(w);
      }
    }
    return List.copyOf(out);
  }

  Dataset build(String name, int historyLength, boolean withUserFeatures) {
    return build(name, historyLength, withUserFeatures, 0);
  }

  /**
   * @param titleTokens when positive, an item field {@code title} (multi-categorical) holding the
   *     first {@code titleTokens} tokens of each title ({@link #titleTokens}), ids in the sorted
   *     vocabulary of all titles' tokens
   */
  Dataset build(String name, int historyLength, boolean withUserFeatures, int titleTokens) {
    int[] rawUsers = users.toArray();
    int[] rawItems = items.toArray();
    Columns.IntIds userIds = new Columns.IntIds(rawUsers);
    Columns.IntIds itemIds = new Columns.IntIds(rawItems);
    int nu = userIds.size();
    int ni = itemIds.size();

    List<FieldSpec> fields = new ArrayList<>();
    fields.add(FieldSpec.categorical("id", Side.QUERY, nu));
    FeatureTable.Builder q = FeatureTable.builder(Side.QUERY, nu);
    if (withUserFeatures) {
      List<String> occupations = new ArrayList<>();
      for (UserInfo u : userInfo.values()) {
        occupations.add(u.occupation());
      }
      Map<String, Integer> occVocab = Columns.vocabulary(occupations, true);
      int[] age = new int[nu];
      int[] gender = new int[nu];
      int[] occ = new int[nu];
      for (int u = 0; u < nu; u++) {
        UserInfo info = userInfo.get(userIds.sortedOriginal[u]);
        if (info != null) {
          age[u] = info.ageBucket();
          gender[u] = info.gender();
          occ[u] = occVocab.get(info.occupation());
        }
      }
      fields.add(FieldSpec.categorical("age", Side.QUERY, AGE_BUCKETS));
      fields.add(FieldSpec.categorical("gender", Side.QUERY, 3));
      fields.add(FieldSpec.categorical("occupation", Side.QUERY, occVocab.size() + 1));
      q.categorical("age", age).categorical("gender", gender).categorical("occupation", occ);
    }
    if (historyLength > 0) {
      fields.add(FieldSpec.sequence("history", Side.QUERY, ni, historyLength));
    }

    int[][] genres = new int[ni][];
    int[] year = new int[ni];
    int[] category = new int[ni];
    for (int i = 0; i < ni; i++) {
      ItemInfo info = itemInfo.get(itemIds.sortedOriginal[i]);
      genres[i] = info == null ? new int[0] : info.genres();
      year[i] = info == null ? 0 : yearBucket(info.year());
      category[i] = genres[i].length == 0 ? 0 : genres[i][0];
    }
    fields.add(FieldSpec.categorical("id", Side.ITEM, ni));
    fields.add(FieldSpec.multiCategorical("genres", Side.ITEM, GENRES.size(), MAX_GENRES));
    fields.add(FieldSpec.categorical("year", Side.ITEM, YEAR_BUCKETS));
    FeatureTable.Builder itb = FeatureTable.builder(Side.ITEM, ni)
        .multiCategorical("genres", genres).categorical("year", year);
    if (titleTokens > 0) {
      List<List<String>> tokens = new ArrayList<>();
      java.util.TreeSet<String> vocab = new java.util.TreeSet<>();
      for (int i = 0; i < ni; i++) {
        ItemInfo info = itemInfo.get(itemIds.sortedOriginal[i]);
        List<String> t = info == null || info.title() == null ? List.of() : titleTokens(info.title());
        t = t.subList(0, Math.min(titleTokens, t.size()));
        tokens.add(t);
        vocab.addAll(t);
      }
      Map<String, Integer> index = new HashMap<>();
      for (String w : vocab) {
        index.put(w, index.size());
      }
      int[][] title = new int[ni][];
      for (int i = 0; i < ni; i++) {
        title[i] = tokens.get(i).stream().mapToInt(index::get).toArray();
      }
      fields.add(FieldSpec.multiCategorical("title", Side.ITEM, Math.max(1, index.size()), titleTokens));
      itb.multiCategorical("title", title);
    }
    String[] userKeys = new String[nu];
    for (int u = 0; u < nu; u++) {
      userKeys[u] = Integer.toString(userIds.sortedOriginal[u]);
    }
    String[] itemKeys = new String[ni];
    for (int i = 0; i < ni; i++) {
      itemKeys[i] = Integer.toString(itemIds.sortedOriginal[i]);
    }
    q.keys(userKeys);
    FeatureTable it = itb.keys(itemKeys).build();

    Map<String, float[]> labels = new LinkedHashMap<>();
    labels.put("rating", ratings.toArray());
    InteractionLog log = new InteractionLog(userIds.remap(rawUsers), itemIds.remap(rawItems),
        timestamps.toArray(), labels, null, null, null);
    return new Dataset(name, QueryKind.USER, new Schema(fields), q.build(), it, log, category, files, null);
  }
}

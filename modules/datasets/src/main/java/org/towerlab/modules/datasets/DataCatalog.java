package org.towerlab.modules.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.towerlab.api.UserException;
import org.towerlab.modules.datasets.DataPackage.Download;

/**
 * The data sets TowerLab can download ({@link #builtin()}), optionally extended or overridden by a
 * catalog file ({@code TOWERLAB_DATA_CATALOG}: a mirror, a pinned copy, a new data set).
 *
 * <h2>Where the pinned checksums come from</h2>
 *
 * <p>GroupLens publishes an MD5 beside each MovieLens archive ({@code ml-100k.zip.md5} and so
 * on), not a SHA-256. The SHA-256 and byte sizes below are those pinned by TensorFlow Datasets in
 * {@code tensorflow_datasets/url_checksums/movielens.txt} (github.com/tensorflow/datasets, commit
 * {@code 1c076ac3c19c8ea83e1d1a75e0623c9a699e0d7c}) for ml-100k, ml-1m, ml-20m, ml-25m and
 * ml-latest-small, and each one agrees with the independent pin of OmniRec
 * ({@code src/omnirec/data_loaders/movielens_100k.py}, {@code movielens_small.py},
 * {@code movielens_large.py}, github.com/ISG-Siegen/OmniRec). ml-10m (not in TensorFlow Datasets)
 * is OmniRec's pin, corroborated by several public replication scripts that record the same
 * SHA-256 with GroupLens' published MD5 {@code ce571fd55effeba0271552578f2648bd} and the size
 * 65,566,137 bytes. The ml-100k archive's MD5 {@code 0e33842e24a9c977be4e0107933c0723} (GroupLens'
 * {@code ml-100k.zip.md5}) and the md5 of its {@code u.data}, {@code 6e47046882bad158b0efbb84cd5cb987}
 * (the shared copy's README), belong to the same release; the SHA-256 of {@code u.data} and
 * {@code u.item} in the shared copy equal the values other projects pin for the members of the
 * archive above.
 *
 * <p>Coat's authors publish no checksum. Its SHA-256 is the one pinned by public research scripts
 * that download {@code coat.zip} from the authors' page and refuse any other digest (found by code
 * search; no independent second source): treat it as weaker evidence than the MovieLens pins. A
 * mismatch stops with the message of {@link DataFetcher}; if the authors re-uploaded the archive,
 * check it by hand and pin the new digest in a catalog file.
 *
 * <p>The Open Bandit small sample is the {@code obd/} folder of github.com/st-tech/zr-obp. Each file
 * is downloaded from raw.githubusercontent.com at the pinned commit
 * {@code 8cbd5fa4558b7ad2ba4781546d6604e4cc3e07c4} (2022-11-04, the repository's last commit), which
 * serves the git blobs byte for byte; the SHA-256 and sizes were computed from those blobs, and
 * equal the copy in the shared data folder.
 *
 * <h2>Catalog file</h2>
 *
 * <pre>{@code
 * # TOWERLAB_DATA_CATALOG=/path/to/catalog.yaml
 * ml-100k:                       # override a built-in data set's download (other fields kept)
 *   url: https://mirror.example.org/ml-100k.zip
 *   sha256: 50d2a982c66986937beb9ffb3aa76efe955bf3d5c6b761f4e3a7cd717c6a3229
 *   size: 4924029                # optional
 *   archive-root: ml-100k        # optional for an override, the built-in's root by default
 * my-data:                       # a new data set: folder, required-files and one download at least
 *   folder: my-data
 *   loader: csv
 *   licence: CC BY 4.0, cite ...
 *   required-files: [interactions.csv]
 *   downloads:
 *     - {url: https://example.org/my-data.zip, sha256: ..., archive-root: my-data}
 * }</pre>
 */
public final class DataCatalog {
  /** Environment variable (or system property {@code towerlab.data.catalog}) naming a catalog file. */
  public static final String ENV = "TOWERLAB_DATA_CATALOG";

  private static final String GROUPLENS = "https://files.grouplens.org/datasets/movielens/";
  private static final String MOVIELENS_LICENCE = "MovieLens usage licence (GroupLens Research, University of"
      + " Minnesota; the README in the archive): research use only; acknowledge the data set in publications by"
      + " citing F. Maxwell Harper and Joseph A. Konstan, 'The MovieLens Datasets: History and Context', ACM TiiS"
      + " 5(4):19, 2015; do not redistribute the data without separate permission; no commercial or"
      + " revenue-bearing use without permission from GroupLens; do not state or imply endorsement by the"
      + " University of Minnesota or GroupLens.";
  private static final String MOVIELENS_PROVENANCE = "SHA-256 and size pinned by TensorFlow Datasets"
      + " (url_checksums/movielens.txt, commit 1c076ac3) and by OmniRec (ISG-Siegen/OmniRec data_loaders)";
  private static final String OBD_COMMIT = "8cbd5fa4558b7ad2ba4781546d6604e4cc3e07c4";
  private static final String OBD_RAW = "https://raw.githubusercontent.com/st-tech/zr-obp/" + OBD_COMMIT + "/";

  private final Map<String, DataPackage> packages;

  private DataCatalog(Map<String, DataPackage> packages) {
    this.packages = Map.copyOf(packages);
  }

  /** The built-in catalog (see the class comment for the provenance of every checksum). */
  public static DataCatalog builtin() {
    Map<String, DataPackage> m = new LinkedHashMap<>();
    put(m, new DataPackage("ml-100k", "MovieLens 100K", "ml-100k", "ml-100k",
        "https://grouplens.org/datasets/movielens/100k/", MOVIELENS_LICENCE,
        List.of(Download.zip(GROUPLENS + "ml-100k.zip",
            "50d2a982c66986937beb9ffb3aa76efe955bf3d5c6b761f4e3a7cd717c6a3229", 4_924_029L, "ml-100k")),
        List.of("u.data", "u.user", "u.item"), MOVIELENS_PROVENANCE));
    put(m, new DataPackage("ml-1m", "MovieLens 1M", "ml-1m", "ml-1m",
        "https://grouplens.org/datasets/movielens/1m/", MOVIELENS_LICENCE,
        List.of(Download.zip(GROUPLENS + "ml-1m.zip",
            "a6898adb50b9ca05aa231689da44c217cb524e7ebd39d264c56e2832f2c54e20", 5_917_549L, "ml-1m")),
        List.of("ratings.dat", "users.dat", "movies.dat"), MOVIELENS_PROVENANCE));
    put(m, new DataPackage("ml-10m", "MovieLens 10M", "ml-10m", "ml-1m (release: ml-10m)",
        "https://grouplens.org/datasets/movielens/10m/", MOVIELENS_LICENCE,
        List.of(Download.zip(GROUPLENS + "ml-10m.zip",
            "813c411ccb6122564edfe752e7f80c4dcc5aa25fa94c93622f6877a7ba252862", 65_566_137L, "ml-10M100K")),
        List.of("ratings.dat", "movies.dat"),
        "SHA-256 pinned by OmniRec (data_loaders/movielens_small.py), recorded with GroupLens' MD5"
            + " ce571fd55effeba0271552578f2648bd by public replication scripts"));
    put(m, new DataPackage("ml-20m", "MovieLens 20M", "ml-20m", "ml-20m",
        "https://grouplens.org/datasets/movielens/20m/", MOVIELENS_LICENCE,
        List.of(Download.zip(GROUPLENS + "ml-20m.zip",
            "96f243c338a8665f6bcc89c53edf6ee39162a846940de6b7c8c48aeada765ff3", 198_702_078L, "ml-20m")),
        List.of("ratings.csv", "movies.csv"), MOVIELENS_PROVENANCE));
    put(m, new DataPackage("ml-25m", "MovieLens 25M", "ml-25m", "ml-20m (release: ml-25m)",
        "https://grouplens.org/datasets/movielens/25m/", MOVIELENS_LICENCE,
        List.of(Download.zip(GROUPLENS + "ml-25m.zip",
            "8b21cfb7eb1706b4ec0aac894368d90acf26ebdfb6aced3ebd4ad5bd1eb9c6aa", 261_978_986L, "ml-25m")),
        List.of("ratings.csv", "movies.csv"), MOVIELENS_PROVENANCE));
    put(m, new DataPackage("ml-latest-small", "MovieLens latest, small (changes over time; this pin is the"
        + " 9/2018 release)", "ml-latest-small", "ml-20m (release: ml-latest-small)",
        "https://grouplens.org/datasets/movielens/latest/", MOVIELENS_LICENCE,
        List.of(Download.zip(GROUPLENS + "ml-latest-small.zip",
            "696d65a3dfceac7c45750ad32df2c259311949efec81f0f144fdfb91ebc9e436", 978_202L, "ml-latest-small")),
        List.of("ratings.csv", "movies.csv"), MOVIELENS_PROVENANCE));
    put(m, new DataPackage("coat", "Coat shopping (Schnabel et al., ICML 2016)", "coat", "coat",
        "https://www.cs.cornell.edu/~schnabts/mnar/",
        "Research data of T. Schnabel, A. Swaminathan, A. Singh, N. Chandak and T. Joachims, 'Recommendations as"
            + " Treatments: Debiasing Learning and Evaluation', ICML 2016. The archive ships no licence file: use"
            + " it for research and cite the paper; ask the authors before redistributing it.",
        List.of(Download.zip("https://www.cs.cornell.edu/~schnabts/mnar/coat.zip",
            "6073d0b515ed1f6e830e4fead66dc76ad7991a7553eaa58e228b234a9d19daed", -1, "coat")),
        List.of("train.ascii", "test.ascii", "propensities.ascii", "user_item_features/user_features.ascii",
            "user_item_features/item_features.ascii"),
        "The authors publish no checksum; SHA-256 pinned by public research scripts that download coat.zip"
            + " (one source, no independent second one)"));
    List<Download> obd = new ArrayList<>();
    obd.add(Download.file(OBD_RAW + "LICENSE",
        "6bc32ef299d465f98043edc6e487a6e72a69600f3a2144f4e69be8f1b36be9f7", 11_384L, "LICENSE-zr-obp-Apache-2.0"));
    obd.add(obdFile("README.md", "46bba393a44b63ddbb735d21d48ea447a073261eac93b4f06e1b19e9b41db2fe", 3_170L));
    obd.add(obdFile("README_JN.md", "5cc30018d4c676bf1385ed3d68893cca62c96076ebad16f34db56f148c28d2e9", 3_560L));
    obd.add(obdFile("random/men/men.csv", "ede6d08c6877f99cd3770f7d09e26c738e6aa6de4445ccccfb1356ba5d06b1eb",
        3_336_811L));
    obd.add(obdFile("random/men/item_context.csv",
        "6d855c2b7e917d0448d71bbe62c023147495882c0fdc8c41e86fef86abf9fe09", 4_287L));
    obd.add(obdFile("random/women/women.csv", "e65f3bd3beb17664fa69cc129bf7bf852a775f8ffa630506e505fc905315bb34",
        3_817_771L));
    obd.add(obdFile("random/women/item_context.csv",
        "b1ca4905f97703d196004f2ad4552c1e90c2afad8b50688d333b0d2dc0b33147", 5_792L));
    obd.add(obdFile("random/all/item_context.csv",
        "eba04cc23d5f130a93ff174c5392986882b94c3839433cb8143870eaa6221358", 10_041L));
    obd.add(obdFile("bts/men/men.csv", "db6d1f7ed2d591ba521533e45286d4c1fba7fe57a8ad2e80342210335f43c527",
        3_240_432L));
    obd.add(obdFile("bts/men/item_context.csv", "3b411ed6b0471316321a6b93f4f756bb25888eac6218cd71d0b603d41d85732d",
        4_287L));
    obd.add(obdFile("bts/women/women.csv", "e5d1b49a39b608585a2f3014a3f54970430cd37a495c1b73fceb85cdf428a5b8",
        3_722_697L));
    obd.add(obdFile("bts/women/item_context.csv",
        "a56295bad066a558eb783055afd9279f5f4e209a4776eafc22151c53f0ac89d4", 5_792L));
    obd.add(obdFile("bts/all/item_context.csv", "5d4359ba1cfa3ae88f0f1bae66bd633859fe6323817183632ee57b83539d9153",
        10_041L));
    put(m, new DataPackage("open-bandit-small", "Open Bandit Dataset, small sample (zr-obp obd/)",
        "open-bandit-small", "open-bandit", "https://github.com/st-tech/zr-obp/tree/" + OBD_COMMIT + "/obd",
        "Shipped in the zr-obp repository under its Apache-2.0 licence (copied in as LICENSE-zr-obp-Apache-2.0);"
            + " cite Y. Saito, S. Aihara, M. Matsutani and Y. Narita, 'Open Bandit Dataset and Pipeline: Towards"
            + " Realistic and Reproducible Off-Policy Evaluation', NeurIPS 2021 Datasets and Benchmarks. The full"
            + " data set has its own terms at https://research.zozo.com/data.html.",
        obd, List.of("random/men/men.csv", "random/men/item_context.csv"),
        "SHA-256 and sizes computed from the git blobs of st-tech/zr-obp at commit " + OBD_COMMIT));
    return new DataCatalog(m);
  }

  private static Download obdFile(String path, String sha256, long size) {
    return Download.file(OBD_RAW + "obd/" + path, sha256, size, path);
  }

  private static void put(Map<String, DataPackage> m, DataPackage p) {
    m.put(p.name(), p);
  }

  /** The built-in catalog with {@code file}'s entries applied (see the class comment); {@code file} may be null. */
  public static DataCatalog withOverrides(Path file) {
    DataCatalog base = builtin();
    if (file == null) {
      return base;
    }
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new UserException("The data catalog file " + file.toAbsolutePath() + " (from " + ENV + ") does not exist."
          + " Fix the path or unset " + ENV + ".");
    } catch (IOException e) {
      throw new UserException("Cannot read the data catalog file " + file.toAbsolutePath() + " (from " + ENV + "): "
          + e.getMessage() + ". It must be a YAML mapping from data set names to entries; see docs/data.md.", e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return base;
    }
    if (!root.isObject()) {
      throw new UserException("The data catalog file " + file.toAbsolutePath() + " must be a YAML mapping from data set"
          + " names to entries (see docs/data.md), got a " + root.getNodeType().name().toLowerCase() + ".");
    }
    Map<String, DataPackage> m = new LinkedHashMap<>(base.packages);
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      try {
        m.put(e.getKey(), entry(e.getKey(), e.getValue(), base.packages.get(e.getKey())));
      } catch (IllegalArgumentException ex) {
        throw new UserException("Bad entry '" + e.getKey() + "' in the data catalog file " + file.toAbsolutePath()
            + ": " + ex.getMessage() + ". See docs/data.md for the format.", ex);
      }
    }
    return new DataCatalog(m);
  }

  private static DataPackage entry(String name, JsonNode n, DataPackage base) {
    if (!n.isObject()) {
      throw new IllegalArgumentException("the entry must be a mapping");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!List.of("title", "folder", "loader", "homepage", "licence", "required-files", "downloads", "url", "sha256",
          "size", "archive-root", "target", "provenance").contains(k)) {
        throw new IllegalArgumentException("unknown key '" + k + "'");
      }
    }
    List<Download> downloads;
    if (n.has("downloads")) {
      downloads = new ArrayList<>();
      for (JsonNode d : n.get("downloads")) {
        downloads.add(download(d, null));
      }
    } else if (n.has("url")) {
      Download template = base != null && base.downloads().size() == 1 ? base.downloads().get(0) : null;
      downloads = List.of(download(n, template));
    } else if (base != null) {
      downloads = base.downloads();
    } else {
      throw new IllegalArgumentException("a new data set needs 'url' and 'sha256', or 'downloads'");
    }
    List<String> required = new ArrayList<>();
    if (n.has("required-files")) {
      n.get("required-files").forEach(f -> required.add(f.asText()));
    } else if (base != null) {
      required.addAll(base.requiredFiles());
    }
    return new DataPackage(name, text(n, "title", base == null ? null : base.title()),
        text(n, "folder", base == null ? name : base.folder()), text(n, "loader", base == null ? null : base.loader()),
        text(n, "homepage", base == null ? null : base.homepage()), text(n, "licence", base == null ? null : base.licence()),
        downloads, required, text(n, "provenance", base == null ? "catalog file" : "catalog file (overrides: "
            + base.provenance() + ")"));
  }

  private static Download download(JsonNode d, Download template) {
    String url = text(d, "url", null);
    String sha = text(d, "sha256", null);
    long size = d.has("size") ? d.get("size").asLong() : -1;
    String root = text(d, "archive-root", null);
    String target = text(d, "target", null);
    if (root == null && target == null) {
      if (template != null) {
        root = template.archiveRoot();
        target = template.target();
      } else {
        root = "";
      }
    }
    return new Download(url, sha, size, root, target);
  }

  private static String text(JsonNode n, String key, String fallback) {
    JsonNode v = n.get(key);
    return v == null || v.isNull() ? fallback : v.asText();
  }

  public Optional<DataPackage> find(String name) {
    return Optional.ofNullable(packages.get(name));
  }

  /** The package whose folder is {@code folder}, if any (how loaders find what to fetch). */
  public Optional<DataPackage> byFolder(String folder) {
    return packages.values().stream().filter(p -> p.folder().equals(folder)).sorted(
        (a, b) -> a.name().compareTo(b.name())).findFirst();
  }

  /** Every package, sorted by name. */
  public List<DataPackage> all() {
    return packages.values().stream().sorted((a, b) -> a.name().compareTo(b.name())).toList();
  }

  public Collection<String> names() {
    return all().stream().map(DataPackage::name).toList();
  }
}

package org.towerlab.modules.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.UserException;
import org.towerlab.api.data.Dataset;
import org.towerlab.modules.datasets.DataPackage.Download;

/** Downloads from a local HTTP server on 127.0.0.1: whole, corrupted, cut off, refused, unpacked. */
class DataFetcherTest {
  static final String U_DATA = "1\t1\t5\t874965758\n1\t2\t3\t876893171\n2\t1\t4\t878542960\n3\t5\t2\t888550871\n";
  static final String U_USER = "1|24|M|technician|85711\n2|53|F|other|94043\n3|17|M|writer|32067\n";
  static final String U_ITEM = "1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n"
      + "2|GoldenEye (1995)|01-Jan-1995||http://x|0|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0|1|0|0\n"
      + "5|Heat (1995)|01-Jan-1995||http://x|0|0|0|0|0|0|0|0|1|0|0|0|0|0|0|0|0|0|0\n";

  @TempDir Path tmp;
  private LocalDataServer server;
  private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  private DataFetcher fetcher;

  @BeforeEach
  void start() {
    server = new LocalDataServer();
    fetcher = new DataFetcher(new PrintStream(logBytes, true, StandardCharsets.UTF_8), false);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** A generated ML-100K-format archive: the folder ml-100k/ with the three files and a README. */
  static byte[] archive() {
    Map<String, String> e = new LinkedHashMap<>();
    e.put("ml-100k/", "");
    e.put("ml-100k/README", "generated for a test\n");
    e.put("ml-100k/u.data", U_DATA);
    e.put("ml-100k/u.user", U_USER);
    e.put("ml-100k/u.item", U_ITEM);
    return LocalDataServer.zip(e);
  }

  private DataPackage pkg(String url, byte[] pinned, long size) {
    return new DataPackage("ml-100k", "MovieLens 100K (test)", "ml-100k", "ml-100k", "https://example.org/ml-100k",
        "test licence: cite the test", List.of(Download.zip(url, LocalDataServer.sha256(pinned), size, "ml-100k")),
        List.of("u.data", "u.user", "u.item"), "computed by the test");
  }

  private String log() {
    return logBytes.toString(StandardCharsets.UTF_8);
  }

  private List<String> rootEntries(Path root) throws IOException {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(root)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".fetch.lock")).sorted().toList();
    }
  }

  @Test
  void fetch_verifiedArchive_unpacksFolderPrintsLicenceAndLoads() throws Exception {
    byte[] zip = archive();
    server.serve("/ml-100k.zip", zip);
    Path root = tmp.resolve("data");

    Path dir = fetcher.fetch(pkg(server.url("/ml-100k.zip"), zip, zip.length), root, false);

    assertThat(dir).isEqualTo(root.resolve("ml-100k"));
    assertThat(Files.readString(dir.resolve("u.data"))).isEqualTo(U_DATA);
    assertThat(dir.resolve("README")).exists();
    assertThat(Files.readString(dir.resolve(DataFetcher.MARKER))).contains(LocalDataServer.sha256(zip))
        .contains(server.url("/ml-100k.zip"));
    assertThat(rootEntries(root)).containsExactly("ml-100k"); // no staging folder, no archive left
    assertThat(log()).contains("100%").contains("Licence terms of ml-100k: test licence: cite the test");
    Dataset d = new MovieLens100k(new MovieLens100kConfig(dir.toString(), null, null)).load();
    assertThat(d.log().size()).isEqualTo(4);
  }

  @Test
  void fetch_alreadyPresent_downloadsNothing() throws Exception {
    byte[] zip = archive();
    server.serve("/ml-100k.zip", zip);
    Path root = tmp.resolve("data");
    DataPackage p = pkg(server.url("/ml-100k.zip"), zip, zip.length);
    fetcher.fetch(p, root, false);

    fetcher.fetch(p, root, false);

    assertThat(server.requests("/ml-100k.zip")).isEqualTo(1);
  }

  @Test
  void fetch_corruptedArchive_refusesWithChecksumsAndKeepsNothing() throws Exception {
    byte[] zip = archive();
    byte[] corrupt = zip.clone();
    corrupt[corrupt.length / 2] ^= 0x5a;
    server.serve("/ml-100k.zip", corrupt);
    Path root = tmp.resolve("data");

    assertThatThrownBy(() -> fetcher.fetch(pkg(server.url("/ml-100k.zip"), zip, zip.length), root, false))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("has SHA-256 " + LocalDataServer.sha256(corrupt))
        .hasMessageContaining("pinned to " + LocalDataServer.sha256(zip))
        .hasMessageContaining("nothing was kept")
        .hasMessageContaining("download " + server.url("/ml-100k.zip"))
        .hasMessageContaining(root.resolve("ml-100k").resolve("u.data").toAbsolutePath().toString())
        .hasMessageContaining("TOWERLAB_DATA");
    assertThat(rootEntries(root)).isEmpty();
  }

  @Test
  void fetch_droppedConnection_refusesAndKeepsNoPartialFile() throws Exception {
    byte[] zip = archive();
    server.drop("/ml-100k.zip", zip, zip.length / 3);
    Path root = tmp.resolve("data");

    assertThatThrownBy(() -> fetcher.fetch(pkg(server.url("/ml-100k.zip"), zip, zip.length), root, false))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("the connection dropped")
        .hasMessageContaining("run the command again");
    assertThat(rootEntries(root)).isEmpty();
    assertThat(DataFetcher.isPresent(pkg("http://x/y.zip", zip, -1), root)).isFalse();
  }

  @Test
  void fetch_droppedConnectionWithoutPinnedSize_refusesOnAnnouncedLength() throws Exception {
    byte[] zip = archive();
    server.drop("/ml-100k.zip", zip, zip.length - 7);
    Path root = tmp.resolve("data");

    assertThatThrownBy(() -> fetcher.fetch(pkg(server.url("/ml-100k.zip"), zip, -1), root, false))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("the connection dropped");
    assertThat(rootEntries(root)).isEmpty();
  }

  @Test
  void fetch_stalledConnection_isAbandonedAndKeepsNothing() throws Exception {
    byte[] zip = archive();
    server.stall("/ml-100k.zip", zip, zip.length / 2);
    Path root = tmp.resolve("data");
    // the server never sends the rest: whatever the machine's speed, the watchdog must end the read
    DataFetcher impatient = fetcher.withStallTimeout(java.time.Duration.ofMillis(300));

    assertThatThrownBy(() -> impatient.fetch(pkg(server.url("/ml-100k.zip"), zip, zip.length), root, false))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("the connection dropped");
    assertThat(rootEntries(root)).isEmpty();
  }

  @Test
  void fetch_internetHostUnderTheTestBuild_isRefusedAndKeepsNothing() throws Exception {
    byte[] zip = archive();
    Path root = tmp.resolve("data");

    assertThat(Boolean.getBoolean(DataFetcher.LOOPBACK_ONLY)).as("set by the surefire configuration").isTrue();
    assertThatThrownBy(() -> fetcher.fetch(pkg("https://files.grouplens.org/datasets/movielens/ml-100k.zip", zip,
        zip.length), root, false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("tests serve data from 127.0.0.1 only");
    assertThat(rootEntries(root)).isEmpty();
  }

  @Test
  void fetch_offline_saysWhatToDownloadAndWhere() throws Exception {
    byte[] zip = archive();
    String dead = LocalDataServer.deadUrl("/ml-100k.zip");
    Path root = tmp.resolve("data");

    assertThatThrownBy(() -> fetcher.fetch(pkg(dead, zip, zip.length), root, false))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("Cannot download ml-100k from " + dead)
        .hasMessageContaining("offline")
        .hasMessageContaining("unzip it and put its folder ml-100k/ at " + root.resolve("ml-100k").toAbsolutePath());
    assertThat(rootEntries(root)).isEmpty();
  }

  @Test
  void fetch_httpError_namesTheStatus() {
    byte[] zip = archive();
    server.status("/ml-100k.zip", 404);

    assertThatThrownBy(() -> fetcher.fetch(pkg(server.url("/ml-100k.zip"), zip, zip.length), tmp, false))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("answered HTTP 404");
  }

  @Test
  void fetch_sizeDiffersFromPin_refusesBeforeReading() throws Exception {
    byte[] zip = archive();
    server.serve("/ml-100k.zip", zip);
    Path root = tmp.resolve("data");

    assertThatThrownBy(() -> fetcher.fetch(pkg(server.url("/ml-100k.zip"), zip, zip.length + 1), root, false))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("announces " + zip.length + " bytes");
    assertThat(rootEntries(root)).isEmpty();
  }

  @Test
  void fetch_entryEscapingTheFolder_isRefused() throws Exception {
    Map<String, String> e = new LinkedHashMap<>();
    e.put("ml-100k/u.data", U_DATA);
    e.put("ml-100k/../../evil.txt", "x");
    byte[] zip = LocalDataServer.zip(e);
    server.serve("/ml-100k.zip", zip);
    Path root = tmp.resolve("data");

    assertThatThrownBy(() -> fetcher.fetch(pkg(server.url("/ml-100k.zip"), zip, zip.length), root, false))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("outside the data folder");
    assertThat(tmp.resolve("evil.txt")).doesNotExist();
    assertThat(rootEntries(root)).isEmpty();
  }

  @Test
  void fetch_archiveWithoutRequiredFile_isRefused() throws Exception {
    byte[] zip = LocalDataServer.zip(Map.of("ml-100k/u.data", U_DATA));
    server.serve("/ml-100k.zip", zip);
    Path root = tmp.resolve("data");

    assertThatThrownBy(() -> fetcher.fetch(pkg(server.url("/ml-100k.zip"), zip, zip.length), root, false))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("holds no u.user");
    assertThat(rootEntries(root)).isEmpty();
  }

  @Test
  void fetch_forceWithCorruptedDownload_keepsTheExistingCopy() throws Exception {
    byte[] zip = archive();
    server.serve("/ml-100k.zip", zip);
    Path root = tmp.resolve("data");
    DataPackage p = pkg(server.url("/ml-100k.zip"), zip, zip.length);
    fetcher.fetch(p, root, false);
    byte[] corrupt = zip.clone();
    corrupt[10] ^= 1;
    server.serve("/ml-100k.zip", corrupt);

    assertThatThrownBy(() -> fetcher.fetch(p, root, true)).isInstanceOf(UserException.class);

    assertThat(Files.readString(root.resolve("ml-100k/u.data"))).isEqualTo(U_DATA);
    assertThat(rootEntries(root)).containsExactly("ml-100k");
  }

  @Test
  void fetch_forceWithGoodDownload_replacesTheCopy() throws Exception {
    byte[] zip = archive();
    server.serve("/ml-100k.zip", zip);
    Path root = tmp.resolve("data");
    DataPackage p = pkg(server.url("/ml-100k.zip"), zip, zip.length);
    fetcher.fetch(p, root, false);
    Files.writeString(root.resolve("ml-100k/u.data"), "edited\n");

    fetcher.fetch(p, root, true);

    assertThat(Files.readString(root.resolve("ml-100k/u.data"))).isEqualTo(U_DATA);
    assertThat(server.requests("/ml-100k.zip")).isEqualTo(2);
  }

  @Test
  void fetch_leftoverStagingFolder_isRemovedAndIgnored() throws Exception {
    byte[] zip = archive();
    server.serve("/ml-100k.zip", zip);
    Path root = tmp.resolve("data");
    Fixtures.write(root.resolve(".fetch-ml-100k-killed"), "download-0", "half an archive");

    fetcher.fetch(pkg(server.url("/ml-100k.zip"), zip, zip.length), root, false);

    assertThat(rootEntries(root)).containsExactly("ml-100k");
  }

  @Test
  void fetch_plainFiles_placesEachAtItsTarget() throws Exception {
    byte[] men = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8);
    byte[] ctx = "item_id\n0\n".getBytes(StandardCharsets.UTF_8);
    server.serve("/obd/random/men/men.csv", men).serve("/obd/random/men/item_context.csv", ctx);
    DataPackage p = new DataPackage("obd-test", null, "obd", null, null, "Apache-2.0",
        List.of(Download.file(server.url("/obd/random/men/men.csv"), LocalDataServer.sha256(men), men.length,
                "random/men/men.csv"),
            Download.file(server.url("/obd/random/men/item_context.csv"), LocalDataServer.sha256(ctx), -1,
                "random/men/item_context.csv")),
        List.of("random/men/men.csv"), null);

    Path dir = fetcher.fetch(p, tmp, false);

    assertThat(dir.resolve("random/men/men.csv")).hasBinaryContent(men);
    assertThat(dir.resolve("random/men/item_context.csv")).hasBinaryContent(ctx);
    assertThat(log()).contains("men.csv (1/2)").contains("item_context.csv (2/2)");
  }

  @Test
  void locate_missingKnownFolder_fetchesIntoTowerlabData() throws Exception {
    byte[] zip = archive();
    server.serve("/ml-100k.zip", zip);
    Path catalog = Fixtures.write(tmp, "catalog.yaml", "ml-100k:\n  url: " + server.url("/ml-100k.zip") + "\n  sha256: "
        + LocalDataServer.sha256(zip) + "\n  size: " + zip.length + "\n");
    Path root = tmp.resolve("data");
    DataRoot where = DataRoot.of(Map.of("TOWERLAB_DATA", root.toString(), "TOWERLAB_DATA_CATALOG", catalog.toString(),
        "TOWERLAB_FETCH", "auto"));

    Path dir = where.locate(null, "ml-100k", fetcher);

    assertThat(dir).isEqualTo(root.resolve("ml-100k"));
    assertThat(Files.readString(dir.resolve("u.item"), StandardCharsets.ISO_8859_1)).isEqualTo(U_ITEM);
    assertThat(log()).contains("Data set ml-100k is not in " + dir.toAbsolutePath() + "; downloading it");
    // the catalog override kept the built-in licence
    assertThat(log()).contains("MovieLens usage licence");
  }

  @Test
  void locate_fetchNever_returnsTheMissingFolderWithoutDownloading() {
    Path root = tmp.resolve("data");
    DataRoot where = DataRoot.of(Map.of("TOWERLAB_DATA", root.toString(), "TOWERLAB_FETCH", "never"));

    assertThat(where.locate(null, "ml-100k", fetcher)).isEqualTo(root.resolve("ml-100k"));
    assertThat(root).doesNotExist();
  }

  @Test
  void locate_configuredPath_isUsedAsIs() {
    DataRoot where = DataRoot.of(Map.of("TOWERLAB_FETCH", "auto", "TOWERLAB_DATA", tmp.toString()));

    assertThat(where.locate(tmp.resolve("mine").toString(), "ml-100k", fetcher)).isEqualTo(tmp.resolve("mine"));
    assertThat(server.requests("/ml-100k.zip")).isZero();
  }
}

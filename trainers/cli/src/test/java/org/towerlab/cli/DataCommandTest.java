package org.towerlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.modules.datasets.DataRoot;

/** {@code towerlab data list} and {@code towerlab data fetch} against a data host on 127.0.0.1. */
class DataCommandTest {
  @TempDir Path tmp;
  private FetchServer server;
  private byte[] archive;

  @BeforeEach
  void start() {
    server = new FetchServer();
    archive = FetchServer.zipFolder(DataFixtures.ml100k(tmp.resolve("src")), "ml-100k");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Map<String, String> env(byte[] pinned, String url) {
    Path catalog = FetchServer.catalog(tmp.resolve("catalog.yaml"), "ml-100k", url, pinned);
    return Map.of("TOWERLAB_DATA", tmp.resolve("data").toString(), "TOWERLAB_DATA_CATALOG", catalog.toString());
  }

  @Test
  void fetch_servedArchive_verifiesUnpacksPrintsLicenceAndListShowsIt() throws Exception {
    server.serve("/ml-100k.zip", archive);
    Map<String, String> env = env(archive, server.url("/ml-100k.zip"));

    Cli.Result r = Cli.run(env, "data", "fetch", "ml-100k");
    Cli.Result again = Cli.run(env, "data", "fetch", "ml-100k");
    Cli.Result list = Cli.run(env, "data", "list");

    Path dir = tmp.resolve("data/ml-100k");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("ml-100k: downloaded and verified into " + dir.toAbsolutePath());
    assertThat(r.err()).contains("100%").contains("Licence terms of ml-100k: MovieLens usage licence");
    assertThat(dir.resolve("u.data")).hasSameBinaryContentAs(tmp.resolve("src/u.data"));
    assertThat(again.out()).as(again.toString()).contains("ml-100k: already at " + dir.toAbsolutePath());
    assertThat(list.code()).isZero();
    assertThat(list.out()).contains("Data root: " + tmp.resolve("data").toAbsolutePath() + " (TOWERLAB_DATA)")
        .contains("status:  downloaded to " + dir.toAbsolutePath()).contains("SHA-256 verified")
        .contains("sha256:  " + FetchServer.sha256(archive) + "  " + server.url("/ml-100k.zip"))
        .contains("ml-1m  MovieLens 1M").contains("status:  not on this machine")
        .contains("a6898adb50b9ca05aa231689da44c217cb524e7ebd39d264c56e2832f2c54e20");
  }

  @Test
  void fetch_corruptedArchive_exitTwoOneParagraphNothingKept() {
    byte[] corrupt = archive.clone();
    corrupt[corrupt.length / 2] ^= 0x21;
    server.serve("/ml-100k.zip", corrupt);

    Cli.Result r = Cli.run(env(archive, server.url("/ml-100k.zip")), "data", "fetch", "ml-100k");

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("has SHA-256 " + FetchServer.sha256(corrupt))
        .contains("pinned to " + FetchServer.sha256(archive)).contains("nothing was kept")
        .contains("To install ml-100k by hand: download " + server.url("/ml-100k.zip"))
        .contains(tmp.resolve("data/ml-100k/u.data").toAbsolutePath().toString())
        .doesNotContain("\tat ");
    assertThat(r.err().lines().filter(l -> l.contains("SHA-256"))).hasSize(1);
    assertThat(tmp.resolve("data/ml-100k")).doesNotExist();
  }

  @Test
  void fetch_droppedConnection_exitTwoNothingKept() throws Exception {
    server.drop("/ml-100k.zip", archive, archive.length / 2);

    Cli.Result r = Cli.run(env(archive, server.url("/ml-100k.zip")), "data", "fetch", "ml-100k");

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("the connection dropped").contains("run the command again");
    try (var s = Files.list(tmp.resolve("data"))) {
      assertThat(s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".lock"))).isEmpty();
    }
  }

  @Test
  void fetch_offline_exitTwoSaysWhatToDownloadAndWhere() throws Exception {
    String dead;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      dead = "http://127.0.0.1:" + s.getLocalPort() + "/ml-100k.zip";
    }

    Cli.Result r = Cli.run(env(archive, dead), "data", "fetch", "ml-100k");

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("Cannot download ml-100k from " + dead).contains("offline")
        .contains("unzip it and put its folder ml-100k/ at " + tmp.resolve("data/ml-100k").toAbsolutePath())
        .contains("TOWERLAB_DATA");
  }

  @Test
  void fetch_unknownName_exitTwoWithSuggestion() {
    Cli.Result r = Cli.run(Map.of(), "data", "fetch", "ml-100");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Unknown data set 'ml-100'").contains("Did you mean 'ml-100k'?");
  }

  @Test
  void fetch_sharedCopyPresent_downloadsNothing() {
    // surefire points towerlab.repo.root at the checkout; a clone without ../shared/data/ml-100k skips this check
    Path shared = DataRoot.of(Map.of()).sharedRoot();
    assumeTrue(shared != null && Files.isRegularFile(shared.resolve("ml-100k/u.data")),
        "no shared ml-100k beside the checkout");
    Cli.Result r = Cli.run(Map.of(), "data", "fetch", "ml-100k");

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("ml-100k: already at ").contains("(shared copy); nothing downloaded");
  }
}

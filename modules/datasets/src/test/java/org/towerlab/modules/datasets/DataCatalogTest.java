package org.towerlab.modules.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.UserException;
import org.towerlab.modules.datasets.DataPackage.Download;

class DataCatalogTest {
  @TempDir Path tmp;

  @Test
  void builtin_listsEveryLoaderWithAPublicUrl() {
    assertThat(DataCatalog.builtin().names()).containsExactly("coat", "ml-100k", "ml-10m", "ml-1m", "ml-20m",
        "ml-25m", "ml-latest-small", "open-bandit-small");
  }

  @Test
  void builtin_ml100k_isPinnedToThePublishedArchive() {
    DataPackage p = DataCatalog.builtin().find("ml-100k").orElseThrow();

    Download d = p.downloads().get(0);
    assertThat(d.url()).isEqualTo("https://files.grouplens.org/datasets/movielens/ml-100k.zip");
    assertThat(d.sha256()).isEqualTo("50d2a982c66986937beb9ffb3aa76efe955bf3d5c6b761f4e3a7cd717c6a3229");
    assertThat(d.size()).isEqualTo(4_924_029L);
    assertThat(d.archiveRoot()).isEqualTo("ml-100k");
    assertThat(p.licence()).contains("Harper").contains("redistribute");
  }

  @Test
  void builtin_everyPackage_hasHttpsDownloadsLicenceAndProvenance() {
    for (DataPackage p : DataCatalog.builtin().all()) {
      assertThat(p.licence()).as(p.name()).isNotBlank();
      assertThat(p.provenance()).as(p.name()).isNotBlank();
      assertThat(p.downloads()).as(p.name()).allSatisfy(d -> assertThat(d.url()).startsWith("https://"));
    }
  }

  @Test
  void byFolder_releaseFolders_findTheirPackages() {
    DataCatalog c = DataCatalog.builtin();

    assertThat(c.byFolder("ml-10m").orElseThrow().downloads().get(0).archiveRoot()).isEqualTo("ml-10M100K");
    assertThat(c.byFolder("open-bandit-small").orElseThrow().downloads()).hasSize(13);
    assertThat(c.byFolder("nowhere")).isEmpty();
  }

  @Test
  void withOverrides_urlOnly_keepsTheBuiltinRootAndLicence() {
    Path f = Fixtures.write(tmp, "c.yaml", "ml-1m:\n  url: http://127.0.0.1:1/ml-1m.zip\n  sha256: " + "ab".repeat(32)
        + "\n");

    DataPackage p = DataCatalog.withOverrides(f).find("ml-1m").orElseThrow();

    assertThat(p.downloads().get(0).url()).isEqualTo("http://127.0.0.1:1/ml-1m.zip");
    assertThat(p.downloads().get(0).archiveRoot()).isEqualTo("ml-1m");
    assertThat(p.downloads().get(0).size()).isEqualTo(-1);
    assertThat(p.licence()).contains("MovieLens");
    assertThat(p.provenance()).startsWith("catalog file");
  }

  @Test
  void withOverrides_newEntry_isAdded() {
    Path f = Fixtures.write(tmp, "c.yaml", "my-data:\n  folder: mine\n  required-files: [a.csv]\n  downloads:\n"
        + "    - {url: 'https://example.org/a.csv', sha256: '" + "0".repeat(64) + "', target: a.csv}\n");

    DataPackage p = DataCatalog.withOverrides(f).find("my-data").orElseThrow();

    assertThat(p.folder()).isEqualTo("mine");
    assertThat(p.downloads().get(0).target()).isEqualTo("a.csv");
  }

  @Test
  void withOverrides_badEntries_areUserErrorsNamingTheFile() {
    Path unknownKey = Fixtures.write(tmp, "a.yaml", "ml-1m:\n  urll: x\n");
    Path badSha = Fixtures.write(tmp, "b.yaml", "ml-1m:\n  url: https://x/y.zip\n  sha256: abc\n");
    Path noUrl = Fixtures.write(tmp, "c.yaml", "new-one:\n  folder: x\n  required-files: [a]\n");

    assertThatThrownBy(() -> DataCatalog.withOverrides(unknownKey)).isInstanceOf(UserException.class)
        .hasMessageContaining("unknown key 'urll'").hasMessageContaining(unknownKey.toString());
    assertThatThrownBy(() -> DataCatalog.withOverrides(badSha)).isInstanceOf(UserException.class)
        .hasMessageContaining("must be 64 hex digits, got 'abc'");
    assertThatThrownBy(() -> DataCatalog.withOverrides(noUrl)).isInstanceOf(UserException.class)
        .hasMessageContaining("needs 'url' and 'sha256'");
    assertThatThrownBy(() -> DataCatalog.withOverrides(tmp.resolve("missing.yaml"))).isInstanceOf(UserException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void download_targetEscapingTheFolder_isRejected() {
    assertThatThrownBy(() -> Download.file("https://x/a", "0".repeat(64), 1, "../a"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("relative path");
  }
}

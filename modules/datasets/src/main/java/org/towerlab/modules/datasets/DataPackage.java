package org.towerlab.modules.datasets;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A public data set TowerLab can download itself: where each file comes from, its pinned SHA-256,
 * the folder it becomes under the data root, and its licence terms.
 *
 * <p>A package is present when {@code <data root>/<folder>} holds every file of
 * {@link #requiredFiles()}. {@link DataFetcher} downloads every {@link Download} into a staging
 * folder beside the target, checks its size and SHA-256, unpacks it, and only then renames the
 * staging folder to {@code <folder>}: a partial or corrupted download never becomes a data set.
 *
 * @param name the name used by {@code towerlab data fetch NAME} (kebab-case)
 * @param title a human-readable title
 * @param folder the folder under the data root that a loader reads by default
 * @param loader how a config reads it, for example {@code ml-1m} or {@code ml-1m, release: ml-10m}
 * @param homepage the page that describes the data set and its terms
 * @param licence the licence terms, printed after every download
 * @param downloads the files to download, at least one
 * @param requiredFiles paths (relative to the folder) that must exist after unpacking; at least one
 * @param provenance where the pinned checksums come from
 */
public record DataPackage(String name, String title, String folder, String loader, String homepage,
    String licence, List<Download> downloads, List<String> requiredFiles, String provenance) {

  private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  public DataPackage {
    require(name != null && NAME.matcher(name).matches(), "name must be kebab-case, got '" + name + "'");
    require(folder != null && !folder.isBlank() && !folder.contains("..") && !folder.startsWith("/"),
        "folder of '" + name + "' must be a relative folder name, got '" + folder + "'");
    title = title == null ? name : title;
    loader = loader == null ? name : loader;
    homepage = homepage == null ? "" : homepage;
    licence = licence == null ? "" : licence;
    provenance = provenance == null ? "" : provenance;
    require(downloads != null && !downloads.isEmpty(), "data set '" + name + "' needs at least one download");
    downloads = List.copyOf(downloads);
    require(requiredFiles != null && !requiredFiles.isEmpty(),
        "data set '" + name + "' needs at least one required file");
    requiredFiles = List.copyOf(requiredFiles);
    for (String f : requiredFiles) {
      require(safeRelative(f), "required file of '" + name + "' must be a relative path, got '" + f + "'");
    }
  }

  /** Total bytes to download, or -1 when a size is unknown. */
  public long totalBytes() {
    long total = 0;
    for (Download d : downloads) {
      if (d.size() < 0) {
        return -1;
      }
      total += d.size();
    }
    return total;
  }

  /**
   * One file to download.
   *
   * @param url where it is served (http or https)
   * @param sha256 its pinned SHA-256, 64 lowercase hex digits
   * @param size its length in bytes, or -1 when unknown
   * @param archiveRoot for a zip archive: the folder inside the archive that becomes the data
   *     set's folder ({@code ""} = the archive's top level); {@code null} for a plain file
   * @param target for a plain file: its path inside the data set's folder; {@code null} for an
   *     archive
   */
  public record Download(String url, String sha256, long size, String archiveRoot, String target) {
    public Download {
      require(url != null && (url.startsWith("https://") || url.startsWith("http://")),
          "download url must be an http:// or https:// URL, got '" + url + "'");
      sha256 = sha256 == null ? null : sha256.toLowerCase(Locale.ROOT);
      require(sha256 != null && SHA256.matcher(sha256).matches(),
          "sha256 of " + url + " must be 64 hex digits, got '" + sha256 + "'");
      require(size >= -1, "size of " + url + " must be -1 (unknown) or a byte count, got " + size);
      require((archiveRoot == null) != (target == null),
          "a download is either an archive (archive-root) or a file (target): " + url);
      require(archiveRoot == null || archiveRoot.isEmpty() || safeRelative(archiveRoot),
          "archive-root of " + url + " must be a relative folder, got '" + archiveRoot + "'");
      require(target == null || safeRelative(target), "target of " + url + " must be a relative path, got '"
          + target + "'");
    }

    /** A zip archive whose folder {@code root} becomes the data set's folder. */
    public static Download zip(String url, String sha256, long size, String root) {
      return new Download(url, sha256, size, root, null);
    }

    /** A plain file stored at {@code target} inside the data set's folder. */
    public static Download file(String url, String sha256, long size, String target) {
      return new Download(url, sha256, size, null, target);
    }

    public boolean isArchive() {
      return archiveRoot != null;
    }

    /** The last segment of the URL's path, for messages and progress lines. */
    public String fileName() {
      String path = url.replaceFirst("[?#].*$", "");
      return path.substring(path.lastIndexOf('/') + 1);
    }
  }

  static boolean safeRelative(String p) {
    if (p == null || p.isBlank() || p.startsWith("/") || p.startsWith("\\") || p.contains(":")) {
      return false;
    }
    for (String part : p.split("[/\\\\]")) {
      if (part.equals("..")) {
        return false;
      }
    }
    return true;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}

package org.towerlab.tracking.local;

/**
 * An artifact of a run: {@code path} is the file relative to the run directory, {@code dir} the
 * artifact directory it is logged under ("" for the root). Its tracker name is
 * {@code dir/<file name>}.
 */
public record ArtifactEntry(String path, String dir) {
  public ArtifactEntry {
    dir = dir == null ? "" : dir;
  }

  /** The artifact path in a tracker: {@code dir/<file name>}, or the file name at the root. */
  public String artifactPath() {
    String name = path.substring(path.lastIndexOf('/') + 1);
    return dir.isEmpty() ? name : dir + "/" + name;
  }
}

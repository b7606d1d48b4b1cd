package org.towerlab.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.towerlab.api.UserException;
import org.towerlab.modules.datasets.DataCatalog;
import org.towerlab.modules.datasets.DataFetcher;
import org.towerlab.modules.datasets.DataPackage;
import org.towerlab.modules.datasets.DataRoot;
import org.towerlab.registry.Suggestions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code towerlab data list} and {@code towerlab data fetch NAME}: the public data sets TowerLab
 * downloads itself (see {@link DataCatalog} for where every pinned checksum comes from, and
 * {@link DataRoot} for where data sets are looked for and written).
 */
@Command(name = "data", mixinStandardHelpOptions = true, versionProvider = Towerlab.Version.class,
    description = {"Public data sets: list what is known and where it is, download and verify one.",
        "Data root: TOWERLAB_DATA, else ../shared/data beside the repository when present, else",
        "~/.cache/towerlab/data. Configs download a missing data set on first use (TOWERLAB_FETCH=never turns",
        "this off)."},
    subcommands = {DataCommand.ListCommand.class, DataCommand.FetchCommand.class, DataSplitCommand.class})
final class DataCommand implements Callable<Integer> {
  @ParentCommand Towerlab parent;
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** No subcommand: print the usage and fail. */
  @Override
  public Integer call() {
    spec.commandLine().usage(parent.err());
    return Towerlab.USER_ERROR;
  }

  DataRoot where() {
    return DataRoot.of(parent.env());
  }

  @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Towerlab.Version.class,
      description = "List the data sets TowerLab can download: where each one is on this machine, its size, URL and"
          + " pinned SHA-256.")
  static final class ListCommand implements Callable<Integer> {
    @ParentCommand DataCommand data;

    @Option(names = "--files", description = "List every file of multi-file data sets (Open Bandit) too.")
    boolean files;

    @Override
    public Integer call() {
      DataRoot where = data.where();
      PrintStream out = data.parent.out();
      Path configured = where.configuredRoot();
      Path shared = configured == null ? where.sharedRoot() : null;
      out.println("Data root: " + (configured != null ? configured.toAbsolutePath() + " (" + DataRoot.ENV + ")"
          : (shared != null ? shared + " (shared copy), then " : "") + where.cacheRoot() + " (cache)"));
      out.println("Download with: towerlab data fetch NAME");
      for (DataPackage p : where.catalog().all()) {
        out.println();
        long bytes = p.totalBytes();
        out.println(p.name() + "  " + p.title() + (bytes >= 0 ? String.format(Locale.ROOT, "  (%.1f MB)", bytes / 1e6)
            : "") + "  config: data: {type: " + p.loader().replaceFirst(" \\((.*)\\)$", ", $1") + "}");
        out.println("  status:  " + status(where, p));
        if (p.downloads().size() == 1 || files) {
          for (DataPackage.Download d : p.downloads()) {
            out.println("  sha256:  " + d.sha256() + "  " + d.url());
          }
        } else {
          out.println("  files:   " + p.downloads().size() + " (each pinned by SHA-256; --files lists them)");
        }
        out.println("  pinned:  " + p.provenance());
      }
      return 0;
    }

    private static String status(DataRoot where, DataPackage p) {
      List<Path> roots = new ArrayList<>();
      if (where.configuredRoot() != null) {
        roots.add(where.configuredRoot());
      } else {
        if (where.sharedRoot() != null) {
          roots.add(where.sharedRoot());
        }
        roots.add(where.cacheRoot());
      }
      for (Path root : roots) {
        Path dir = root.resolve(p.folder());
        if (DataFetcher.isPresent(p, root)) {
          Path marker = dir.resolve(DataFetcher.MARKER);
          if (Files.isRegularFile(marker)) {
            return "downloaded to " + dir.toAbsolutePath() + fetchedOn(marker) + ", SHA-256 verified";
          }
          return "present at " + dir.toAbsolutePath() + " (copied by hand: not verified by towerlab)";
        }
        if (Files.exists(dir)) {
          return "incomplete at " + dir.toAbsolutePath() + " (missing " + missing(p, dir) + ")";
        }
      }
      return "not on this machine";
    }

    private static String fetchedOn(Path marker) {
      try {
        Matcher m = Pattern.compile("\"fetched\": \"([^\"T]+)").matcher(Files.readString(marker));
        return m.find() ? " on " + m.group(1) : "";
      } catch (IOException e) {
        return "";
      }
    }

    private static String missing(DataPackage p, Path dir) {
      return p.requiredFiles().stream().filter(f -> !Files.isRegularFile(dir.resolve(f))).findFirst().orElse("?");
    }
  }

  @Command(name = "fetch", mixinStandardHelpOptions = true, versionProvider = Towerlab.Version.class,
      description = {"Download data sets from their official URLs, check the pinned SHA-256, unpack them into the",
          "data root (TOWERLAB_DATA, else ~/.cache/towerlab/data) and print their licence terms.",
          "A data set already present is not downloaded again (--force replaces it once the new copy verified).",
          "Offline, a bad checksum or a dropped connection: exit 2 with what to download and where to put it."})
  static final class FetchCommand implements Callable<Integer> {
    @ParentCommand DataCommand data;

    @Parameters(arity = "1..*", paramLabel = "NAME", description = "Data sets to download (see 'towerlab data list').")
    List<String> names = new ArrayList<>();

    @Option(names = "--force", description = "Download again and replace the existing copy.")
    boolean force;

    @Override
    public Integer call() {
      DataRoot where = data.where();
      DataCatalog catalog = where.catalog();
      List<DataPackage> packages = new ArrayList<>();
      for (String name : names) {
        packages.add(catalog.find(name).orElseThrow(() -> new UserException("Unknown data set '" + name
            + "' in 'towerlab data fetch'. Known: " + catalog.names() + "."
            + Suggestions.closest(name, catalog.names()).map(s -> " Did you mean '" + s + "'?").orElse(""))));
      }
      PrintStream out = data.parent.out();
      DataFetcher fetcher = new DataFetcher(data.parent.err(), System.console() != null);
      for (DataPackage p : packages) {
        Path shared = where.configuredRoot() == null ? where.sharedRoot() : null;
        if (!force && shared != null && DataFetcher.isPresent(p, shared)) {
          out.println(p.name() + ": already at " + shared.resolve(p.folder()) + " (shared copy); nothing downloaded."
              + " --force downloads a verified copy into " + where.fetchRoot().resolve(p.folder()) + ".");
          continue;
        }
        Path root = where.fetchRoot();
        boolean present = DataFetcher.isPresent(p, root);
        Path dir = fetcher.fetch(p, root, force);
        out.println(p.name() + ": " + (present && !force ? "already at " : "downloaded and verified into ")
            + dir.toAbsolutePath());
      }
      return 0;
    }
  }
}

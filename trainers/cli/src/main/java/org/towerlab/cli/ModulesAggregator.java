package org.towerlab.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The generated module list of {@code modules/pom.xml}: one {@code <module>} per folder
 * {@code modules/<x>} that holds a {@code pom.xml}, sorted. Maven 3 cannot glob modules, so the
 * aggregator's list is rewritten from the folders: by {@code scripts/sync-modules.sh} (which
 * {@code ./towerlab} runs before every build) and by {@link #sync} (which
 * {@code towerlab new-module --in-tree} calls). Both produce the same text; ModulesAggregatorTest
 * checks that the committed file is current and that the two agree.
 */
final class ModulesAggregator {
  private static final Pattern BLOCK = Pattern.compile("(?s)(<modules>\\n).*?(\\s*</modules>)");

  private ModulesAggregator() {}

  /** The module folders of {@code checkout/modules}, sorted. */
  static List<String> folders(Path checkout) throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(checkout.resolve("modules"), Files::isDirectory)) {
      for (Path d : ds) {
        if (Files.isRegularFile(d.resolve("pom.xml"))) {
          names.add(d.getFileName().toString());
        }
      }
    }
    names.sort(null);
    return names;
  }

  /** {@code modules/pom.xml} with its module list generated from the folders. */
  static String expected(Path checkout) throws IOException {
    String pom = Files.readString(checkout.resolve("modules/pom.xml"), StandardCharsets.UTF_8);
    StringBuilder list = new StringBuilder();
    for (String name : folders(checkout)) {
      list.append("    <module>").append(name).append("</module>\n");
    }
    Matcher m = BLOCK.matcher(pom);
    if (!m.find()) {
      throw new IllegalStateException(checkout.resolve("modules/pom.xml") + " has no <modules> block");
    }
    String closing = m.group(2).replaceFirst("^\\s*", "  ");
    return pom.substring(0, m.start()) + m.group(1) + list + closing + pom.substring(m.end());
  }

  /** Rewrites {@code modules/pom.xml} when its list is stale; returns whether it changed. */
  static boolean sync(Path checkout) throws IOException {
    Path pom = checkout.resolve("modules/pom.xml");
    String now = Files.readString(pom, StandardCharsets.UTF_8);
    String want = expected(checkout);
    if (now.equals(want)) {
      return false;
    }
    Files.writeString(pom, want, StandardCharsets.UTF_8);
    return true;
  }
}

package org.towerlab.cli;

import java.io.PrintStream;
import java.util.List;
import org.towerlab.api.Kind;
import org.towerlab.registry.ComponentDescriber;
import org.towerlab.registry.ComponentDescriber.Description;
import org.towerlab.registry.ComponentDescriber.Field;
import org.towerlab.registry.Registration;
import org.towerlab.registry.Registry;

/** Prints {@code towerlab components}: components grouped by kind, with their config keys. */
final class ComponentsTable {
  private ComponentsTable() {}

  static void print(PrintStream out, ComponentDescriber describer, Registry registry, List<Kind> kinds) {
    boolean first = true;
    for (Kind kind : kinds) {
      List<Registration> regs = registry.byKind(kind);
      if (!first) {
        out.println();
      }
      first = false;
      out.println(kind.label() + " (" + regs.size() + ")");
      if (regs.isEmpty()) {
        out.println("  (none registered)");
        continue;
      }
      int width = regs.stream().mapToInt(r -> r.name().length()).max().orElse(0);
      for (Registration r : regs) {
        Description d = describer.describe(r);
        out.println("  " + pad(d.name(), width) + "  " + (d.description() == null ? "" : d.description()));
        String indent = "  " + " ".repeat(width) + "  ";
        out.println(indent + "module: " + shortModule(d.module()));
        if (d.fields().isEmpty()) {
          out.println(indent + "(no config keys)");
        }
        int keyWidth = d.fields().stream().mapToInt(f -> f.key().length()).max().orElse(0);
        int typeWidth = d.fields().stream().mapToInt(f -> f.type().length()).max().orElse(0);
        for (Field f : d.fields()) {
          String value = f.required() ? "(required)" : f.defaultValue() == null ? "= ?" : "= " + f.defaultValue();
          out.println(indent + pad(f.key(), keyWidth) + "  " + pad(f.type(), typeWidth) + "  " + value);
        }
      }
    }
  }

  private static String shortModule(String module) {
    return module.startsWith("org.towerlab.") ? module.substring("org.towerlab.".length()) : module;
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(Math.max(0, width - s.length()));
  }
}

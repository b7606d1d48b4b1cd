package org.towerlab.registry.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** The line of each JSON path ({@code $.model.query-tower.dims}, {@code $.evaluators[0]}) in a config file. */
final class LineIndex {
  private final Map<String, Integer> lines;

  private LineIndex(Map<String, Integer> lines) {
    this.lines = lines;
  }

  static LineIndex of(ObjectMapper mapper, String text) {
    Map<String, Integer> lines = new HashMap<>();
    try (JsonParser p = mapper.getFactory().createParser(text)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        int line = p.currentTokenLocation().getLineNr();
        JsonStreamContext ctx = p.getParsingContext();
        if (t == JsonToken.FIELD_NAME) {
          lines.putIfAbsent(path(ctx), line);
        } else if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          if (ctx.getParent() != null && ctx.getParent().inArray()) {
            lines.putIfAbsent(path(ctx.getParent()), line);
          }
        } else if (t.isScalarValue() && ctx.inArray()) {
          lines.putIfAbsent(path(ctx), line);
        }
      }
    } catch (IOException | RuntimeException e) {
      // The tree parsed already; an index that cannot be built only costs the line numbers.
    }
    return new LineIndex(lines);
  }

  /** The line of {@code path}, or of its closest ancestor present in the file; -1 if none. */
  int lineOf(String path) {
    String p = path;
    while (p.length() > 1) {
      Integer line = lines.get(p);
      if (line != null) {
        return line;
      }
      int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      if (cut <= 0) {
        break;
      }
      p = p.substring(0, cut);
    }
    return -1;
  }

  private static String path(JsonStreamContext ctx) {
    StringBuilder sb = new StringBuilder();
    for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inObject()) {
        sb.insert(0, "." + c.getCurrentName());
      } else if (c.inArray()) {
        sb.insert(0, "[" + Math.max(0, c.getCurrentIndex()) + "]");
      }
    }
    return "$" + sb;
  }
}

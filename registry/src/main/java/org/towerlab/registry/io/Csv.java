package org.towerlab.registry.io;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * CSV as TowerLab reads and writes it, through jackson-dataformat-csv: RFC 4180 quoting (a field is
 * quoted only when it holds the separator, a quote or a line break; a quote inside is doubled),
 * {@code \n} line ends, no header magic: rows are string arrays, the header is the first row.
 * Every CSV file a run writes (leaderboard, summary, per-query values, split) goes through
 * {@link #writer}; every quoted CSV TowerLab reads goes through {@link #rows} or {@link #line}.
 */
public final class Csv {
  private Csv() {}

  private static CsvSchema schema(char separator) {
    return CsvSchema.emptySchema().withColumnSeparator(separator).withLineSeparator("\n").withQuoteChar('"')
        .withoutEscapeChar();
  }

  private static ObjectReader reader(char separator) {
    return Mappers.CSV.readerFor(String[].class).with(schema(separator)).with(CsvParser.Feature.WRAP_AS_ARRAY);
  }

  /** Writes rows of strings (numbers formatted by the caller) to {@code out}; close it to flush. */
  public static Rows writer(Writer out) {
    try {
      return new Rows(Mappers.CSV.writerFor(String[].class).with(schema(',')).writeValues(out));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Rows of strings as CSV text. */
  public static String toString(List<String[]> rows) {
    StringWriter w = new StringWriter();
    try (Rows out = writer(w)) {
      for (String[] r : rows) {
        out.row(r);
      }
    }
    return w.toString();
  }

  /** The rows of {@code in} one at a time (header first), for files too large to hold as rows; close it. */
  public static MappingIterator<String[]> iterate(Reader in, char separator) throws IOException {
    return reader(separator).readValues(in);
  }

  /** Every row of {@code in} (header included). */
  public static List<String[]> rows(Reader in, char separator) throws IOException {
    List<String[]> out = new ArrayList<>();
    try (MappingIterator<String[]> it = reader(separator).readValues(in)) {
      while (it.hasNextValue()) {
        out.add(it.nextValue());
      }
    }
    return out;
  }

  /** Every row of a CSV text (header included). */
  public static List<String[]> rows(String text) {
    try {
      return rows(new java.io.StringReader(text), ',');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The fields of one line (no line break in it). A line without a quote is split at the separator
   * directly, which is what the CSV rules give for it; a line with quotes goes to the parser.
   */
  public static String[] line(String line, char separator) {
    if (line.indexOf('"') < 0) {
      return split(line, separator);
    }
    try (MappingIterator<String[]> it = reader(separator).readValues(line)) {
      return it.hasNextValue() ? it.nextValue() : new String[] {""};
    } catch (IOException e) {
      throw new IllegalArgumentException("not a CSV line: " + e.getMessage(), e);
    }
  }

  private static String[] split(String line, char separator) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (true) {
      int next = line.indexOf(separator, i);
      if (next < 0) {
        out.add(line.substring(i));
        return out.toArray(new String[0]);
      }
      out.add(line.substring(i, next));
      i = next + 1;
    }
  }

  /** A CSV writer of string rows. */
  public static final class Rows implements AutoCloseable {
    private final SequenceWriter out;

    private Rows(SequenceWriter out) {
      this.out = out;
    }

    public Rows row(String... fields) {
      try {
        out.write(fields);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    public Rows row(List<String> fields) {
      return row(fields.toArray(new String[0]));
    }

    @Override
    public void close() {
      try {
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}

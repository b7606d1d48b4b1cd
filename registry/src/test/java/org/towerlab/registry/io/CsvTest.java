package org.towerlab.registry.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {

  @Test
  void toString_fieldsNeedingQuotes_areQuotedOnlyThen() {
    String text = Csv.toString(List.of(new String[] {"run", "recall@20"},
        new String[] {"quickstart[model=two-tower,seed=1]", "0.3637"},
        new String[] {"say \"hi\"", ""}));
    assertThat(text).isEqualTo("run,recall@20\n\"quickstart[model=two-tower,seed=1]\",0.3637\n\"say \"\"hi\"\"\",\n");
  }

  @Test
  void rows_writtenText_readsBackTheSameFields() {
    List<String[]> rows = List.of(new String[] {"a,b", "x\"y", "", "plain"}, new String[] {"1", "2", "3", "4"});
    assertThat(Csv.rows(Csv.toString(rows))).containsExactlyElementsOf(rows);
  }

  @Test
  void line_quotedAndPlainFields_splitAsCsv() {
    assertThat(Csv.line("1,\"Toy Story (1995)\",Animation|Comedy", ',')).containsExactly("1", "Toy Story (1995)",
        "Animation|Comedy");
    assertThat(Csv.line("11,\"American President, The (1995)\",Comedy", ',')).containsExactly("11",
        "American President, The (1995)", "Comedy");
    assertThat(Csv.line("a\t\"b\"\"c\"\t", '\t')).containsExactly("a", "b\"c", "");
    assertThat(Csv.line("a,,b,", ',')).containsExactly("a", "", "b", "");
    assertThat(Csv.line("", ',')).containsExactly("");
  }
}

package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.towerlab.api.train.TrainResult;
import org.towerlab.trainers.ExperimentRunner.RunOutcome;

class LeaderboardTest {

  private static RunOutcome outcome(String name, double r10, double r50, double r20) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("test/recall@50", r50);
    m.put("test/recall@10", r10);
    m.put("test/recall@20", r20);
    m.put("valid/recall@20", 0.9);
    m.put("train/best-epoch", 3.0);
    return new RunOutcome(name, name + "-id", Path.of(name), m, new TrainResult(3, 3, 0.9, Map.of()));
  }

  @Test
  void csv_columnsOrderedByCutOffNumericallyAndOnlyTestMetrics() {
    Leaderboard board = Leaderboard.of(List.of(outcome("a", 0.1, 0.5, 0.2), outcome("b \"x\"", 0.15, 0.55, 0.25),
        outcome("g[variant=dat,seed=1]", 0.1, 0.5, 0.2)));
    List<String> lines = board.csv().lines().toList();

    // RFC 4180 through the CSV library: a field is quoted only when it holds a comma, a quote or a line break
    assertThat(lines.get(0)).isEqualTo("run,run_id,test/recall@10,test/recall@20,test/recall@50,train/best-epoch");
    assertThat(lines.get(1)).isEqualTo("a,a-id,0.1000,0.2000,0.5000,3");
    assertThat(lines.get(2)).startsWith("\"b \"\"x\"\"\",\"b \"\"x\"\"-id\",");
    assertThat(lines.get(3)).startsWith("\"g[variant=dat,seed=1]\",\"g[variant=dat,seed=1]-id\",0.1000");
    assertThat(org.towerlab.registry.io.Csv.rows(board.csv()).get(3)[0]).isEqualTo("g[variant=dat,seed=1]");
    assertThat(lines).hasSize(4);
  }

  @Test
  void markdown_oneRowPerRunMissingValuesBlank() {
    RunOutcome partial = new RunOutcome("p|q", "id", Path.of("p"), Map.of("test/recall@10", Double.NaN),
        new TrainResult(0, 0, Double.NaN, Map.of()));
    String md = Leaderboard.of(List.of(outcome("a", 0.1, 0.5, 0.2), partial)).markdown();

    assertThat(md.lines().toList()).hasSize(4);
    assertThat(md).startsWith("| run | recall@10 | recall@20 | recall@50 | best-epoch |");
    assertThat(md).contains("| p/q |  |  |  |  |");
  }
}

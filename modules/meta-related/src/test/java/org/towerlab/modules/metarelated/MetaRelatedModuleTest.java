package org.towerlab.modules.metarelated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.towerlab.api.Kind;
import org.towerlab.api.config.ComponentConfig;
import org.towerlab.api.data.DataSource;
import org.towerlab.api.eval.Evaluator;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.model.Tower;
import org.towerlab.api.random.Seeds;
import org.towerlab.modules.baseline.BaselineModule;
import org.towerlab.modules.datasets.DatasetsModule;
import org.towerlab.registry.Registry;

class MetaRelatedModuleTest {
  private final Registry registry = Registry.of(new MetaRelatedModule(), new BaselineModule(), new DatasetsModule());

  @Test
  void registry_everyComponent_underItsKind() {
    assertThat(registry.names(Kind.DATA)).contains("co-engagement");
    assertThat(registry.names(Kind.PROTOCOL)).contains("related-temporal");
    assertThat(registry.names(Kind.LOSS)).contains("popularity-ipw", "meta-multitask");
    assertThat(registry.names(Kind.TOWER)).contains("task-heads");
    assertThat(registry.names(Kind.INTERACTION)).contains("task-heads");
    assertThat(registry.names(Kind.EVALUATOR)).contains("semantic");
  }

  @Test
  void registry_nestedSections_boundAndBuiltThroughTheRegistry() throws Exception {
    ComponentConfig.Data data = registry.mapper().readValue("""
        {type: co-engagement, source: {type: ml-100k, title-tokens: 3}, min-engagement: 4,
         relevance: {terms: [{kind: jaccard, field: genres, weight: 0.6}, {kind: proximity, field: year, span: 2}],
                     threshold: 0.4},
         vectors: [{name: text, file: text.npy}],
         protocol: {type: related-temporal, min-relevance: 0.3}}""", ComponentConfig.Data.class);
    CoEngagementConfig c = (CoEngagementConfig) data;
    assertThat(c.relevance().terms()).hasSize(2);
    assertThat(c.vectors().get(0).format()).isEqualTo("npy");
    assertThat(((RelatedTemporalConfig) c.protocol()).minRelevance()).isEqualTo(0.3);
    assertThat(registry.build(Kind.DATA, data, "$.data", new Seeds(1), DataSource.class)).isInstanceOf(CoEngagement.class);

    ComponentConfig.Loss loss = registry.mapper().readValue("""
        {type: popularity-ipw, beta: 1.0, loss: {type: meta-multitask, relevance-weight: 0.5,
         engagement: {type: sampled-softmax}}}""", ComponentConfig.Loss.class);
    PopularityIpwLoss ipw = (PopularityIpwLoss) registry.build(Kind.LOSS, loss, "$.loss", new Seeds(1), Loss.class);
    assertThat(ipw.inner()).isInstanceOf(MultiTaskLoss.class);

    ComponentConfig.Tower tower = registry.mapper().readValue("{type: task-heads, head-dim: 8, base: {type: mlp}}",
        ComponentConfig.Tower.class);
    TaskHeadsTower t = (TaskHeadsTower) registry.build(Kind.TOWER, tower, "$.model.query-tower", new Seeds(1),
        Tower.class);
    assertThat(t.outputDim()).isEqualTo(8);
    ComponentConfig.Evaluator ev = registry.mapper().readValue("{type: semantic, ks: [20]}",
        ComponentConfig.Evaluator.class);
    assertThat(registry.build(Kind.EVALUATOR, ev, "$.evaluators[0]", new Seeds(1), Evaluator.class))
        .isInstanceOf(SemanticEvaluator.class);
  }

  @Test
  void registry_badSections_rejectedWithTheKey() {
    assertThatThrownBy(() -> registry.mapper().readValue("{type: co-engagement, source: {type: ml-100k}, windw: 3}",
        ComponentConfig.Data.class)).hasMessageContaining("windw");
    assertThatThrownBy(() -> registry.mapper().readValue(
        "{type: co-engagement, source: {type: ml-100k}, protocol: {type: per-user-ratio}}", ComponentConfig.Data.class))
        .hasMessageContaining("related-temporal");
  }
}

package org.towerlab.trainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.trainers.CascadeTest.Matrix;
import org.towerlab.trainers.ListSource.CandidateList;

/** Candidate lists from an upstream stage: RankFlow's space after the upstream truncation. */
class ListSourcesTest {
  @TempDir Path tmp;

  /** A small simulated cascade: every request logs 40 retrieved candidates, 10 pre-ranked, 5 shown. */
  private Split cascade() {
    return Harness.split(Harness.simulator(tmp, "data.cascade={requests-per-user: 3, retrieved: 40, pre-ranked: 10}",
        "data.protocol={type: per-user-ratio, unit: request}"));
  }

  /** One training request as the log has it: its query, time and the labels of its shown items. */
  private record Request(int query, long time, Map<Integer, Float> shown) {}

  private static Map<List<Long>, Request> requests(Split split) {
    InteractionLog log = split.logged("train");
    Map<Long, Request> byId = new HashMap<>();
    for (int r = 0; r < log.size(); r++) {
      Request q = byId.computeIfAbsent(log.requests()[r], x -> new Request(-1, Long.MAX_VALUE, new HashMap<>()));
      int query = log.queries()[r];
      long time = Math.min(q.time(), log.timestamps()[r]);
      Request next = new Request(query, time, q.shown());
      if (log.exposed()[r]) {
        next.shown().merge(log.items()[r], log.label("positive")[r], Math::max);
      }
      byId.put(log.requests()[r], next);
    }
    Map<List<Long>, Request> out = new HashMap<>();
    byId.values().forEach(q -> out.put(List.of((long) q.query(), q.time()), q));
    return out;
  }

  /** Scores that put each query's clicked training items first (any request), then random. */
  private static float[][] clickedFirst(Split split, long seed) {
    int nq = split.dataset().numQueries();
    int ni = split.dataset().numItems();
    float[][] s = new float[nq][ni];
    SplittableRandom rng = new SplittableRandom(seed);
    for (float[] row : s) {
      for (int i = 0; i < ni; i++) {
        row[i] = (float) rng.nextDouble();
      }
    }
    InteractionLog log = split.logged("train");
    for (int r = 0; r < log.size(); r++) {
      if (log.exposed()[r] && log.label("positive")[r] > 0) {
        s[log.queries()[r]][log.items()[r]] += 2f;
      }
    }
    return s;
  }

  private static List<CandidateList> all(ListSource source) {
    source.beforeEpoch(0);
    int[] units = new int[source.size()];
    Arrays.setAll(units, i -> i);
    return source.lists(units, 0, 0, new SplittableRandom(1));
  }

  private static long[] topM(float[] scores, int m) {
    Integer[] idx = new Integer[scores.length];
    Arrays.setAll(idx, i -> i);
    Arrays.sort(idx, (a, b) -> Float.compare(scores[b], scores[a]));
    return Arrays.stream(idx).limit(m).mapToLong(Integer::longValue).toArray();
  }

  @Test
  void upstreamRequests_everyList_isTheUpstreamTopMInItsOrder() {
    Split split = cascade();
    float[][] s = clickedFirst(split, 3);
    ListSource source = ListSources.create(new ListsConfig("upstream", 8, null, null, "request"), split, null, null,
        new Matrix(s), 8, "trainer.lists");

    List<CandidateList> lists = all(source);

    assertThat(lists).hasSize(requests(split).size());
    for (CandidateList l : lists) {
      assertThat(l.items()).as("list of query %d", l.query()).containsExactly(topM(s[(int) l.query()], 8));
    }
  }

  @Test
  void upstreamRequests_shownCandidatesKeepTheirLabelInTheRequest_everyOtherCandidateIsZero() {
    Split split = cascade();
    ListSource source = ListSources.create(new ListsConfig("upstream", 8, null, null, "request"), split, null, null,
        new Matrix(clickedFirst(split, 4)), 8, "trainer.lists");
    Map<List<Long>, Request> requests = requests(split);
    Map<Long, java.util.Set<Long>> clickedAnywhere = new HashMap<>();
    for (Request r : requests.values()) {
      r.shown().forEach((item, label) -> {
        if (label > 0) {
          clickedAnywhere.computeIfAbsent((long) r.query(), x -> new java.util.HashSet<>()).add((long) item);
        }
      });
    }

    int engaged = 0;
    int clickedElsewhere = 0;
    for (CandidateList l : all(source)) {
      Request r = requests.get(List.of(l.query(), l.time()));
      assertThat(r).as("a list per logged training request (query, time)").isNotNull();
      for (int j = 0; j < l.items().length; j++) {
        float expected = r.shown().getOrDefault((int) l.items()[j], 0f);
        assertThat(l.labels()[j]).as("query %d item %d", l.query(), l.items()[j]).isEqualTo(expected);
        engaged += expected > 0 ? 1 : 0;
        // the query engaged it in another training request, not in this one
        clickedElsewhere += expected == 0 && clickedAnywhere.getOrDefault(l.query(), java.util.Set.of())
            .contains(l.items()[j]) ? 1 : 0;
      }
    }
    assertThat(engaged).as("slots with a logged engagement").isPositive();
    assertThat(clickedElsewhere).as("items engaged in another request, graded 0 here").isPositive();
  }

  @Test
  void upstreamRequests_beforeEachEpoch_listsFollowTheUpstreamStagesCurrentScores() {
    Split split = cascade();
    float[][] s = clickedFirst(split, 5);
    ListSource source = ListSources.create(new ListsConfig("upstream", 4, null, null, "request"), split, null, null,
        new Matrix(s), 4, "trainer.lists");
    CandidateList before = all(source).get(0);
    int q = (int) before.query();
    for (int i = 0; i < s[q].length; i++) {
      s[q][i] = -s[q][i]; // the upstream stage now ranks the other way round
    }

    CandidateList after = all(source).get(0);

    assertThat(after.items()).containsExactly(topM(s[q], 4));
    assertThat(after.items()).doesNotContain(before.items());
  }

  @Test
  void loggedLabels_pairShownAndEngagedThenOnlyRetrievedLater_keepsTheEngagement() {
    Split split = cascade();
    InteractionLog log = split.logged("train");
    long n = split.dataset().numItems();
    Map<Long, Integer> engagedAt = new HashMap<>();
    List<Long> laterUnexposed = new ArrayList<>();
    for (int r = 0; r < log.size(); r++) {
      long pair = log.queries()[r] * n + log.items()[r];
      if (log.exposed()[r] && log.label("positive")[r] > 0) {
        engagedAt.putIfAbsent(pair, r);
      } else if (!log.exposed()[r] && engagedAt.containsKey(pair)) {
        laterUnexposed.add(pair); // logged after the engagement, as a candidate never shown
      }
    }
    assertThat(laterUnexposed).as("pairs engaged, then retrieved again without being shown").isNotEmpty();

    Map<Long, Float> graded = ListSources.loggedLabels(split, "positive");

    assertThat(laterUnexposed).allSatisfy(p -> assertThat(graded.get(p)).isEqualTo(1f));
  }

  @Test
  void listsConfig_requestUnitWithoutUpstream_refused() {
    assertThatThrownBy(() -> new ListsConfig("sampled", 8, null, null, "request"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("upstream");
  }
}

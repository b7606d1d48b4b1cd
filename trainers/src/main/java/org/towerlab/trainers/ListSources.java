package org.towerlab.trainers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.towerlab.api.UserException;
import org.towerlab.api.data.InteractionLog;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.Scorer;
import org.towerlab.api.sampling.Negatives;
import org.towerlab.api.sampling.SampleRequest;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.api.sampling.SamplerContext;

/** The three sources of candidate lists: logged requests, sampled candidates, an upstream stage's top-M. */
public final class ListSources {
  private ListSources() {}

  /** Builds the configured source; {@code upstream} is the previous stage's scorer (cascades only). */
  public static ListSource create(ListsConfig cfg, Split split, Sampler sampler, SamplerContext samplerContext,
      Scorer upstream, int upstreamKeep, String path) {
    String source = cfg.source();
    if (source == null) {
      source = split.hasLogged() && split.logged("train").requests() != null ? "requests" : "sampled";
    }
    return switch (source) {
      case "requests" -> new Requests(split, cfg, path);
      case "sampled" -> new Sampled(split, cfg, sampler, samplerContext);
      case "upstream" -> {
        if (upstream == null) {
          throw new UserException(path + ".source: upstream takes the previous stage's top-M, so it works only in a"
              + " stage of the cascade strategy after the first. Use requests or sampled here.");
        }
        yield cfg.unit().equals("request") ? new UpstreamRequests(split, cfg, upstream, upstreamKeep)
            : new Upstream(split, cfg, upstream, Math.max(upstreamKeep, cfg.size() - 1));
      }
      default -> throw new IllegalStateException(source);
    };
  }

  /**
   * Label of each logged training pair {@code (query, item)}, for grading candidates: the largest
   * label over the rows where the item was shown to the query; a pair that was only ever a logged
   * candidate and never shown has no feedback and is absent (graded 0).
   */
  static Map<Long, Float> loggedLabels(Split split, String label) {
    InteractionLog log = split.hasLogged() ? split.logged("train") : split.train();
    if (!log.hasLabel(label)) {
      throw new UserException("trainer.lists.label: '" + label + "' is not a label of the training rows, which have "
          + log.labelNames() + ".");
    }
    float[] v = log.label(label);
    boolean[] shown = log.exposed();
    Map<Long, Float> out = new HashMap<>();
    long n = split.dataset().numItems();
    for (int r = 0; r < log.size(); r++) {
      if (shown == null || shown[r]) {
        out.merge(log.queries()[r] * n + log.items()[r], v[r], Math::max);
      }
    }
    return out;
  }

  /**
   * One list per training request: its logged rows (shown ones by display position, then, with
   * {@code unexposed: true}, the candidates never shown), graded by the list label. Requests with
   * fewer than two rows are skipped. The list's time is the request's earliest timestamp, so
   * sequence features hold only behaviour before it.
   */
  static final class Requests implements ListSource {
    private final List<CandidateList> all = new ArrayList<>();
    private final int length;

    Requests(Split split, ListsConfig cfg, String path) {
      if (!split.hasLogged() || split.logged("train").requests() == null) {
        throw new UserException(path + ".source: requests needs request ids in the logged rows, but protocol '"
            + split.protocol() + "' on data set '" + split.dataset().name() + "' has none. Use source: sampled.");
      }
      this.length = cfg.size();
      InteractionLog log = split.logged("train");
      if (!log.hasLabel(cfg.label())) {
        throw new UserException(path + ".label: '" + cfg.label() + "' is not a label of the logged rows, which have "
            + log.labelNames() + ".");
      }
      float[] lab = log.label(cfg.label());
      boolean[] shown = log.exposed();
      int[] pos = log.positions();
      Map<Long, List<Integer>> byRequest = new LinkedHashMap<>();
      for (int r = 0; r < log.size(); r++) {
        boolean isShown = shown == null || shown[r];
        if (isShown || cfg.unexposed()) {
          byRequest.computeIfAbsent(log.requests()[r], x -> new ArrayList<>()).add(r);
        }
      }
      for (List<Integer> rows : byRequest.values()) {
        if (rows.size() < 2) {
          continue;
        }
        rows.sort((a, b) -> {
          boolean sa = shown == null || shown[a];
          boolean sb = shown == null || shown[b];
          if (sa != sb) {
            return sa ? -1 : 1;
          }
          int c = pos == null ? 0 : Integer.compare(pos[a], pos[b]);
          return c != 0 ? c : Integer.compare(a, b);
        });
        int n = Math.min(length, rows.size());
        long[] items = new long[n];
        float[] labels = new float[n];
        long time = Long.MAX_VALUE;
        for (int j = 0; j < n; j++) {
          int r = rows.get(j);
          items[j] = log.items()[r];
          labels[j] = lab[r];
        }
        for (int r : rows) {
          time = Math.min(time, log.timestamps()[r]);
        }
        all.add(new CandidateList(log.queries()[rows.get(0)], time, items, labels, 1f));
      }
      if (all.isEmpty()) {
        throw new UserException(path + ".source: requests found no training request with two or more rows in data set '"
            + split.dataset().name() + "'.");
      }
    }

    @Override
    public int size() {
      return all.size();
    }

    @Override
    public int length() {
      return length;
    }

    @Override
    public List<CandidateList> lists(int[] units, int epoch, long step, SplittableRandom rng) {
      List<CandidateList> out = new ArrayList<>(units.length);
      for (int u : units) {
        out.add(all.get(u));
      }
      return out;
    }
  }

  /**
   * One list per training positive: the positive, then the sampler's candidates for the batch (its
   * per-query ones, the shared ones, then the other rows' positives when the sampler is in-batch),
   * cut to the list length. Candidates equal to the positive are skipped; candidates are graded by
   * their logged label for the query (0 when the pair was never logged).
   */
  static final class Sampled implements ListSource {
    private final InteractionLog train;
    private final Sampler sampler;
    private final SamplerContext ctx;
    private final int length;
    private final Map<Long, Float> graded;
    private final String label;
    private final long numItems;

    Sampled(Split split, ListsConfig cfg, Sampler sampler, SamplerContext ctx) {
      this.train = split.train();
      this.sampler = sampler;
      this.ctx = ctx;
      this.length = cfg.size();
      this.label = cfg.label();
      this.graded = loggedLabels(split, cfg.label());
      this.numItems = split.dataset().numItems();
    }

    @Override
    public int size() {
      return train.size();
    }

    @Override
    public int length() {
      return length;
    }

    @Override
    public List<CandidateList> lists(int[] units, int epoch, long step, SplittableRandom rng) {
      int b = units.length;
      long[] q = new long[b];
      long[] pos = new long[b];
      for (int i = 0; i < b; i++) {
        q[i] = train.queries()[units[i]];
        pos[i] = train.items()[units[i]];
      }
      Negatives negs = sampler.sample(new SampleRequest(q, pos, epoch, step, rng), ctx);
      float[] own = train.hasLabel(label) ? train.label(label) : null;
      List<CandidateList> out = new ArrayList<>(b);
      for (int i = 0; i < b; i++) {
        long[] items = new long[length];
        float[] labels = new float[length];
        int n = 0;
        items[n] = pos[i];
        labels[n++] = own == null ? 1f : own[units[i]];
        if (negs.perQuery() != null) {
          for (int j = 0; j < negs.perQueryCount() && n < length; j++) {
            boolean valid = negs.perQueryMask() == null || negs.perQueryMask()[i][j];
            long it = negs.perQuery()[i][j];
            if (valid && it != pos[i]) {
              items[n] = it;
              labels[n++] = graded.getOrDefault(q[i] * numItems + it, 0f);
            }
          }
        }
        for (int j = 0; j < negs.shared().length && n < length; j++) {
          long it = negs.shared()[j];
          if (it != pos[i]) {
            items[n] = it;
            labels[n++] = graded.getOrDefault(q[i] * numItems + it, 0f);
          }
        }
        for (int j = 0; negs.inBatch() && j < b && n < length; j++) {
          if (j != i && pos[j] != pos[i]) {
            items[n] = pos[j];
            labels[n++] = graded.getOrDefault(q[i] * numItems + pos[j], 0f);
          }
        }
        out.add(new CandidateList(q[i], train.timestamps()[units[i]], Arrays.copyOf(items, n),
            Arrays.copyOf(labels, n), 1f));
      }
      return out;
    }
  }

  /**
   * One list per training positive: the positive, then {@code L - 1} items drawn without
   * replacement from the upstream stage's current top-M for the query (the space after the
   * upstream truncation, anchored on a positive that the upstream stage may have missed; {@code
   * unit: request} is RankFlow's exact space, {@link UpstreamRequests}). Candidates are graded by
   * their logged label for the query ({@link #loggedLabels}: the largest label where the item was
   * shown to the query, 0 when it never was). The top-M lists are recomputed before every epoch
   * from the upstream stage's current weights.
   */
  static final class Upstream implements ListSource {
    private final InteractionLog train;
    private final Scorer upstream;
    private final int keep;
    private final int length;
    private final Map<Long, Float> graded;
    private final float[] own;
    private final long numItems;
    private final int numQueries;
    private long[][] top;

    Upstream(Split split, ListsConfig cfg, Scorer upstream, int keep) {
      this.train = split.train();
      this.upstream = upstream;
      this.keep = keep;
      this.length = cfg.size();
      this.graded = loggedLabels(split, cfg.label());
      this.own = train.hasLabel(cfg.label()) ? train.label(cfg.label()) : null;
      this.numItems = split.dataset().numItems();
      this.numQueries = split.dataset().numQueries();
    }

    @Override
    public void beforeEpoch(int epoch) {
      top = TopM.of(upstream, numQueries, keep);
    }

    @Override
    public int size() {
      return train.size();
    }

    @Override
    public int length() {
      return length;
    }

    @Override
    public List<CandidateList> lists(int[] units, int epoch, long step, SplittableRandom rng) {
      if (top == null) {
        beforeEpoch(epoch);
      }
      List<CandidateList> out = new ArrayList<>(units.length);
      for (int u : units) {
        int q = train.queries()[u];
        long pos = train.items()[u];
        long[] cand = top[q];
        long[] pool = Arrays.stream(cand).filter(it -> it != pos).toArray();
        int take = Math.min(length - 1, pool.length);
        // partial Fisher-Yates: a uniform sample of `take` candidates
        for (int j = 0; j < take; j++) {
          int pick = j + rng.nextInt(pool.length - j);
          long t = pool[j];
          pool[j] = pool[pick];
          pool[pick] = t;
        }
        long[] items = new long[take + 1];
        float[] labels = new float[take + 1];
        items[0] = pos;
        labels[0] = own == null ? 1f : own[u];
        for (int j = 0; j < take; j++) {
          items[j + 1] = pool[j];
          labels[j + 1] = graded.getOrDefault(q * numItems + pool[j], 0f);
        }
        out.add(new CandidateList(q, train.timestamps()[u], items, labels, 1f));
      }
      return out;
    }
  }

  /**
   * One list per training request (RankFlow's space after the upstream truncation): exactly the
   * upstream stage's current top-{@code min(M, L)} for the request's query, in the upstream order;
   * a candidate shown in the request keeps its logged label there, every other candidate (never
   * shown in the request, or not logged in it at all) is graded 0. Requests are the logged
   * training rows' request ids, or the rows of one (query, timestamp) when the log has none; a
   * request's time is its earliest timestamp, so sequence and pair features hold only behaviour
   * before it. The top-M lists are recomputed before every epoch from the upstream stage's current
   * weights (per query, with the whole training history, as a served request would see them).
   */
  static final class UpstreamRequests implements ListSource {
    private final Scorer upstream;
    private final int keep;
    private final int length;
    private final int numQueries;
    private final int[] query;
    private final long[] time;
    private final long[][] shownItems;
    private final float[][] shownLabels;
    private long[][] top;

    UpstreamRequests(Split split, ListsConfig cfg, Scorer upstream, int keep) {
      this.upstream = upstream;
      this.keep = keep;
      this.length = cfg.size();
      this.numQueries = split.dataset().numQueries();
      InteractionLog log = split.hasLogged() ? split.logged("train") : split.train();
      if (!log.hasLabel(cfg.label())) {
        throw new UserException("trainer.lists.label: '" + cfg.label() + "' is not a label of the training rows,"
            + " which have " + log.labelNames() + ".");
      }
      float[] lab = log.label(cfg.label());
      boolean[] shown = log.exposed();
      long[] req = log.requests();
      Map<List<Long>, List<Integer>> byRequest = new LinkedHashMap<>();
      for (int r = 0; r < log.size(); r++) {
        List<Long> key = req != null ? List.of(req[r]) : List.of((long) log.queries()[r], log.timestamps()[r]);
        byRequest.computeIfAbsent(key, x -> new ArrayList<>()).add(r);
      }
      int n = byRequest.size();
      query = new int[n];
      time = new long[n];
      shownItems = new long[n][];
      shownLabels = new float[n][];
      int i = 0;
      for (List<Integer> rows : byRequest.values()) {
        query[i] = log.queries()[rows.get(0)];
        long t = Long.MAX_VALUE;
        Map<Long, Float> labels = new LinkedHashMap<>();
        for (int r : rows) {
          t = Math.min(t, log.timestamps()[r]);
          if (shown == null || shown[r]) {
            labels.merge((long) log.items()[r], lab[r], Math::max);
          }
        }
        time[i] = t;
        shownItems[i] = labels.keySet().stream().mapToLong(Long::longValue).toArray();
        shownLabels[i] = new float[shownItems[i].length];
        int j = 0;
        for (float v : labels.values()) {
          shownLabels[i][j++] = v;
        }
        i++;
      }
    }

    @Override
    public void beforeEpoch(int epoch) {
      top = TopM.of(upstream, numQueries, keep);
    }

    @Override
    public int size() {
      return query.length;
    }

    @Override
    public int length() {
      return length;
    }

    @Override
    public List<CandidateList> lists(int[] units, int epoch, long step, SplittableRandom rng) {
      if (top == null) {
        beforeEpoch(epoch);
      }
      List<CandidateList> out = new ArrayList<>(units.length);
      for (int u : units) {
        long[] cand = top[query[u]];
        int n = Math.min(length, cand.length);
        long[] items = Arrays.copyOf(cand, n);
        float[] labels = new float[n];
        for (int j = 0; j < n; j++) {
          for (int k = 0; k < shownItems[u].length; k++) {
            if (shownItems[u][k] == items[j]) {
              labels[j] = shownLabels[u][k];
            }
          }
        }
        out.add(new CandidateList(query[u], time[u], items, labels, 1f));
      }
      return out;
    }
  }

  /** The top-M items of every query under a scorer (whole corpus, nothing excluded). */
  static final class TopM {
    private TopM() {}

    static long[][] of(Scorer scorer, int numQueries, int m) {
      long[][] out = new long[numQueries][];
      int n = scorer.numItems();
      int keep = Math.min(m, n);
      int block = 256;
      try (NDManager base = NDManager.newBaseManager()) {
        for (int from = 0; from < numQueries; from += block) {
          int to = Math.min(numQueries, from + block);
          long[] qs = new long[to - from];
          for (int i = 0; i < qs.length; i++) {
            qs[i] = from + i;
          }
          try (NDManager bm = base.newSubManager()) {
            NDArray scores = scorer.scoreBlock(qs, 0, n, bm); // [b, N]
            long[] idx = scores.topK(keep, 1, true, true).get(1).toLongArray(); // [b, keep]
            for (int i = 0; i < qs.length; i++) {
              out[from + i] = Arrays.copyOfRange(idx, i * keep, (i + 1) * keep);
            }
          }
        }
      }
      return out;
    }
  }
}

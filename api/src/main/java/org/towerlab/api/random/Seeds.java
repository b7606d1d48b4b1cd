package org.towerlab.api.random;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One root seed split by stream name: {@code seeds.stream("sampler")} always gives the same
 * sequence for the same root seed, whatever other streams were drawn before. Every derived seed is
 * recorded (see {@link #derived()}) and goes into the run's provenance.
 *
 * <p>Components never call {@code new Random()}; they ask for a stream named after their config
 * path (for example {@code init.model.query-tower}).
 */
public final class Seeds {
  private final long root;
  private final Map<String, Long> derived = Collections.synchronizedMap(new TreeMap<>());

  public Seeds(long root) {
    this.root = root;
  }

  public long root() {
    return root;
  }

  /** The seed of a named stream: a 64-bit mix of the root seed and the name's bytes. */
  public long seed(String stream) {
    long h = mix(root ^ 0x9E3779B97F4A7C15L);
    for (byte b : stream.getBytes(StandardCharsets.UTF_8)) {
      h = mix(h ^ (b & 0xFF));
    }
    derived.put(stream, h);
    return h;
  }

  /** A fresh generator for a named stream. */
  public SplittableRandom stream(String stream) {
    return new SplittableRandom(seed(stream));
  }

  /** A child seed source for a sub-experiment (a grid child, a fold). */
  public Seeds child(String name) {
    return new Seeds(seed("child." + name));
  }

  /** Every stream derived so far, by name. */
  public Map<String, Long> derived() {
    synchronized (derived) {
      return Map.copyOf(derived);
    }
  }

  /** A uniformly random permutation of {@code 0 .. n-1} (Fisher-Yates) drawn from {@code rng}. */
  public static int[] permutation(int n, SplittableRandom rng) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** SplitMix64's finalizer: a well-mixed 64-bit function of {@code z} (for per-step seeds). */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}

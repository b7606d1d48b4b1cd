package org.towerlab.api.nn;

import java.lang.reflect.Method;
import java.util.function.Supplier;

/**
 * Runs code with autograd recording switched off, also inside an open gradient collector: a
 * teacher's scores, an index refresh or an EMA update computed in the middle of a training step
 * then build no graph and receive no gradient. With DJL's PyTorch engine this is
 * {@code torch::NoGradGuard}'s switch ({@code JniUtils.setGradMode(false)}), restored afterwards;
 * on an engine without that switch the code runs as is (its results must then be detached by the
 * caller with {@code stopGradient()}).
 *
 * <p>libtorch prints a one-time deprecation warning ("AutoNonVariableTypeMode is deprecated") the
 * first time the switch is used in a process. The training step does not use it (a teacher's
 * scores are detached with {@code stopGradient()} instead); use it for work whose autograd
 * bookkeeping would cost real memory.
 */
public final class NoGrad {
  private static final Method GET;
  private static final Method SET;

  static {
    Method get = null;
    Method set = null;
    try {
      Class<?> jni = Class.forName("ai.djl.pytorch.jni.JniUtils");
      get = jni.getMethod("isGradMode");
      set = jni.getMethod("setGradMode", boolean.class);
    } catch (ReflectiveOperationException | LinkageError e) {
      // another engine: no global switch
    }
    GET = get;
    SET = set;
  }

  private NoGrad() {}

  /** Whether this engine has a no-grad switch (results of {@link #call} then carry no graph). */
  public static boolean available() {
    return SET != null;
  }

  /**
   * Whether autograd records right now (inside a gradient collector and not in {@link #call}).
   * {@code false} on an engine without the switch.
   */
  public static boolean recording() {
    if (GET == null) {
      return false;
    }
    try {
      return (Boolean) GET.invoke(null);
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }

  /** {@code body.get()} with gradient recording off. */
  public static <T> T call(Supplier<T> body) {
    if (SET == null) {
      return body.get();
    }
    boolean before;
    try {
      before = (Boolean) GET.invoke(null);
      SET.invoke(null, false);
    } catch (ReflectiveOperationException e) {
      return body.get();
    }
    try {
      return body.get();
    } finally {
      try {
        SET.invoke(null, before);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot restore the engine's grad mode", e);
      }
    }
  }

  /** {@code body.run()} with gradient recording off. */
  public static void run(Runnable body) {
    call(() -> {
      body.run();
      return null;
    });
  }
}

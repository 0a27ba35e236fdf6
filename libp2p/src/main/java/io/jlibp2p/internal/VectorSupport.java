package io.jlibp2p.internal;

import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Where jlibp2p's kernels written with the JDK's incubating Vector API run, and how a system
 * property chooses between a vector form and its scalar one. The kernels are measured on x86-64
 * with JDK 25 or newer, and need the module {@code jdk.incubator.vector} ({@code --add-modules
 * jdk.incubator.vector}, which {@code ./jlibp2p} passes). Stateless and thread-safe.
 */
public final class VectorSupport {
  private VectorSupport() {}

  /**
   * Why this JVM does not take the vector forms, or null if it may: another architecture than
   * x86-64, a JDK before 25, or no {@code jdk.incubator.vector} module.
   */
  public static String whyNot() {
    String arch = System.getProperty("os.arch", "");
    if (!arch.equals("amd64") && !arch.equals("x86_64")) {
      return "the vector form is measured on x86-64 only, not " + arch;
    }
    if (Runtime.version().feature() < 25) {
      return "the vector form needs JDK 25 or newer";
    }
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return "the module jdk.incubator.vector is absent (--add-modules jdk.incubator.vector)";
    }
    return null;
  }

  /**
   * {@link #whyNot()}, then whether the vectors a kernel needs are native here: {@code nativeShape}
   * (asked only where the Vector API may load) false gives {@code notNative}, a failure to load the
   * Vector API says so.
   */
  public static String whyNot(BooleanSupplier nativeShape, String notNative) {
    String why = whyNot();
    if (why != null) {
      return why;
    }
    try {
      return nativeShape.getAsBoolean() ? null : notNative;
    } catch (LinkageError e) {
      return "the Vector API failed to load: " + e;
    }
  }

  /**
   * Whether the setting {@code setting} of the system property {@code property} takes the vector
   * form: {@code scalar} never, {@code vector} or {@code auto} where {@code whyNot} (asked only
   * then) says nothing against it. Case is ignored. {@code vector} where the form cannot run, and an
   * unknown value, are logged as warnings and give the scalar form; {@code auto} where it cannot run
   * is logged at debug level.
   *
   * @param whyNot why the vector form cannot run here, or null if it can
   */
  public static boolean choose(String property, String setting, Supplier<String> whyNot) {
    String form = setting.toLowerCase(Locale.ROOT);
    if (form.equals("scalar")) {
      return false;
    }
    boolean known = form.equals("auto") || form.equals("vector");
    String why = known ? whyNot.get() : "unknown value " + setting + " (expected: auto, vector or scalar)";
    if (why == null) {
      return true;
    }
    System.getLogger(VectorSupport.class.getName()).log(
        form.equals("auto") ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING,
        property + ": " + why + "; using the scalar form");
    return false;
  }
}

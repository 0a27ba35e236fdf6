package io.jlibp2p.security.noise.internal;

import io.jlibp2p.internal.KernelWarmup;
import java.time.Duration;
import java.util.List;

/**
 * Whether the vector forms ({@link Poly1305Vector}, and {@link ChaCha20Vector} where {@link
 * ChaChaPoly.Split#VECTOR_CHACHA} says) run compiled in this JVM (see {@link KernelWarmup}): until
 * then new messages take the scalar forms. The warm-up runs each kernel over {@value
 * #SCRATCH_BYTES} bytes, each timed on its own against {@value #FAST_MIB_PER_S} MiB/s. Thread-safe.
 */
final class VectorWarmup {
  static final String THREAD_NAME = "jlibp2p-vector-warmup";
  static final int FAST_MIB_PER_S = 400;
  static final int MAX_SECONDS = KernelWarmup.MAX_SECONDS;
  private static final int SCRATCH_BYTES = 16 * 1024;

  private static final Kernels KERNELS = new Kernels();

  private static final KernelWarmup WARMUP =
      new KernelWarmup(THREAD_NAME, SCRATCH_BYTES, FAST_MIB_PER_S, List.of(KERNELS::poly1305, KERNELS::chacha20));

  private VectorWarmup() {}

  /** Whether the vector forms run compiled; the first call starts the warm-up. Never blocks. */
  static boolean ready() {
    return WARMUP.ready();
  }

  /** Starts the warm-up if need be and blocks up to {@code max} for it; returns {@link #ready()}. */
  static boolean await(Duration max) throws InterruptedException {
    return WARMUP.await(max);
  }

  /** The kernels, with their scratch state. Warm-up thread only. */
  private static final class Kernels {
    private final long[] lanes = new long[Poly1305Vector.STATE_LENGTH];
    private final int[] state = new int[16];
    private final int[] keyStream = new int[ChaCha20Vector.SCRATCH];

    void poly1305(byte[] m) {
      Poly1305Vector.absorb(lanes, m, 0, m.length / 64);
    }

    void chacha20(byte[] m) {
      // read here, on the warm-up thread: this class may be initialized while ChaChaPoly.Split is
      if (ChaChaPoly.Split.VECTOR_CHACHA) {
        ChaCha20Vector.xor(state, keyStream, m, 0, m, 0, m.length);
      }
    }
  }
}

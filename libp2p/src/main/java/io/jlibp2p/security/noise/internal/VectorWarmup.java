package io.jlibp2p.security.noise.internal;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether the vector forms ({@link Poly1305Vector}, {@link ChaCha20Vector}) run compiled in this
 * JVM. Until the JIT's optimizing compiler has compiled them, vector code runs tens of times slower
 * than the scalar forms (a cold JVM sealed its first MiB of 64 KiB Noise frames at about 1 MiB/s),
 * so new messages take the scalar forms until then. The first {@link #ready()} call starts one
 * daemon thread, {@value #THREAD_NAME}, that runs both kernels on a scratch buffer until each has
 * run {@value #FAST_IN_A_ROW} times in a row at least at {@value #FAST_MIB_PER_S} MiB/s, then marks
 * them ready and ends; if that has not happened after {@value #MAX_SECONDS} s (a JVM without the
 * optimizing compiler), it ends and the scalar forms stay. Thread-safe.
 */
final class VectorWarmup {
  static final String THREAD_NAME = "jlibp2p-vector-warmup";
  static final int FAST_MIB_PER_S = 400;
  static final int FAST_IN_A_ROW = 20;
  static final int MAX_SECONDS = 30;
  private static final int SCRATCH_BYTES = 16 * 1024;

  private static final AtomicBoolean STARTED = new AtomicBoolean();
  private static volatile boolean ready;
  /** Counted down when the warm-up ends, either way. */
  private static final CountDownLatch ENDED = new CountDownLatch(1);

  private VectorWarmup() {}

  /** Whether the vector forms run compiled; the first call starts the warm-up. Never blocks. */
  static boolean ready() {
    if (ready) {
      return true;
    }
    if (STARTED.compareAndSet(false, true)) {
      Thread t = new Thread(VectorWarmup::run, THREAD_NAME);
      t.setDaemon(true);
      t.setPriority(Thread.MIN_PRIORITY);
      t.start();
    }
    return false;
  }

  /** Starts the warm-up if need be and blocks up to {@code max} for it; returns {@link #ready()}. */
  static boolean await(Duration max) throws InterruptedException {
    if (!ready()) {
      ENDED.await(max.toNanos(), TimeUnit.NANOSECONDS);
    }
    return ready;
  }

  private static void run() {
    try {
      warmUp();
    } finally {
      ENDED.countDown();
    }
  }

  private static void warmUp() {
    boolean chacha = ChaChaPoly.Split.VECTOR_CHACHA;
    byte[] m = new byte[SCRATCH_BYTES];
    long[] lanes = new long[Poly1305Vector.STATE_LENGTH];
    int[] state = new int[16];
    int[] keyStream = new int[ChaCha20Vector.SCRATCH];
    long fastNanos = TimeUnit.SECONDS.toNanos(1) * SCRATCH_BYTES / ((long) FAST_MIB_PER_S << 20);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MAX_SECONDS);
    int inARow = 0;
    while (System.nanoTime() - deadline < 0) {
      long t0 = System.nanoTime();
      Poly1305Vector.absorb(lanes, m, 0, SCRATCH_BYTES / 64);
      long t1 = System.nanoTime();
      if (chacha) {
        ChaCha20Vector.xor(state, keyStream, m, 0, m, 0, SCRATCH_BYTES);
      }
      long t2 = System.nanoTime();
      boolean fast = t1 - t0 <= fastNanos && t2 - t1 <= fastNanos;
      inARow = fast ? inARow + 1 : 0;
      if (inARow >= FAST_IN_A_ROW) {
        ready = true;
        return;
      }
    }
    System.getLogger(VectorWarmup.class.getName()).log(System.Logger.Level.DEBUG,
        "the vector forms did not run compiled within " + MAX_SECONDS + " s; the scalar forms stay");
  }
}

package io.jlibp2p.internal;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Whether kernels written with the JDK's incubating Vector API run compiled in this JVM. Until the
 * JIT's optimizing compiler has compiled them, vector code runs tens of times slower than a plain
 * loop (a cold JVM sealed its first MiB of 64 KiB Noise frames at about 1 MiB/s), so callers take
 * their scalar forms until {@link #ready()}. The first {@code ready()} call starts one daemon
 * thread that runs each kernel in turn over a scratch array until every one has run, {@value
 * #FAST_IN_A_ROW} rounds in a row, at least at the given speed, then marks them ready and ends; if
 * that has not happened after {@value #MAX_SECONDS} s (a JVM without the optimizing compiler), it
 * ends and the scalar forms stay. Thread-safe.
 */
public final class KernelWarmup {
  /** Fast runs in a row that make the kernel ready. */
  public static final int FAST_IN_A_ROW = 20;

  /** The longest the warm-up thread runs. */
  public static final int MAX_SECONDS = 30;

  private final String threadName;
  private final int scratchBytes;
  private final long fastNanos;
  private final List<Consumer<byte[]>> kernels;
  private final AtomicBoolean started = new AtomicBoolean();
  /** Counted down when the warm-up ends, either way. */
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile boolean ready;

  /**
   * @param threadName the warm-up thread's name
   * @param scratchBytes the length of the array each run of {@code kernel} gets
   * @param fastMiBPerS the speed, over {@code scratchBytes}, at which a run of a kernel counts as
   *     compiled
   * @param kernels each one run of vector code over the array it is given (its contents are
   *     arbitrary and it may change them), timed on its own; called on the warm-up thread only
   */
  public KernelWarmup(String threadName, int scratchBytes, int fastMiBPerS, List<Consumer<byte[]>> kernels) {
    this.threadName = Objects.requireNonNull(threadName, "threadName");
    if (scratchBytes < 1 || fastMiBPerS < 1) {
      throw new IllegalArgumentException("scratchBytes: " + scratchBytes + ", fastMiBPerS: " + fastMiBPerS + " (expected: >= 1)");
    }
    this.scratchBytes = scratchBytes;
    this.fastNanos = TimeUnit.SECONDS.toNanos(1) * scratchBytes / ((long) fastMiBPerS << 20);
    this.kernels = List.copyOf(kernels);
    if (this.kernels.isEmpty()) {
      throw new IllegalArgumentException("no kernels");
    }
  }

  /** Whether the kernels run compiled; the first call starts the warm-up. Never blocks. */
  public boolean ready() {
    if (ready) {
      return true;
    }
    if (started.compareAndSet(false, true)) {
      Thread t = new Thread(this::run, threadName);
      t.setDaemon(true);
      t.setPriority(Thread.MIN_PRIORITY);
      t.start();
    }
    return false;
  }

  /** Starts the warm-up if need be and blocks up to {@code max} for it; returns {@link #ready()}. */
  public boolean await(Duration max) throws InterruptedException {
    if (!ready()) {
      ended.await(max.toNanos(), TimeUnit.NANOSECONDS);
    }
    return ready;
  }

  private void run() {
    try {
      warmUp();
    } finally {
      ended.countDown();
    }
  }

  private void warmUp() {
    byte[] scratch = new byte[scratchBytes];
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MAX_SECONDS);
    int inARow = 0;
    while (System.nanoTime() - deadline < 0) {
      boolean fast = true;
      for (Consumer<byte[]> kernel : kernels) {
        long t0 = System.nanoTime();
        kernel.accept(scratch);
        fast &= System.nanoTime() - t0 <= fastNanos;
      }
      inARow = fast ? inARow + 1 : 0;
      if (inARow >= FAST_IN_A_ROW) {
        ready = true;
        return;
      }
    }
    System.getLogger(KernelWarmup.class.getName()).log(System.Logger.Level.DEBUG,
        threadName + ": the vector kernels did not run compiled within " + MAX_SECONDS + " s; the scalar forms stay");
  }
}

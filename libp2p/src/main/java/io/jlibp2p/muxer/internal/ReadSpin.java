package io.jlibp2p.muxer.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether a stream read that is about to block should first spin briefly. Parking a thread lets its
 * CPU go idle (on a virtual machine, the whole virtual CPU); waking it again costs tens of
 * microseconds, more than a reply takes on a fast link. So on a stream we opened (we asked, the
 * remote answers), a read that waits for the answer to something we just wrote (a request, a ping,
 * a protocol proposal) spins for up to {@link #NANOS} before it parks. Inbound streams, whose
 * handlers wait for the remote's next request for as long as it likes, never spin; nor do streams
 * of a transport that opts out (QUIC, whose replies pass through event-loop threads).
 *
 * <p>Spinning holds a CPU, so it is bounded three ways: only after a write (a bulk receiver that
 * never writes never spins); at most {@link #MAX_SPINNERS} threads spin at once in the process; and
 * a stream whose replies came late {@link #MAX_MISSES} times in a row (a slow peer) stops spinning,
 * trying again once every {@link #RETRY_EVERY} waits. A reply within twice the spin time counts as
 * on time. The system property {@code jlibp2p.readSpinMicros} sets the spin time; 0 turns spinning
 * off.
 *
 * <p>One per outbound stream. {@link #wrote} may be called from any thread; the other methods only
 * by the stream's one reading thread.
 */
final class ReadSpin {
  /**
   * Longest spin of one read, in nanoseconds (default 100 µs; 0: never spin). On a two-vCPU
   * virtual machine a peer on the same host answers a ping in 15–20 µs while its CPUs are awake
   * and in 45–65 µs while they are not; a spin of 50 µs missed most of the slow answers and then
   * paid for both the spin and the wake-up.
   */
  static final long NANOS = Math.max(0, Long.getLong("jlibp2p.readSpinMicros", 100)) * 1000;
  /** Threads that may spin at once: half the processors, at least one. */
  static final int MAX_SPINNERS = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  /** Consecutive missed spins after which a stream stops spinning. */
  static final int MAX_MISSES = 2;
  /** A stream that stopped spinning tries again once every this many waits. */
  static final int RETRY_EVERY = 32;

  private static final AtomicInteger SPINNERS = new AtomicInteger();

  private final long nanos;
  private final AtomicInteger spinners;
  private final int maxSpinners;
  private volatile boolean wrote;
  private int misses;
  private int skipped;

  ReadSpin() {
    this(NANOS, SPINNERS, MAX_SPINNERS);
  }

  /** For tests: a spin time and a shared spinner count of their own. */
  ReadSpin(long nanos, AtomicInteger spinners, int maxSpinners) {
    this.nanos = nanos;
    this.spinners = spinners;
    this.maxSpinners = maxSpinners;
  }

  /** This stream wrote: its next wait for data is likely a wait for a reply. */
  void wrote() {
    if (!wrote) {
      wrote = true;
    }
  }

  /** The reading thread got data. */
  void readData() {
    if (wrote) {
      wrote = false;
    }
  }

  /**
   * Whether to spin before blocking, for at most {@link #nanos()}; when true, {@link #release}
   * must follow the spin, and {@link #waited} the data.
   */
  boolean tryStart() {
    if (nanos == 0 || !wrote) {
      return false;
    }
    if (misses >= MAX_MISSES) {
      if (++skipped < RETRY_EVERY) {
        return false;
      }
      skipped = 0;
      misses = MAX_MISSES - 1; // one more try: a miss stops spinning again
    }
    for (int n = spinners.get(); n < maxSpinners; n = spinners.get()) {
      if (spinners.compareAndSet(n, n + 1)) {
        return true;
      }
    }
    return false;
  }

  /** The spin is over (whether or not the stream changed): another thread may spin. */
  void release() {
    spinners.decrementAndGet();
  }

  /**
   * The read that spun got its data {@code nanos} after the spin began. A reply within twice the
   * spin time counts as on time even if it came after the spin: the peer is fast, and a later spin
   * may well catch it.
   */
  void waited(long nanos) {
    misses = nanos <= 2 * this.nanos ? 0 : misses + 1;
  }

  long nanos() {
    return nanos;
  }
}

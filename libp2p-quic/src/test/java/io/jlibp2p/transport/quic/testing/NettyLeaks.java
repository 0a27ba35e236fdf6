package io.jlibp2p.transport.quic.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Records every leak Netty's leak detectors report, so that tests fail on a Netty buffer (or other
 * tracked resource) that was never released, instead of a log line nobody reads.
 *
 * <p>Installed as a JUnit {@link LauncherSessionListener} (see {@code META-INF/services}), so that
 * the recording detectors exist before Netty creates its first detector: the one of every {@code
 * ByteBuf} is made when Netty's buffer classes are first used, and a factory set later would not
 * see those buffers. Detection runs at the {@linkplain ResourceLeakDetector.Level#PARANOID
 * paranoid} level: every resource is tracked, not a sample.
 *
 * <p>A leak is only found once the leaked object has been garbage collected and the detector runs
 * again. {@link #collect} therefore allocates a canary buffer it never releases, collects garbage
 * and polls every detector until the canary is reported (or a deadline passes, which means the
 * recording detectors were installed too late). Thread-safe.
 */
public final class NettyLeaks implements LauncherSessionListener {
  /** How long {@link #collect} waits for its canary to be reported. */
  static final Duration CANARY_DEADLINE = Duration.ofSeconds(20);

  private static final String CANARY = "jlibp2p-leak-canary-";
  private static final AtomicLong CANARIES = new AtomicLong();
  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
  private static final List<ResourceLeakDetector<?>> DETECTORS = new CopyOnWriteArrayList<>();
  private static volatile boolean installed;

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    install();
  }

  /** Makes Netty's detectors record their leaks here; idempotent. */
  public static synchronized void install() {
    if (installed) {
      return;
    }
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    installed = true;
  }

  /**
   * Collects garbage until the leaks of everything unreachable so far have been reported, and
   * returns (and forgets) the leaks reported since the last call. Blocks for up to {@link
   * #CANARY_DEADLINE}.
   *
   * @throws IllegalStateException if the canary was not reported in time: Netty's buffers were
   *     first used before {@link #install}, so their leaks cannot be seen
   */
  public static List<String> collect() {
    String canary = CANARY + CANARIES.incrementAndGet();
    leakCanary(canary);
    long deadline = System.nanoTime() + CANARY_DEADLINE.toNanos();
    while (!reported(canary)) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("Netty's leak detector did not report the canary buffer within "
            + CANARY_DEADLINE + ": NettyLeaks was installed after Netty's buffers were first used");
      }
      System.gc();
      pollDetectors();
    }
    List<String> found = new ArrayList<>();
    for (String leak : LEAKS) {
      LEAKS.remove(leak);
      if (!leak.contains(CANARY)) {
        found.add(leak);
      }
    }
    return found;
  }

  /** Allocates a tracked buffer, marks it with {@code hint} and drops it unreleased. */
  static void leakCanary(String hint) {
    ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(1);
    b.touch(hint);
  }

  private static boolean reported(String hint) {
    for (String leak : LEAKS) {
      if (leak.contains(hint)) {
        return true;
      }
    }
    return false;
  }

  /** At the paranoid level each detector reports what was collected whenever it tracks again. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void pollDetectors() {
    for (ResourceLeakDetector d : DETECTORS) {
      Object probe = new Object();
      ResourceLeakTracker t = d.track(probe);
      if (t != null) {
        t.close(probe);
      }
    }
  }

  private static final class RecordingFactory extends ResourceLeakDetectorFactory {
    @Override
    @SuppressWarnings("deprecation")
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval, long maxActive) {
      return newResourceLeakDetector(resource, samplingInterval);
    }

    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
      ResourceLeakDetector<T> d = new RecordingDetector<>(resource, samplingInterval);
      DETECTORS.add(d);
      return d;
    }
  }

  private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
    RecordingDetector(Class<?> resource, int samplingInterval) {
      super(resource, samplingInterval);
    }

    @Override
    protected boolean needReport() {
      return true; // whether or not Netty's logger would print it: the failing test prints it
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
      LEAKS.add(resourceType + " was never released; its last accesses:" + records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
      LEAKS.add(resourceType + " was never released (no access records)");
    }
  }
}

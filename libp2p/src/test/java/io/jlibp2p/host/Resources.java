package io.jlibp2p.host;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Counts of what a process holds, to check that nothing leaks: open file descriptors, our platform
 * threads (named {@code jlibp2p-*}) and virtual threads. The JDK's own housekeeping threads (virtual
 * thread carriers and pollers, which come and go on their own) are not counted.
 */
public record Resources(long fileDescriptors, long jlibp2pPlatformThreads, long virtualThreads) {
  public static Resources now() {
    long platform =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("jlibp2p"))
            .count();
    return new Resources(openFds(), platform, countVirtualThreads());
  }

  private static long openFds() {
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Virtual threads, from a JSON thread dump (which, unlike the thread MXBean, lists them). */
  private static long countVirtualThreads() {
    try {
      Path f = Files.createTempFile("threads", ".json");
      Files.delete(f);
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .dumpThreads(f.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
      String json = Files.readString(f);
      Files.delete(f);
      long n = 0;
      for (int i = json.indexOf("\"virtual\": true"); i >= 0; i = json.indexOf("\"virtual\": true", i + 1)) {
        n++;
      }
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.jlibp2p.host;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Counts of what a process holds, to check that nothing leaks. */
record Resources(long fileDescriptors, int platformThreads, long allThreads) {
  static Resources now() {
    return new Resources(openFds(), ManagementFactory.getThreadMXBean().getThreadCount(), countAllThreads());
  }

  private static long openFds() {
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Platform and virtual threads, from a JSON thread dump. */
  private static long countAllThreads() {
    try {
      Path f = Files.createTempFile("threads", ".json");
      Files.delete(f);
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .dumpThreads(f.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
      String json = Files.readString(f);
      Files.delete(f);
      long n = 0;
      for (int i = json.indexOf("\"tid\""); i >= 0; i = json.indexOf("\"tid\"", i + 1)) {
        n++;
      }
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

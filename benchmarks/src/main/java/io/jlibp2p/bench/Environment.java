package io.jlibp2p.bench;

import io.jlibp2p.internal.NativeSocketIo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The machine, the JDK and Node, as the report names them. */
final class Environment {
  private Environment() {}

  static Map<String, String> describe(Path node, boolean withNode) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("date (UTC)", Harness.now());
    m.put("CPU", cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores available");
    m.put("memory", memTotal());
    m.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " (" + System.getProperty("os.arch") + ")");
    m.put("JDK", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " " + Runtime.version());
    String whyNot = NativeSocketIo.whyNot();
    m.put("jlibp2p socket I/O", whyNot == null
        ? "recv and send straight on Java arrays (NativeSocketIo)"
        : "through the JDK's streams (" + whyNot + ")");
    m.put("Node", withNode ? command(node.toString(), "--version") : "not used");
    m.put("load average before", loadAverage());
    return m;
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2] + " (1, 5, 15 min)";
    } catch (IOException e) {
      return "unknown";
    }
  }

  /**
   * The machine's CPU time so far from {@code /proc/stat}, in clock ticks: {@code [total, steal]},
   * total being user, nice, system, idle, iowait, irq, softirq and steal; null where that is not
   * available.
   */
  static long[] cpuTimes() {
    try {
      return parseCpuLine(Files.readAllLines(Path.of("/proc/stat")).getFirst());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** {@link #cpuTimes} of the first line of {@code /proc/stat} ({@code cpu  user nice ...}). */
  static long[] parseCpuLine(String line) {
    String[] f = line.trim().split("\\s+");
    if (!f[0].equals("cpu") || f.length < 9) {
      throw new IllegalArgumentException("not the cpu line of /proc/stat: " + line);
    }
    long total = 0;
    for (int i = 1; i <= 8; i++) {
      total += Long.parseLong(f[i]);
    }
    return new long[] {total, Long.parseLong(f[8])};
  }

  /**
   * The share of the machine's CPU time between two {@link #cpuTimes} readings that the hypervisor
   * gave to other guests (steal time): how contended the shared machine was during the run.
   */
  static String stolen(long[] before, long[] after) {
    if (before == null || after == null || after[0] <= before[0]) {
      return "unknown";
    }
    double share = 100.0 * (after[1] - before[1]) / (after[0] - before[0]);
    return String.format("%.1f%% of CPU time (steal in /proc/stat)", share);
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return System.getProperty("os.arch");
  }

  private static String memTotal() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          long kib = Long.parseLong(line.replaceAll("\\D", ""));
          return String.format("%.1f GiB", kib / 1024.0 / 1024.0);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux
    }
    return "unknown";
  }

  private static String command(String... cmd) {
    try {
      Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor(10, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }
}

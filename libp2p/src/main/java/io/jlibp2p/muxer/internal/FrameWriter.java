package io.jlibp2p.muxer.internal;

import io.jlibp2p.core.ConnectionClosedException;
import io.jlibp2p.internal.BufferPool;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The single write path of a muxed connection.
 *
 * <p>Application threads write frames with {@link #writeFrame}, which takes the write lock (the
 * only lock ever held across I/O, and never while holding another lock), copies small frames into
 * a staging buffer and writes large payloads straight through. Flushing is group-commit style: a
 * writer flushes when it releases the lock only if no other writer is queued on it; the last
 * writer of a burst flushes for everyone, so small frames from many streams coalesce.
 *
 * <p>Threads that must never block on a write (the reader thread: ping replies, rejections;
 * {@code reset()}) {@link #offerControl offer} small control frames to a bounded queue instead.
 * The queue is drained by whichever writer takes the lock next, and by the connection's writer
 * thread, which {@link #awaitControl waits} for queued frames and {@link #drainControl drains}
 * them.
 *
 * <p>The staging buffer is taken from a JVM-wide pool for a burst of writes and given back once
 * the burst is flushed, so an idle connection holds none. Thread-safe.
 */
public final class FrameWriter {
  /** Payloads at most this long are copied into the staging buffer; longer ones bypass it. */
  public static final int COPY_THRESHOLD = 8 * 1024;

  /** First size of the control queue, which grows as frames queue up (idle connections stay small). */
  static final int INITIAL_CONTROL = 256;

  /** Staging buffers kept for reuse: enough for the connections that write at the same time. */
  static final int MAX_POOLED_STAGES = 32;

  /** The staging buffers of every connection's writer. */
  static final BufferPool STAGES = new BufferPool(2 * COPY_THRESHOLD, MAX_POOLED_STAGES);

  private final OutputStream out;
  private final ReentrantLock writeLock = new ReentrantLock();
  /** Staged bytes: {@code stage[0, staged)}. Under writeLock; null between flushed bursts. */
  private byte[] stage;
  private int staged;

  private final ReentrantLock controlLock = new ReentrantLock();
  private final Condition controlReady = controlLock.newCondition();
  /** Queued control frames; grows from {@link #INITIAL_CONTROL} up to {@link #controlCapacity}. */
  private byte[] control; // under controlLock
  private final int controlCapacity;
  private volatile int controlLen; // written under controlLock
  private volatile boolean closed;

  /**
   * @param controlCapacity bytes of control frames that may wait for the writer thread
   */
  public FrameWriter(OutputStream out, int controlCapacity) {
    this.out = out;
    this.controlCapacity = controlCapacity;
    this.control = new byte[Math.min(INITIAL_CONTROL, controlCapacity)];
  }

  /** With controlLock held: room for {@code len} more queued bytes, false when over capacity. */
  private boolean controlRoom(int len) {
    int need = controlLen + len;
    if (need > controlCapacity) {
      return false;
    }
    if (need > control.length) {
      control = java.util.Arrays.copyOf(control, Math.min(controlCapacity, Math.max(need, 2 * control.length)));
    }
    return true;
  }

  /**
   * Writes one frame: {@code header[0, headerLen)} followed by {@code payload[off, off+len)}.
   * Blocks while other frames are written and while the connection's output blocks. With {@code
   * flush}, the output is flushed unless another writer is queued (it will flush); without, the
   * caller promises a later flushing write or {@link #flush}.
   */
  public void writeFrame(
      byte[] header, int headerLen, byte[] payload, int off, int len, boolean flush)
      throws IOException {
    writeLock.lock();
    try {
      if (closed) {
        throw new ConnectionClosedException("connection closed");
      }
      takeControl();
      stage(header, 0, headerLen);
      if (len <= COPY_THRESHOLD) {
        stage(payload, off, len);
      } else {
        writeStage();
        out.write(payload, off, len);
      }
      if (flush && !writeLock.hasQueuedThreads()) {
        writeStage();
        out.flush();
        releaseStage();
      }
    } finally {
      writeLock.unlock();
    }
  }

  /** Flushes what earlier non-flushing writes left buffered. */
  public void flush() throws IOException {
    writeLock.lock();
    try {
      if (closed) {
        throw new ConnectionClosedException("connection closed");
      }
      takeControl();
      writeStage();
      out.flush();
      releaseStage();
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Queues a control frame without blocking. Returns false if the queue is full (the remote is not
   * reading what we send) or the writer is closed.
   */
  public boolean offerControl(byte[] frame, int off, int len) {
    controlLock.lock();
    try {
      if (closed || !controlRoom(len)) {
        return false;
      }
      System.arraycopy(frame, off, control, controlLen, len);
      controlLen += len;
      controlReady.signal();
      return true;
    } finally {
      controlLock.unlock();
    }
  }

  /**
   * Writer thread: waits up to {@code nanos} for queued control frames. Returns true if some are
   * queued (or the writer closed), false on timeout.
   */
  public boolean awaitControl(long nanos) throws InterruptedException {
    controlLock.lock();
    try {
      while (controlLen == 0 && !closed) {
        if (nanos <= 0) {
          return false;
        }
        nanos = controlReady.awaitNanos(nanos);
      }
      return true;
    } finally {
      controlLock.unlock();
    }
  }

  /** Writes and flushes every queued control frame. Blocks on the connection's output. */
  public void drainControl() throws IOException {
    writeLock.lock();
    try {
      takeControl();
      if (!writeLock.hasQueuedThreads()) {
        writeStage();
        out.flush();
        releaseStage();
      }
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Stops accepting frames except {@code lastFrame} (e.g. a GoAway), which is queued for the writer
   * thread to send before it exits.
   */
  public void close(byte[] lastFrame) {
    controlLock.lock();
    try {
      if (closed) {
        return;
      }
      if (lastFrame != null && controlRoom(lastFrame.length)) {
        System.arraycopy(lastFrame, 0, control, controlLen, lastFrame.length);
        controlLen += lastFrame.length;
      }
      closed = true;
      controlReady.signalAll();
    } finally {
      controlLock.unlock();
    }
  }

  public boolean isClosed() {
    return closed;
  }

  /**
   * After {@link #close}: sends the control frames still queued, then closes the output, which
   * ends the connection as its protocol says (TLS sends close_notify, a WebSocket its close
   * frame). Waits at most {@code millis} for a writer still writing; if one still is, closes
   * nothing (closing the connection then cuts that writer off).
   */
  public void finishWithin(long millis) throws IOException, InterruptedException {
    if (!writeLock.tryLock(millis, TimeUnit.MILLISECONDS)) {
      return;
    }
    try {
      takeControl();
      writeStage();
      releaseStage();
      out.close();
    } finally {
      writeLock.unlock();
    }
  }

  // with writeLock held; moves whole queued frames into the stage without doing I/O under
  // controlLock, so that offerControl never waits for the network
  private void takeControl() throws IOException {
    int remaining = controlLen;
    while (remaining > 0) {
      byte[] stage = stageBuffer();
      if (staged == stage.length) {
        writeStage();
      }
      controlLock.lock();
      try {
        int k = Math.min(remaining, stage.length - staged);
        System.arraycopy(control, 0, stage, staged, k);
        staged += k;
        controlLen -= k;
        System.arraycopy(control, k, control, 0, controlLen);
        remaining -= k;
      } finally {
        controlLock.unlock();
      }
    }
  }

  private void stage(byte[] b, int off, int len) throws IOException {
    byte[] stage = stageBuffer();
    if (len > stage.length - staged) {
      writeStage();
    }
    System.arraycopy(b, off, stage, staged, len);
    staged += len;
  }

  // with writeLock held
  private byte[] stageBuffer() {
    byte[] b = stage;
    if (b == null) {
      b = stage = STAGES.acquire();
    }
    return b;
  }

  // with writeLock held, after a flush: the burst is over, the buffer goes back to the pool
  private void releaseStage() {
    byte[] b = stage;
    if (b != null && staged == 0) {
      stage = null;
      STAGES.release(b);
    }
  }

  /** Whether the writer holds a staging buffer (for tests). */
  boolean holdsStage() {
    writeLock.lock();
    try {
      return stage != null;
    } finally {
      writeLock.unlock();
    }
  }

  private void writeStage() throws IOException {
    if (staged > 0) {
      int n = staged;
      staged = 0;
      out.write(stage, 0, n);
    }
  }
}

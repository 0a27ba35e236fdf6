package io.jlibp2p.transport.websocket.internal;

import io.jlibp2p.internal.BufferPool;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * The sending side of a WebSocket: written bytes are buffered and sent as one binary frame (FIN
 * set) on {@link #flush()} or when the buffer of {@code frameSize} bytes is full. A client masks
 * bytes as it copies them into that buffer (one pass); nothing is allocated per frame. The buffer
 * comes from a {@link BufferPool} when a burst of writes starts and goes back at its {@code
 * flush()}, so an idle connection holds none.
 *
 * <p>One writing thread calls {@code write}/{@code flush}. Control frames (pong, close) may be sent
 * from any thread: the socket writes are serialized by a lock that is never waited for by the
 * reading thread (a pong that cannot be sent at once is sent by the writer right after its
 * current frame).
 */
public final class WsOutput extends OutputStream {
  /** How long {@link #sendClose} waits for a busy writer before giving up on the close frame. */
  static final long CLOSE_LOCK_WAIT_MILLIS = 100;

  private final OutputStream sink;
  private final boolean masked;
  private final RandomGenerator random;
  /** Where {@link #frame} comes from. */
  private final BufferPool frames;
  /**
   * {@code [MAX_HEADER_LENGTH - header, MAX_HEADER_LENGTH)} header, then the payload; null between
   * flushed bursts. Writing thread only.
   */
  private byte[] frame;
  private final int frameSize;
  private int count;
  /** The masking key of the frame being filled (client only), chosen when it starts. */
  private int key;

  private final ReentrantLock sendLock = new ReentrantLock();
  /** Guarded by sendLock. */
  private final byte[] control = new byte[WsFrames.MAX_HEADER_LENGTH + WsFrames.MAX_CONTROL_PAYLOAD];
  private final AtomicReference<byte[]> pendingPong = new AtomicReference<>();
  private volatile boolean closeSent;

  /** An I/O step, e.g. applying a deadline before a blocking read. */
  @FunctionalInterface
  public interface IoAction {
    void run() throws IOException;
  }

  /**
   * @param sink the socket's output, unbuffered: every frame is one {@code write} call
   * @param masked true on the client side
   * @param random masking keys (client only)
   * @param frameSize the largest payload of the data frames we send
   */
  public WsOutput(OutputStream sink, boolean masked, RandomGenerator random, int frameSize) {
    this(sink, masked, random, framePool(frameSize, 1));
  }

  /**
   * @param frames where frame buffers come from: {@link #framePool}, whose size sets the largest
   *     payload of the data frames we send
   */
  public WsOutput(OutputStream sink, boolean masked, RandomGenerator random, BufferPool frames) {
    this.sink = Objects.requireNonNull(sink, "sink");
    this.masked = masked;
    this.random = Objects.requireNonNull(random, "random");
    this.frames = Objects.requireNonNull(frames, "frames");
    this.frameSize = frames.size() - WsFrames.MAX_HEADER_LENGTH;
    if (frameSize < 1) {
      throw new IllegalArgumentException("frame buffers of " + frames.size() + " bytes leave no payload");
    }
  }

  /** A pool of frame buffers for payloads of at most {@code frameSize} bytes. */
  public static BufferPool framePool(int frameSize, int maxPooled) {
    if (frameSize < 1) {
      throw new IllegalArgumentException("frameSize: " + frameSize + " (expected: >= 1)");
    }
    return new BufferPool(WsFrames.MAX_HEADER_LENGTH + frameSize, maxPooled);
  }

  /** The frame buffer, taken from the pool when a burst starts. */
  private byte[] frame() {
    byte[] f = frame;
    if (f == null) {
      f = frame = frames.acquire();
    }
    return f;
  }

  /** Whether a frame buffer is held (for tests). */
  boolean holdsFrame() {
    return frame != null;
  }

  @Override
  public void write(int b) throws IOException {
    open();
    if (masked) {
      if (count == 0) {
        key = random.nextInt();
      }
      b ^= key >>> (24 - 8 * (count & 3));
    }
    frame()[WsFrames.MAX_HEADER_LENGTH + count++] = (byte) b;
    if (count == frameSize) {
      sendFrame();
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    open();
    while (len > 0) {
      byte[] frame = frame();
      int n = Math.min(len, frameSize - count);
      if (masked) {
        if (count == 0) {
          key = random.nextInt();
        }
        WsFrames.maskCopy(b, off, frame, WsFrames.MAX_HEADER_LENGTH + count, n, key, count);
      } else {
        System.arraycopy(b, off, frame, WsFrames.MAX_HEADER_LENGTH + count, n);
      }
      count += n;
      off += n;
      len -= n;
      if (count == frameSize) {
        sendFrame();
      }
    }
  }

  /** Sends what is buffered as one binary frame; the frame buffer goes back to its pool. */
  @Override
  public void flush() throws IOException {
    open();
    if (count > 0) {
      sendFrame();
    }
    byte[] f = frame;
    if (f != null) {
      frame = null;
      frames.release(f);
    }
  }

  /**
   * Closing the stream sends a close frame (the remote reads the end of the stream); the
   * connection closes the socket. Never throws.
   */
  @Override
  public void close() {
    sendClose(WsFrames.CLOSE_NORMAL, "");
  }

  private void open() throws IOException {
    if (closeSent) {
      throw new IOException("WebSocket closed: a close frame was sent");
    }
  }

  private void sendFrame() throws IOException {
    int len = count;
    count = 0;
    int h = WsFrames.headerLength(len, masked);
    int start = WsFrames.MAX_HEADER_LENGTH - h;
    WsFrames.writeHeader(frame, start, true, WsFrames.OP_BINARY, len, masked, key);
    sendLock.lock();
    try {
      if (closeSent) {
        throw new IOException("WebSocket closed: a close frame was sent");
      }
      sink.write(frame, start, h + len);
      sendPendingPong();
    } finally {
      sendLock.unlock();
    }
    drainPong();
  }

  /**
   * Queues a pong answering a ping (only the latest is kept) and sends it unless another thread is
   * sending, which then does. Never waits for the lock.
   */
  public void sendPong(byte[] payload, int len) throws IOException {
    byte[] copy = new byte[len];
    System.arraycopy(payload, 0, copy, 0, len);
    pendingPong.set(copy);
    drainPong();
  }

  private void drainPong() throws IOException {
    while (pendingPong.get() != null && sendLock.tryLock()) {
      try {
        sendPendingPong();
      } finally {
        sendLock.unlock();
      }
    }
  }

  private void sendPendingPong() throws IOException {
    byte[] p = pendingPong.getAndSet(null);
    if (p != null && !closeSent) {
      sendControl(WsFrames.OP_PONG, p, p.length);
    }
  }

  /** Guarded by sendLock. */
  private void sendControl(int opcode, byte[] payload, int len) throws IOException {
    int controlKey = masked ? random.nextInt() : 0;
    int h = WsFrames.writeHeader(control, 0, true, opcode, len, masked, controlKey);
    System.arraycopy(payload, 0, control, h, len);
    if (masked) {
      WsFrames.mask(control, h, len, controlKey, 0);
    }
    sink.write(control, 0, h + len);
    sink.flush();
  }

  /** Whether a close frame was sent. */
  public boolean closeSent() {
    return closeSent;
  }

  /**
   * Sends a close frame with {@code code} and a short reason, once; best effort: gives up if a
   * blocked writer holds the socket longer than {@value #CLOSE_LOCK_WAIT_MILLIS} ms, and ignores
   * I/O errors. Later writes fail. Never throws.
   */
  public void sendClose(int code, String reason) {
    try {
      if (!sendLock.tryLock(CLOSE_LOCK_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
        closeSent = true;
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeSent = true;
      return;
    }
    try {
      if (closeSent) {
        return;
      }
      closeSent = true;
      byte[] r = reason.getBytes(StandardCharsets.UTF_8);
      int rl = Math.min(r.length, WsFrames.MAX_CONTROL_PAYLOAD - 2);
      byte[] p = new byte[2 + rl];
      p[0] = (byte) (code >>> 8);
      p[1] = (byte) code;
      System.arraycopy(r, 0, p, 2, rl);
      sendControl(WsFrames.OP_CLOSE, p, p.length);
    } catch (IOException | RuntimeException ignored) {
      // the socket is going away; the close frame is a courtesy
    } finally {
      sendLock.unlock();
    }
  }

  /** Writes raw bytes (the HTTP upgrade) under the send lock; used before any frame. */
  public void writeRaw(byte[] bytes) throws IOException {
    sendLock.lock();
    try {
      sink.write(bytes);
      sink.flush();
    } finally {
      sendLock.unlock();
    }
  }
}

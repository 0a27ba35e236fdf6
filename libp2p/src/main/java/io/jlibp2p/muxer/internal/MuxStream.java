package io.jlibp2p.muxer.internal;

import io.jlibp2p.core.ConnectionClosedException;
import io.jlibp2p.core.StreamResetException;
import io.jlibp2p.spi.MuxedStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * State machine and blocking I/O shared by the yamux and mplex streams: a bounded receive buffer
 * filled by the reader thread, half-close in each direction, reset, and connection loss. Subclasses
 * supply flow control ({@link #sendCredit}, {@link #consumed}) and the frames.
 *
 * <p>Safe for one reading and one writing application thread plus the connection's reader thread.
 * The stream lock is never held across I/O that may block; the reader thread holds it only to move
 * bytes that have already arrived into a waiting read's array.
 */
public abstract class MuxStream implements MuxedStream {
  private enum Failure {
    RESET_LOCAL,
    RESET_REMOTE,
    CONNECTION
  }

  protected final ReentrantLock lock = new ReentrantLock();
  protected final Condition readable = lock.newCondition();
  protected final Condition writable = lock.newCondition();
  /** Signalled when the application drains the buffer (a reader thread may wait for space). */
  protected final Condition drained = lock.newCondition();
  protected final RecvBuffer buffer = new RecvBuffer();

  private final long id;
  private final boolean inbound;
  private boolean remoteEof;
  private boolean readClosed;
  private boolean writeClosed;
  private Failure readFailure;
  private Failure writeFailure;
  private String resetReason;
  private IOException connectionCause;
  private boolean removed;

  private boolean signalHeld; // guarded by lock: a wake-up of the reader waits in DeferredSignals
  /**
   * Guarded by lock: the array of an application read that waits for data while the buffer is
   * empty ({@link #DIRECT_READ_MIN} bytes or more), which the reader thread fills straight from
   * the connection, saving the copy through {@link #buffer}; null when no read offers one.
   */
  private byte[] direct;
  private int directOff;
  private int directLen;
  private int directFilled;
  /** Outbound streams (we asked, the remote answers) may spin briefly for their replies. */
  private final ReadSpin spin;
  /** Bumped (under the lock) by every change a blocked read waits for; a spinning read watches it. */
  private volatile int changes;

  private final InputStream in = new In();
  private final OutputStream out = new Out();

  /**
   * The least length of a waiting read whose array the reader thread fills directly. Shorter reads
   * (headers, varints, pings) take their bytes from the buffer.
   */
  static final int DIRECT_READ_MIN = 4096;

  /** A stream whose reads, if we opened it, may spin briefly for replies (see {@link ReadSpin}). */
  protected MuxStream(long id, boolean inbound) {
    this(id, inbound, true);
  }

  /**
   * @param spinForReplies whether reads of a stream we opened may spin for replies ({@link
   *     ReadSpin}); a transport whose replies take longer than a spin (they pass through event-loop
   *     threads that a spinning reader keeps from a CPU) says false
   */
  protected MuxStream(long id, boolean inbound, boolean spinForReplies) {
    this.id = id;
    this.inbound = inbound;
    this.spin = inbound || !spinForReplies ? null : new ReadSpin();
  }

  @Override
  public final long id() {
    return id;
  }

  /** Whether the remote opened this stream. */
  public final boolean isInbound() {
    return inbound;
  }

  /** Whether this stream's reads may spin for replies (see {@link ReadSpin}); for tests. */
  public final boolean spinsForReplies() {
    return spin != null;
  }

  @Override
  public final InputStream in() {
    return in;
  }

  @Override
  public final OutputStream out() {
    return out;
  }

  // ---- hooks ----

  /** With the lock held: how many of {@code len} bytes may be sent now (0 = wait); consumes them. */
  protected abstract int sendCredit(int len);

  /** With the lock held, after {@code n} bytes were read or dropped: credit to return, or 0. */
  protected abstract int consumed(int n);

  /** Returns read credit to the remote; must not block for long. */
  protected abstract void sendCreditUpdate(int delta) throws IOException;

  /**
   * Sends one data frame (at most what {@link #sendCredit} granted). Blocking. {@code flush} is
   * false for all but the last frame of one {@code write} call.
   */
  protected abstract void sendData(byte[] b, int off, int len, boolean flush) throws IOException;

  /** Flushes data frames sent without flushing. */
  protected abstract void flushData() throws IOException;

  /** Sends our half-close. Blocking. */
  protected abstract void sendClose() throws IOException;

  /** Sends a reset without blocking; never throws. */
  protected abstract void sendReset();

  /** Forgets the stream in its connection (it is finished in both directions). */
  protected abstract void unregister();

  /**
   * The application is about to wait for data: a muxer that holds written data back (to send it
   * with a later close) sends it now, as the remote may be waiting for it to answer. Called with
   * {@link #lock} held; must not block. Default: nothing.
   */
  protected void readWouldBlock() {}

  // ---- application side ----

  private int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    int n;
    int credit;
    long spinStart = 0; // when this call spun; 0: it did not
    lock.lock();
    try {
      while (true) {
        if (readFailure != null) {
          throw failure(readFailure);
        }
        if (readClosed) {
          throw new IOException("stream " + id + " is closed");
        }
        if (buffer.size() > 0) {
          n = buffer.read(b, off, len);
          break;
        }
        if (remoteEof) {
          return -1;
        }
        readWouldBlock();
        if (spin != null && spinStart == 0 && spin.tryStart()) {
          spinStart = System.nanoTime() | 1;
          spinUntilChanged();
          continue; // the lock was released: look again before waiting
        }
        if (len < DIRECT_READ_MIN || direct != null) {
          await(readable);
        } else if ((n = awaitDirect(b, off, len)) > 0 && readFailure == null) {
          break;
        }
      }
      if (spin != null) {
        spin.readData();
        if (spinStart != 0) {
          spin.waited(System.nanoTime() - spinStart);
        }
      }
      credit = consumed(n);
      drained.signal();
    } finally {
      lock.unlock();
    }
    if (credit > 0) {
      sendCreditUpdate(credit);
    }
    return n;
  }

  /**
   * With the lock held: offers {@code b} to the reader thread and waits for a wake-up; returns how
   * many bytes the reader put into it (0 if none). Bytes already delivered are returned even if the
   * wait was interrupted (the interrupt status stays set); the caller drops them only when the
   * stream failed, as it drops buffered bytes. Only one read offers its array at a time: a second
   * concurrent read (outside this class's contract) waits without one, and every wake-up of
   * readers is a {@code signalAll}, so neither waits for bytes the other was given.
   */
  private int awaitDirect(byte[] b, int off, int len) throws InterruptedIOException {
    direct = b;
    directOff = off;
    directLen = len;
    directFilled = 0;
    try {
      readable.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (directFilled == 0) {
        throw new InterruptedIOException("interrupted while waiting on a stream");
      }
    } finally {
      direct = null;
    }
    return directFilled;
  }

  /** Whether a read waits with an array the reader thread may fill (for tests). */
  final boolean directReadWaiting() {
    lock.lock();
    try {
      return direct != null;
    } finally {
      lock.unlock();
    }
  }

  /**
   * With the lock held (released while spinning): spins until the stream changes or the spin time
   * is up. See {@link ReadSpin}.
   */
  private void spinUntilChanged() {
    int seen = changes;
    lock.unlock();
    try {
      long end = System.nanoTime() + spin.nanos();
      while (changes == seen && System.nanoTime() - end < 0) {
        Thread.onSpinWait();
      }
    } finally {
      spin.release();
      lock.lock();
    }
  }

  private void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (spin != null) {
      spin.wrote();
    }
    boolean unflushed = false;
    try {
      while (len > 0) {
        int n;
        lock.lock();
        try {
          while (true) {
            if (writeFailure != null) {
              throw failure(writeFailure);
            }
            if (writeClosed) {
              throw new IOException("stream " + id + " is closed for writing");
            }
            n = sendCredit(len);
            if (n > 0) {
              break;
            }
            if (unflushed) {
              // the remote must see what we sent before it can grant more credit
              lock.unlock();
              try {
                unflushed = false;
                flushData();
              } finally {
                lock.lock();
              }
              continue;
            }
            await(writable);
          }
        } finally {
          lock.unlock();
        }
        boolean last = n == len;
        unflushed = !last;
        sendData(b, off, n, last);
        off += n;
        len -= n;
      }
    } finally {
      if (unflushed) {
        // a writer that skipped its flush because we were queued relies on us flushing
        try {
          flushData();
        } catch (IOException e) {
          // the connection failed; the exception in flight says so
        }
      }
    }
  }

  @Override
  public void closeWrite() throws IOException {
    lock.lock();
    try {
      if (writeFailure != null) {
        throw failure(writeFailure);
      }
      if (writeClosed) {
        return;
      }
      writeClosed = true;
      writable.signalAll();
    } finally {
      lock.unlock();
    }
    sendClose();
    finishIfDone();
  }

  @Override
  public void close() throws IOException {
    closeRead();
    try {
      closeWrite();
    } catch (StreamResetException | ConnectionClosedException e) {
      // already gone: nothing left to close
    }
    finishIfDone();
  }

  /** Stops reading: buffered and later incoming data is dropped (its credit is returned). */
  public void closeRead() throws IOException {
    int credit;
    lock.lock();
    try {
      readClosed = true;
      credit = readFailure == null ? consumed(buffer.clear()) : 0;
      changes++;
      readable.signalAll();
      drained.signalAll();
    } finally {
      lock.unlock();
    }
    if (credit > 0) {
      sendCreditUpdate(credit);
    }
  }

  @Override
  public void reset() {
    resetLocally(null);
  }

  /** Resets the stream from our side with {@code reason} (null: by the application). */
  public final void resetLocally(String reason) {
    boolean wasRemoved;
    lock.lock();
    try {
      if (readFailure != null && writeFailure != null) {
        return;
      }
      wasRemoved = removed;
      if (readFailure == null) {
        readFailure = Failure.RESET_LOCAL;
      }
      if (writeFailure == null) {
        writeFailure = Failure.RESET_LOCAL;
      }
      resetReason = reason;
      buffer.clear();
      removed = true;
      signalAll();
    } finally {
      lock.unlock();
    }
    if (!wasRemoved) {
      sendReset();
      unregister();
    }
  }

  // ---- reader-thread side ----

  /** Whether incoming data is no longer wanted (it is dropped). */
  protected final boolean discarding() {
    return readFailure != null || readClosed || remoteEof;
  }

  /**
   * Reader thread: moves {@code len} payload bytes from {@code input} into the buffer, or into the
   * array of a read that waits for them when they have arrived.
   */
  protected final void receive(FrameInput input, int len) throws IOException {
    DeferredSignals deferred = input.deferred();
    while (len > 0) {
      byte[] chunk;
      int pos;
      lock.lock();
      try {
        if (discarding()) {
          int credit = readFailure == null && readClosed ? consumed(len) : 0;
          lock.unlock();
          try {
            input.skip(len);
            if (credit > 0) {
              sendCreditUpdate(credit);
            }
          } finally {
            lock.lock();
          }
          return;
        }
        if (direct != null && directFilled < directLen && buffer.size() == 0 && input.readableNow() > 0) {
          // a read waits with its own array and the bytes are here: one copy (or a decryption
          // straight into it), under the lock, since this read cannot block
          int want = Math.min(len, directLen - directFilled);
          int n = input.readSome(direct, directOff + directFilled, want, want);
          directFilled += n;
          len -= n;
          changes++;
          if (wakeOrHold(deferred, directFilled)) {
            deferred.hold(this);
          }
          continue;
        }
        chunk = buffer.writeChunk(len);
        pos = buffer.writePosition();
      } finally {
        lock.unlock();
      }
      int n = input.readSome(chunk, pos, Math.min(len, chunk.length - pos), chunk.length - pos);
      boolean hold = false;
      lock.lock();
      try {
        buffer.commit(n);
        changes++;
        if (discarding()) {
          buffer.clear();
        }
        hold = wakeOrHold(deferred, buffer.size());
      } finally {
        lock.unlock();
      }
      if (hold) {
        deferred.hold(this);
      }
      len -= n;
    }
  }

  /**
   * Reader thread, with the lock held, after {@code pending} bytes became readable: wakes the
   * waiting read now if nothing defers wake-ups or that is {@link DeferredSignals#IMMEDIATE_BYTES}
   * or more, else holds the wake-up back. Returns true when it starts holding one, which the caller
   * then registers with {@code deferred}.
   */
  private boolean wakeOrHold(DeferredSignals deferred, int pending) {
    if (deferred == null || pending >= DeferredSignals.IMMEDIATE_BYTES) {
      signalHeld = false;
      readable.signalAll();
      return false;
    }
    if (signalHeld) {
      return false;
    }
    signalHeld = true;
    return true;
  }

  /** Reader thread: sends the wake-up that {@link #receive} held back, if still due. */
  final void releaseHeldSignal() {
    lock.lock();
    try {
      if (signalHeld) {
        signalHeld = false;
        readable.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Reader thread: the remote closed its write side. */
  protected final void remoteClosed() {
    lock.lock();
    try {
      remoteEof = true;
      changes++;
      readable.signalAll();
      drained.signalAll();
    } finally {
      lock.unlock();
    }
    finishIfDone();
  }

  /** Reader thread: the remote reset the stream. */
  protected final void remoteReset() {
    lock.lock();
    try {
      if (readFailure == null && !remoteEof) {
        readFailure = Failure.RESET_REMOTE;
        buffer.clear();
      }
      if (writeFailure == null && !writeClosed) {
        writeFailure = Failure.RESET_REMOTE;
      }
      removed = true;
      signalAll();
    } finally {
      lock.unlock();
    }
    unregister();
  }

  /**
   * Reader thread: the remote stopped reading (QUIC STOP_SENDING) but may still send: writing fails
   * as a reset, reading goes on.
   */
  protected final void remoteStoppedReading() {
    lock.lock();
    try {
      if (writeFailure == null && !writeClosed) {
        writeFailure = Failure.RESET_REMOTE;
      }
      writable.signalAll();
    } finally {
      lock.unlock();
    }
    finishIfDone();
  }

  /**
   * The connection is gone: blocked and future calls fail with a {@link ConnectionClosedException}
   * carrying {@code cause}, except that data the remote finished sending stays readable.
   */
  public final void connectionClosed(IOException cause) {
    lock.lock();
    try {
      connectionCause = cause;
      if (readFailure == null && !remoteEof) {
        readFailure = Failure.CONNECTION;
        buffer.clear();
      }
      if (writeFailure == null) {
        writeFailure = Failure.CONNECTION;
      }
      removed = true;
      signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void finishIfDone() {
    lock.lock();
    try {
      boolean done =
          (writeClosed || writeFailure != null)
              && (remoteEof || readFailure != null)
              && !removed;
      if (!done) {
        return;
      }
      removed = true;
    } finally {
      lock.unlock();
    }
    unregister();
  }

  private void signalAll() {
    changes++;
    readable.signalAll();
    writable.signalAll();
    drained.signalAll();
  }

  /** Awaits {@code c} with the lock held; an interrupt becomes an {@link InterruptedIOException}. */
  protected static void await(Condition c) throws InterruptedIOException {
    try {
      c.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting on a stream");
    }
  }

  private IOException failure(Failure f) {
    return switch (f) {
      case RESET_LOCAL ->
          new StreamResetException(
              "stream " + id + " was reset locally" + (resetReason == null ? "" : ": " + resetReason));
      case RESET_REMOTE -> new StreamResetException("stream " + id + " was reset by the remote peer");
      case CONNECTION ->
          connectionCause == null
              ? new ConnectionClosedException("stream " + id + ": connection closed")
              : new ConnectionClosedException(
                  "stream " + id + ": connection closed: " + connectionCause.getMessage(),
                  connectionCause);
    };
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + id + (inbound ? " inbound" : " outbound") + "]";
  }

  private final class In extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = MuxStream.this.read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return MuxStream.this.read(b, off, len);
    }

    @Override
    public int available() {
      lock.lock();
      try {
        return buffer.size();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void close() throws IOException {
      closeRead();
      finishIfDone();
    }
  }

  private final class Out extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      MuxStream.this.write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      MuxStream.this.write(b, off, len);
    }

    @Override
    public void flush() {
      // every write is handed to the connection's writer, which flushes
    }

    @Override
    public void close() throws IOException {
      closeWrite();
    }
  }
}

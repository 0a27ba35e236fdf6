package io.jlibp2p.bench.jmh;

import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.spi.RawConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Two {@link RawConnection}s joined in memory, for benchmarks that run a security protocol or a
 * muxer without sockets. Each direction is a bounded byte ring: writers block while it is full,
 * readers while it is empty. {@link #discard} empties a direction, for benchmarks that only write.
 */
public final class MemoryPipe {
  /** Bytes one direction holds at most. */
  public static final int CAPACITY = 4 << 20;

  private final Ring toB = new Ring();
  private final Ring toA = new Ring();
  private final RawConnection a = new End(toA, toB, true);
  private final RawConnection b = new End(toB, toA, false);

  /** The dialing end. */
  public RawConnection a() {
    return a;
  }

  /** The listening end. */
  public RawConnection b() {
    return b;
  }

  /** Drops whatever {@code a} wrote that {@code b} did not read. */
  public void discardAtoB() {
    toB.clear();
  }

  private static final class Ring {
    private final byte[] buf = new byte[CAPACITY];
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private int head;
    private int size;
    private boolean closed;

    void write(byte[] b, int off, int len) throws IOException {
      lock.lock();
      try {
        while (len > 0) {
          while (size == buf.length && !closed) {
            await();
          }
          if (closed) {
            throw new IOException("pipe closed");
          }
          int tail = (head + size) % buf.length;
          int n = Math.min(len, Math.min(buf.length - size, buf.length - tail));
          System.arraycopy(b, off, buf, tail, n);
          size += n;
          off += n;
          len -= n;
          changed.signalAll();
        }
      } finally {
        lock.unlock();
      }
    }

    int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      lock.lock();
      try {
        while (size == 0 && !closed) {
          await();
        }
        if (size == 0) {
          return -1;
        }
        int n = Math.min(len, Math.min(size, buf.length - head));
        System.arraycopy(buf, head, b, off, n);
        head = (head + n) % buf.length;
        size -= n;
        changed.signalAll();
        return n;
      } finally {
        lock.unlock();
      }
    }

    int available() {
      lock.lock();
      try {
        return size;
      } finally {
        lock.unlock();
      }
    }

    void clear() {
      lock.lock();
      try {
        head = 0;
        size = 0;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    void close() {
      lock.lock();
      try {
        closed = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    private void await() throws InterruptedIOException {
      try {
        changed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException();
      }
    }
  }

  private static final class End implements RawConnection {
    private static final Multiaddr ADDR = Multiaddr.parse("/ip4/127.0.0.1/tcp/1");
    private final Ring in;
    private final Ring out;
    private final boolean initiator;
    private final InputStream input;
    private final OutputStream output;

    End(Ring in, Ring out, boolean initiator) {
      this.in = in;
      this.out = out;
      this.initiator = initiator;
      this.input = new InputStream() {
        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          return End.this.in.read(b, off, len);
        }

        @Override
        public int available() {
          return End.this.in.available();
        }
      };
      this.output = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          End.this.out.write(b, off, len);
        }
      };
    }

    @Override
    public InputStream in() {
      return input;
    }

    @Override
    public OutputStream out() {
      return output;
    }

    @Override
    public Multiaddr localAddress() {
      return ADDR;
    }

    @Override
    public Multiaddr remoteAddress() {
      return ADDR;
    }

    @Override
    public boolean isInitiator() {
      return initiator;
    }

    @Override
    public void close() {
      in.close();
      out.close();
    }
  }
}

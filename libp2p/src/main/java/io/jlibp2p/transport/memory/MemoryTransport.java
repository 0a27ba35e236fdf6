package io.jlibp2p.transport.memory;

import io.jlibp2p.core.ConnectionClosedException;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.spi.RawConnection;
import io.jlibp2p.spi.Transport;
import io.jlibp2p.spi.TransportListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An in-process transport for {@code /memory/<id>} addresses (as go-libp2p's): connections are
 * pairs of bounded pipes between listeners and dialers of the same JVM, then upgraded like any
 * other raw connection (security, muxer). For tests and for wiring hosts together without sockets.
 *
 * <p>Listeners live in one registry per JVM: {@code /memory/0} listens on a fresh id, any other id
 * on that id (an id in use is refused). Dialing an id nobody listens on fails at once with a
 * {@link ConnectException}. Each direction of a connection buffers at most {@link #PIPE_CAPACITY}
 * bytes: a writer blocks while its reader does not read. At most {@link #MAX_PENDING} dialed
 * connections wait for {@code accept()} per listener; more are refused.
 *
 * <p>Thread-safe; no threads of its own. {@link #close()} closes the listeners this transport
 * opened; connections belong to their owners.
 *
 * {@snippet :
 * Host host = Libp2p.builder().transport(new MemoryTransport()).listen("/memory/0").build();
 * }
 */
public final class MemoryTransport implements Transport {
  /** Bytes buffered in each direction of a connection. */
  public static final int PIPE_CAPACITY = 64 * 1024;

  /** Dialed connections that may wait for {@code accept()} on one listener. */
  public static final int MAX_PENDING = 128;

  private static final Map<Long, Listener> LISTENERS = new ConcurrentHashMap<>();
  private static final AtomicLong NEXT_ID = new AtomicLong(1);

  private final Set<Listener> mine = ConcurrentHashMap.newKeySet();

  /** A transport on the JVM-wide registry of memory listeners. */
  public MemoryTransport() {}

  @Override
  public boolean canDial(Multiaddr address) {
    return id(address.withoutPeerId()) != null;
  }

  @Override
  public boolean canListen(Multiaddr address) {
    return id(address) != null;
  }

  @Override
  public RawConnection dial(Multiaddr address, Duration timeout) throws IOException {
    Long id = id(address.withoutPeerId());
    if (id == null) {
      throw new IllegalArgumentException("address: " + address + " (expected: /memory/<id>)");
    }
    Listener l = LISTENERS.get(id);
    if (l == null) {
      throw new ConnectException("nothing listens on " + address.withoutPeerId());
    }
    Multiaddr local = address(freshId());
    Pipe toListener = new Pipe();
    Pipe toDialer = new Pipe();
    Conn dialer = new Conn(toDialer, toListener, local, l.address, true);
    Conn accepted = new Conn(toListener, toDialer, l.address, local, false);
    l.offer(accepted);
    return dialer;
  }

  @Override
  public TransportListener listen(Multiaddr address) throws IOException {
    Long id = id(address);
    if (id == null) {
      throw new IllegalArgumentException("address: " + address + " (expected: /memory/<id>)");
    }
    while (true) {
      long chosen = id == 0 ? freshId() : id;
      Listener l = new Listener(chosen);
      if (LISTENERS.putIfAbsent(chosen, l) == null) {
        mine.add(l);
        return l;
      }
      if (id != 0) {
        throw new IOException("/memory/" + Long.toUnsignedString(id) + " is already in use");
      }
    }
  }

  @Override
  public void close() {
    for (Listener l : List.copyOf(mine)) {
      l.close();
    }
  }

  /** The id of a {@code /memory/<id>} address, or null for any other address. */
  private static Long id(Multiaddr address) {
    List<Multiaddr.Component> c = address.components();
    if (c.size() != 1 || c.getFirst().protocol() != Multiaddr.Protocol.MEMORY) {
      return null;
    }
    return Long.parseUnsignedLong(c.getFirst().valueString());
  }

  private static long freshId() {
    long id;
    do {
      id = NEXT_ID.getAndIncrement();
    } while (id == 0 || LISTENERS.containsKey(id));
    return id;
  }

  private static Multiaddr address(long id) {
    return Multiaddr.parse("/memory/" + Long.toUnsignedString(id));
  }

  /** One listening id: a bounded queue of dialed connections. */
  private final class Listener implements TransportListener {
    final long id;
    final Multiaddr address;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<Conn> pending = new ArrayDeque<>();
    private boolean closed; // guarded by lock

    Listener(long id) {
      this.id = id;
      this.address = address(id);
    }

    void offer(Conn c) throws IOException {
      lock.lock();
      try {
        if (closed) {
          throw new ConnectException("nothing listens on " + address);
        }
        if (pending.size() >= MAX_PENDING) {
          throw new ConnectException(address + ": " + MAX_PENDING + " connections already wait to be accepted");
        }
        pending.addLast(c);
        arrived.signal();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public Multiaddr localAddress() {
      return address;
    }

    @Override
    public RawConnection accept() throws IOException {
      lock.lock();
      try {
        while (pending.isEmpty()) {
          if (closed) {
            throw new ConnectionClosedException("memory listener " + address + " is closed");
          }
          arrived.await();
        }
        return pending.pollFirst();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while accepting on " + address);
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void close() {
      List<Conn> refused;
      lock.lock();
      try {
        if (closed) {
          return;
        }
        closed = true;
        refused = List.copyOf(pending);
        pending.clear();
        arrived.signalAll();
      } finally {
        lock.unlock();
      }
      LISTENERS.remove(id, this);
      mine.remove(this);
      refused.forEach(Conn::close);
    }
  }

  /** One side of a connection: reads from one pipe, writes to the other. */
  private static final class Conn implements RawConnection {
    private final Pipe in;
    private final Pipe out;
    private final Multiaddr local;
    private final Multiaddr remote;
    private final boolean initiator;
    private final InputStream input;
    private final OutputStream output;

    Conn(Pipe in, Pipe out, Multiaddr local, Multiaddr remote, boolean initiator) {
      this.in = in;
      this.out = out;
      this.local = local;
      this.remote = remote;
      this.initiator = initiator;
      this.input = in.reader();
      this.output = out.writer();
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
      return local;
    }

    @Override
    public Multiaddr remoteAddress() {
      return remote;
    }

    @Override
    public boolean isInitiator() {
      return initiator;
    }

    @Override
    public void close() {
      in.closeReader();
      out.closeWriter();
    }

    @Override
    public String toString() {
      return "memory " + local + " -> " + remote;
    }
  }

  /** A bounded byte ring with one writer side and one reader side. */
  private static final class Pipe {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();
    private final byte[] ring = new byte[PIPE_CAPACITY];
    private int head; // next byte to read
    private int size; // guarded by lock, as all fields below
    private boolean writerClosed;
    private boolean readerClosed;

    void closeWriter() {
      lock.lock();
      try {
        writerClosed = true;
        readable.signalAll();
        writable.signalAll();
      } finally {
        lock.unlock();
      }
    }

    void closeReader() {
      lock.lock();
      try {
        readerClosed = true;
        size = 0;
        readable.signalAll();
        writable.signalAll();
      } finally {
        lock.unlock();
      }
    }

    int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      lock.lock();
      try {
        while (size == 0) {
          if (readerClosed) {
            throw new ConnectionClosedException("memory connection is closed");
          }
          if (writerClosed) {
            return -1;
          }
          readable.await();
        }
        if (readerClosed) {
          throw new ConnectionClosedException("memory connection is closed");
        }
        int n = Math.min(len, size);
        int first = Math.min(n, ring.length - head);
        System.arraycopy(ring, head, b, off, first);
        System.arraycopy(ring, 0, b, off + first, n - first);
        head = (head + n) % ring.length;
        size -= n;
        writable.signalAll();
        return n;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading a memory connection");
      } finally {
        lock.unlock();
      }
    }

    void write(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      lock.lock();
      try {
        while (len > 0) {
          if (writerClosed) {
            throw new ConnectionClosedException("memory connection is closed");
          }
          if (readerClosed) {
            throw new ConnectionClosedException("the remote closed the memory connection");
          }
          if (size == ring.length) {
            writable.await();
            continue;
          }
          int n = Math.min(len, ring.length - size);
          int tail = (head + size) % ring.length;
          int first = Math.min(n, ring.length - tail);
          System.arraycopy(b, off, ring, tail, first);
          System.arraycopy(b, off + first, ring, 0, n - first);
          size += n;
          off += n;
          len -= n;
          readable.signalAll();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while writing a memory connection");
      } finally {
        lock.unlock();
      }
    }

    InputStream reader() {
      return new InputStream() {
        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return Pipe.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          return Pipe.this.read(b, off, len);
        }

        @Override
        public int available() {
          lock.lock();
          try {
            return size;
          } finally {
            lock.unlock();
          }
        }

        @Override
        public void close() {
          closeReader();
        }
      };
    }

    OutputStream writer() {
      return new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          Pipe.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          Pipe.this.write(b, off, len);
        }

        @Override
        public void close() {
          closeWriter();
        }
      };
    }
  }
}

package io.jlibp2p.transport.quic.internal;

import io.jlibp2p.core.ConnectionClosedException;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.spi.SecureMuxedConnection;
import io.jlibp2p.spi.SecureMuxedListener;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A listening UDP socket's queue of authenticated inbound connections, bounded by {@code
 * acceptBacklog} (more are closed). One thread accepts; any thread may close. Closing stops
 * accepting; the socket itself stays open while connections on it (inbound, or dialed from its
 * port) are alive.
 */
final class QuicListener implements SecureMuxedListener {
  private final QuicEngine engine;
  private final QuicEndpoint endpoint;
  private final Multiaddr local;
  private final int backlog;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private final ArrayDeque<QuicMuxedConnection> queue = new ArrayDeque<>();
  private boolean closed;

  QuicListener(QuicEngine engine, QuicEndpoint endpoint, int backlog) {
    this.engine = engine;
    this.endpoint = endpoint;
    this.local = QuicAddresses.toMultiaddr(endpoint.localAddress);
    this.backlog = backlog;
  }

  QuicEndpoint endpoint() {
    return endpoint;
  }

  /** Event loop: queues a new connection; false if closed or full. */
  boolean offer(QuicMuxedConnection c) {
    lock.lock();
    try {
      if (closed || queue.size() >= backlog) {
        return false;
      }
      queue.addLast(c);
      arrived.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Multiaddr localAddress() {
    return local;
  }

  @Override
  public SecureMuxedConnection accept() throws IOException {
    lock.lock();
    try {
      while (true) {
        if (closed) {
          throw new ConnectionClosedException("QUIC listener " + local + " is closed");
        }
        QuicMuxedConnection c = queue.pollFirst();
        if (c != null) {
          return c;
        }
        arrived.await();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while accepting on " + local);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    List<QuicMuxedConnection> left;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      left = List.copyOf(queue);
      queue.clear();
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
    left.forEach(QuicMuxedConnection::close);
    engine.listenerClosed(this);
    endpoint.stopListening();
  }

  @Override
  public String toString() {
    return "QUIC listener " + local;
  }
}

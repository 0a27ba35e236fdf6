package io.jlibp2p.transport.quic.internal;

import io.jlibp2p.core.ConnectionClosedException;
import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.spi.MuxedStream;
import io.jlibp2p.spi.SecureMuxedConnection;
import io.jlibp2p.transport.quic.QuicConfig;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An authenticated QUIC connection as a {@link SecureMuxedConnection}. Thread-safe: any thread may
 * open streams, one accepts. Inbound streams wait in a queue bounded by {@link
 * QuicConfig#maxStreams()} (QUIC's own stream limit keeps the remote below it).
 */
final class QuicMuxedConnection implements SecureMuxedConnection {
  static final ProtocolId SECURITY = ProtocolId.of("/tls/1.0.0");
  static final ProtocolId MUXER = ProtocolId.of("/quic-v1");

  /** How often a blocked {@link #openStream} looks at the stream limit again without an event. */
  private static final long STREAM_LIMIT_POLL_MILLIS = 50;

  private final QuicChannel channel;
  private final QuicConfig config;
  private final PeerId localPeer;
  private final PeerId remotePeer;
  private final PublicKey remoteKey;
  private final Multiaddr local;
  private final Multiaddr remote;
  private final boolean initiator;
  private final Map<Long, QuicStream> streams = new ConcurrentHashMap<>();

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<QuicStream> incoming = new ArrayDeque<>();
  private volatile boolean closed;
  private IOException closeCause; // guarded by lock

  QuicMuxedConnection(
      QuicChannel channel,
      QuicConfig config,
      PeerId localPeer,
      PeerId remotePeer,
      PublicKey remoteKey,
      Multiaddr local,
      Multiaddr remote,
      boolean initiator) {
    this.channel = channel;
    this.config = config;
    this.localPeer = localPeer;
    this.remotePeer = remotePeer;
    this.remoteKey = remoteKey;
    this.local = local;
    this.remote = remote;
    this.initiator = initiator;
  }

  QuicConfig config() {
    return config;
  }

  QuicChannel channel() {
    return channel;
  }

  // ---- called on the event loop ----

  /** A stream channel was created (by us or the remote); wraps it. */
  QuicStream adopt(QuicStreamChannel sc, boolean inbound) {
    QuicStream s = new QuicStream(this, sc, inbound);
    sc.pipeline().addLast(s.new Handler());
    streams.put(s.id(), s);
    if (inbound) {
      boolean queued;
      lock.lock();
      try {
        queued = !closed && incoming.size() < config.maxStreams();
        if (queued) {
          incoming.addLast(s);
          changed.signalAll();
        }
      } finally {
        lock.unlock();
      }
      if (!queued) {
        s.resetLocally("accept backlog full");
      }
    }
    s.start();
    return s;
  }

  /** The remote's stream limit changed. */
  void streamLimitChanged() {
    signal();
  }

  /** The QUIC connection ended (closed by either side, idle timeout, or failure). */
  void channelClosed(String reason) {
    markClosed(new ConnectionClosedException("QUIC connection to " + remotePeer + " " + reason));
  }

  void streamFinished(QuicStream s) {
    streams.remove(s.id(), s);
  }

  // ---- application side ----

  @Override
  public MuxedStream openStream() throws IOException {
    while (true) {
      ensureOpen();
      Promise<QuicStreamChannel> p = channel.eventLoop().newPromise();
      channel.eventLoop().execute(
          () -> {
            if (!channel.isActive()) {
              p.tryFailure(new ConnectionClosedException("QUIC connection is closed"));
            } else if (channel.peerAllowedStreams(QuicStreamType.BIDIRECTIONAL) > 0) {
              channel.createStream(QuicStreamType.BIDIRECTIONAL, new StreamInit(this, false), p);
            } else {
              p.trySuccess(null);
            }
          });
      QuicStreamChannel sc;
      try {
        sc = p.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while opening a QUIC stream");
      } catch (ExecutionException e) {
        ensureOpen();
        throw new IOException("cannot open a QUIC stream: " + e.getCause(), e.getCause());
      }
      if (sc != null) {
        QuicStream s = sc.attr(StreamInit.STREAM).get();
        if (s == null) {
          sc.close();
          throw new IOException("QUIC stream " + sc.streamId() + " failed to start");
        }
        return s;
      }
      lock.lock();
      try {
        if (!closed) {
          changed.await(STREAM_LIMIT_POLL_MILLIS, TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for the QUIC stream limit");
      } finally {
        lock.unlock();
      }
    }
  }

  @Override
  public MuxedStream acceptStream() throws IOException {
    lock.lock();
    try {
      while (true) {
        QuicStream s = incoming.pollFirst();
        if (s != null) {
          return s;
        }
        if (closed) {
          throw closeCause;
        }
        changed.await();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while accepting a QUIC stream");
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    if (markClosed(new ConnectionClosedException("QUIC connection to " + remotePeer + " was closed"))) {
      channel.close(true, 0, Unpooled.EMPTY_BUFFER);
    }
  }

  private boolean markClosed(IOException cause) {
    List<QuicStream> unaccepted;
    lock.lock();
    try {
      if (closed) {
        return false;
      }
      closed = true;
      closeCause = cause;
      unaccepted = List.copyOf(incoming);
      incoming.clear();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    for (QuicStream s : streams.values()) {
      s.connectionClosed(cause);
    }
    for (QuicStream s : unaccepted) {
      s.connectionClosed(cause);
    }
    streams.clear();
    return true;
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      lock.lock();
      try {
        throw new ConnectionClosedException(closeCause.getMessage(), closeCause);
      } finally {
        lock.unlock();
      }
    }
  }

  private void signal() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public PeerId localPeer() {
    return localPeer;
  }

  @Override
  public PeerId remotePeer() {
    return remotePeer;
  }

  @Override
  public PublicKey remotePublicKey() {
    return remoteKey;
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
  public ProtocolId securityProtocol() {
    return SECURITY;
  }

  @Override
  public ProtocolId muxerProtocol() {
    return MUXER;
  }

  /** Number of streams not yet finished, for tests. */
  int openStreams() {
    return streams.size();
  }

  @Override
  public String toString() {
    return "QUIC " + (initiator ? "to " : "from ") + remotePeer + " " + remote;
  }
}

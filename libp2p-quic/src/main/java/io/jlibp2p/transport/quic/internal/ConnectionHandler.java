package io.jlibp2p.transport.quic.internal;

import io.jlibp2p.core.PeerIdMismatchException;
import io.jlibp2p.core.SecurityHandshakeException;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.security.tls.internal.TlsCertificates;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicDatagramExtensionEvent;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamLimitChangedEvent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The handler of one QUIC connection channel: turns the authenticated handshake into a {@link
 * QuicMuxedConnection} (handing it to the dialer or the listener), enforces the handshake timeout,
 * sends keep-alives, and reports the connection's end. Runs on the connection's event loop.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = Logger.getLogger(ConnectionHandler.class.getName());

  static final AttributeKey<QuicMuxedConnection> CONNECTION =
      AttributeKey.valueOf(ConnectionHandler.class, "connection");

  private final QuicEngine engine;
  private final QuicEndpoint endpoint;
  private final boolean inbound;
  /** The dialer's result; null for inbound connections. */
  private final CompletableFuture<QuicMuxedConnection> result;

  private QuicMuxedConnection conn;
  private ScheduledFuture<?> handshakeTimer;
  private ScheduledFuture<?> keepAlive;
  private boolean datagrams;
  private QuicConnectionCloseEvent closeEvent;
  private Throwable failure;

  ConnectionHandler(
      QuicEngine engine,
      QuicEndpoint endpoint,
      boolean inbound,
      CompletableFuture<QuicMuxedConnection> result) {
    this.engine = engine;
    this.endpoint = endpoint;
    this.inbound = inbound;
    this.result = result;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    endpoint.connectionOpened();
    Duration hs = engine.config().handshakeTimeout();
    handshakeTimer =
        ctx.executor()
            .schedule(
                () -> {
                  if (conn == null) {
                    fail(new IOException("QUIC handshake timed out after " + hs));
                    ctx.channel().close();
                  }
                },
                hs.toNanos(),
                TimeUnit.NANOSECONDS);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    handshakeTimer.cancel(false);
    QuicChannel ch = (QuicChannel) ctx.channel();
    QuicTls.PeerVerification v = ch.attr(QuicTls.VERIFICATION).get();
    TlsCertificates.VerifiedPeer peer;
    try {
      peer = engine.tls().verifiedPeer(ch, v);
    } catch (IOException e) {
      fail(e);
      ch.close();
      return;
    }
    Multiaddr local = QuicAddresses.toMultiaddr(endpoint.localAddress);
    Multiaddr remote = QuicAddresses.toMultiaddr((InetSocketAddress) ch.remoteSocketAddress());
    conn =
        new QuicMuxedConnection(
            ch, engine.config(), engine.localPeer(), peer.peerId(), peer.publicKey(), local, remote,
            !inbound);
    ch.attr(CONNECTION).set(conn);
    Duration ka = engine.config().keepAliveInterval();
    if (!ka.isZero()) {
      keepAlive =
          ctx.executor()
              .scheduleAtFixedRate(
                  () -> {
                    if (datagrams && ch.isActive()) {
                      // one byte: Netty skips empty datagrams; the peer drops it unread
                      ch.writeAndFlush(ch.alloc().directBuffer(1).writeByte(0));
                    }
                  },
                  ka.toNanos(),
                  ka.toNanos(),
                  TimeUnit.NANOSECONDS);
    }
    if (inbound) {
      QuicListener l = endpoint.listener();
      if (l == null || !l.offer(conn)) {
        conn.close();
      }
    } else if (!result.complete(conn)) {
      conn.close(); // the dialer gave up
    }
    ctx.fireChannelActive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof QuicStreamLimitChangedEvent) {
      if (conn != null) {
        conn.streamLimitChanged();
      }
    } else if (evt instanceof QuicDatagramExtensionEvent) {
      datagrams = true;
    } else if (evt instanceof QuicConnectionCloseEvent e) {
      closeEvent = e;
    }
    ReferenceCountUtil.release(evt);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof QuicStreamChannel) {
      ctx.fireChannelRead(msg); // the pipeline's end registers it with the stream handler
    } else {
      ReferenceCountUtil.release(msg); // QUIC datagrams (keep-alives) carry nothing for us
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (failure == null) {
      failure = cause;
    }
    LOG.log(Level.FINE, "QUIC connection error", cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    handshakeTimer.cancel(false);
    if (keepAlive != null) {
      keepAlive.cancel(false);
    }
    endpoint.connectionClosed();
    QuicChannel ch = (QuicChannel) ctx.channel();
    if (conn != null) {
      String reason;
      if (ch.isTimedOut()) {
        reason = "timed out (nothing received for the idle timeout)";
      } else if (closeEvent != null) {
        reason = "was closed (" + (closeEvent.isApplicationClose() ? "application" : "transport")
            + " error " + closeEvent.error() + ")";
      } else {
        reason = "was closed";
      }
      conn.channelClosed(reason);
    } else {
      fail(handshakeFailure(ch.attr(QuicTls.VERIFICATION).get(), failure));
    }
    ctx.fireChannelInactive();
  }

  /** Completes the dial with {@code e} (inbound handshakes have nobody to tell). */
  void fail(IOException e) {
    if (result != null) {
      result.completeExceptionally(e);
    } else {
      LOG.log(Level.FINE, "inbound QUIC handshake failed", e);
    }
  }

  /** Why a handshake ended without a connection, as precisely as we know. */
  IOException handshakeFailure(QuicTls.PeerVerification v, Throwable cause) {
    if (v != null && v.failure != null) {
      if (v.failure.peerMismatch()) {
        return new PeerIdMismatchException(v.failure.getMessage());
      }
      return new SecurityHandshakeException(
          "QUIC handshake: remote certificate rejected: " + v.failure.getMessage(), v.failure);
    }
    if (closeEvent != null && closeEvent.isTlsError()) {
      return new SecurityHandshakeException(
          "QUIC handshake: the remote rejected our TLS handshake (alert "
              + QuicConnectionCloseEvent.extractTlsError(closeEvent.error()) + ")");
    }
    if (cause != null) {
      return new IOException("QUIC handshake failed: " + cause, cause);
    }
    return new IOException("QUIC connection closed during the handshake");
  }
}

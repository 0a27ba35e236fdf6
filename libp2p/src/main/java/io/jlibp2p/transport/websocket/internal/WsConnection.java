package io.jlibp2p.transport.websocket.internal;

import io.jlibp2p.internal.BufferPool;
import io.jlibp2p.internal.SocketStreams;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.spi.RawConnection;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLSocket;

/**
 * One WebSocket over a (possibly TLS) socket: {@link #in()} is the payload of the binary frames
 * received, {@link #out()} sends binary frames. It is returned with its opening handshake done
 * ({@link #dial} or {@link #accept}). Thread-safe as {@link RawConnection} requires.
 */
public final class WsConnection implements RawConnection, WsInput.Peer {
  /**
   * Limits of one connection, and the transport's pools of read buffers and of send buffers
   * ({@link WsOutput#framePool}), shared by its connections.
   */
  public record Settings(
      long maxFramePayload, int maxHandshakeBytes, long handshakeTimeoutNanos, BufferPool readBuffers,
      BufferPool frameBuffers) {}

  private final Socket socket;
  /** The socket's streams; closing them closes the socket. */
  private final SocketStreams streams;
  private final boolean initiator;
  private final Multiaddr local;
  private final Multiaddr remote;
  private final Settings settings;
  private final RandomGenerator random;
  private final WsInput in;
  private final WsOutput out;
  private final AtomicBoolean closed = new AtomicBoolean();

  private final long handshakeDeadline;
  private volatile boolean upgraded;

  private WsConnection(
      Socket socket, boolean initiator, Multiaddr local, Multiaddr remote, Settings settings,
      RandomGenerator random, long handshakeDeadline) throws IOException {
    this.socket = socket;
    this.initiator = initiator;
    this.local = local;
    this.remote = remote;
    this.settings = settings;
    this.random = random;
    this.handshakeDeadline = handshakeDeadline;
    this.streams = new SocketStreams(socket);
    this.out = new WsOutput(streams.out(), initiator, random, settings.frameBuffers());
    this.in = new WsInput(streams.in(), !initiator, settings.maxFramePayload(),
        settings.readBuffers(), this);
  }

  /**
   * Runs the client side of the opening handshake on a connected socket (TLS already done for
   * wss) and returns the connection; closes the socket on failure.
   */
  public static WsConnection dial(
      Socket socket, WsAddress target, Multiaddr local, Multiaddr remote, Settings settings,
      RandomGenerator random, long deadlineNanos) throws IOException {
    WsConnection c = null;
    try {
      c = new WsConnection(socket, true, local, remote, settings, random, deadlineNanos);
      c.clientHandshake(target);
      return c;
    } catch (IOException | RuntimeException e) {
      closeQuietly(c != null ? c.streams : socket);
      throw e;
    }
  }

  /**
   * Runs the server side of the opening handshake (the TLS handshake first for an {@link
   * SSLSocket}) on an accepted socket, within {@code handshakeTimeoutNanos}; closes the socket on
   * failure. A refused upgrade request gets an HTTP error status before the socket closes.
   */
  public static WsConnection accept(
      Socket socket, Multiaddr local, Multiaddr remote, Settings settings, RandomGenerator random)
      throws IOException {
    WsConnection c = null;
    try {
      c = new WsConnection(socket, false, local, remote, settings, random,
          System.nanoTime() + settings.handshakeTimeoutNanos());
      c.serverHandshake();
      return c;
    } catch (IOException | RuntimeException e) {
      closeQuietly(c != null ? c.streams : socket);
      throw e;
    }
  }

  private void clientHandshake(WsAddress target) throws IOException {
    byte[] keyBytes = new byte[16];
    random.nextBytes(keyBytes);
    String key = WsHandshake.newKey(keyBytes);
    try {
      applyDeadline();
      out.writeRaw(WsHandshake.request(target.hostHeader(), "/", key));
      String head = in.readHttpHead(settings.maxHandshakeBytes(), this::applyDeadline);
      WsHandshake.checkResponse(WsHandshake.parse(head), key);
      socket.setSoTimeout(0);
      upgraded = true;
    } catch (SocketTimeoutException e) {
      throw timedOut(e);
    }
  }

  private void serverHandshake() throws IOException {
    try {
      if (socket instanceof SSLSocket ssl) {
        applyDeadline();
        ssl.startHandshake();
      }
      String head = in.readHttpHead(settings.maxHandshakeBytes(), this::applyDeadline);
      String key;
      try {
        key = WsHandshake.checkRequest(WsHandshake.parse(head));
      } catch (WsHandshake.Refused e) {
        try {
          out.writeRaw(WsHandshake.refusal(e.status()));
        } catch (IOException ignored) {
          // the refusal is a courtesy
        }
        throw e;
      }
      out.writeRaw(WsHandshake.response(key));
      socket.setSoTimeout(0);
      upgraded = true;
    } catch (SocketTimeoutException e) {
      throw timedOut(e);
    }
  }

  private IOException timedOut(SocketTimeoutException e) {
    return new SocketTimeoutException("WebSocket handshake not done within "
        + TimeUnit.NANOSECONDS.toMillis(settings.handshakeTimeoutNanos()) + " ms");
  }

  /** Sets the socket's read timeout to what is left until the handshake deadline. */
  private void applyDeadline() throws IOException {
    long left = handshakeDeadline - System.nanoTime();
    if (left <= 0) {
      throw new SocketTimeoutException("handshake deadline passed");
    }
    socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left))));
  }

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

  /** Sends a close frame (if the upgrade is done and the writer is not stuck), then closes the socket. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      if (upgraded) {
        out.sendClose(WsFrames.CLOSE_NORMAL, "");
      }
      closeQuietly(streams);
    }
  }

  /** Whether {@link #close()} ran or a violation closed the connection. */
  public boolean isClosed() {
    return closed.get();
  }

  @Override
  public void onPing(byte[] payload, int len) throws IOException {
    out.sendPong(payload, len);
  }

  @Override
  public void onClose(int code) {
    // end of the remote's data; our close frame follows when the owner closes the connection
  }

  @Override
  public void onViolation(int closeCode, String message) {
    if (closed.compareAndSet(false, true)) {
      out.sendClose(closeCode, message);
      closeQuietly(streams);
    }
  }

  private static void closeQuietly(Closeable s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  @Override
  public String toString() {
    return "ws " + local + " <-> " + remote;
  }
}

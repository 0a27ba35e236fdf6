package io.jlibp2p.transport.websocket;

import io.jlibp2p.core.ConnectionClosedException;
import io.jlibp2p.internal.BufferPool;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.spi.RawConnection;
import io.jlibp2p.spi.Transport;
import io.jlibp2p.spi.TransportListener;
import io.jlibp2p.transport.tcp.TcpTransport;
import io.jlibp2p.transport.tcp.internal.TcpAddress;
import io.jlibp2p.transport.websocket.internal.WsAddress;
import io.jlibp2p.transport.websocket.internal.WsConnection;
import io.jlibp2p.transport.websocket.internal.WsInput;
import io.jlibp2p.transport.websocket.internal.WsOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * WebSocket (RFC 6455) over TCP: {@code /ip4|ip6|dns|dns4|dns6/<host>/tcp/<port>/ws}, and over TLS
 * ({@code wss}): {@code .../tcp/<port>/tls/ws}, the legacy {@code .../tcp/<port>/wss}, or {@code
 * .../tcp/<port>/tls/sni/<name>/ws} to present and verify {@code name}. The connection carries the
 * libp2p byte stream in binary frames; security and muxer are negotiated on top of it, as over TCP.
 *
 * <p>Dialing runs the TCP connect, the TLS handshake (wss) and the HTTP/1.1 upgrade within the
 * dial timeout. A wss dial verifies the server's certificate and host name with {@link
 * Config#clientTls()} (default: the JDK's trust store). Listening on wss needs a server
 * certificate ({@link Config#withServerKeyStore}); without one {@link #listen} refuses. A listener
 * upgrades accepted sockets on virtual threads of its own, each bounded by {@link
 * Config#handshakeTimeout()}, at most {@link #MAX_PENDING_HANDSHAKES} at once, so one slow client
 * never delays the others; {@code accept()} returns upgraded connections.
 *
 * <p>Outgoing bytes are buffered and sent as one binary frame per {@code flush()} or full buffer
 * of {@link Config#frameSize()} bytes (clients mask in place). That buffer comes from a pool of the
 * transport's while bytes are written and goes back at each {@code flush()}; the read buffer goes
 * back while the connection waits for a frame, so an idle connection holds neither. Incoming binary and continuation
 * frames form the byte stream; pings are answered, a close frame ends the stream, and text frames,
 * reserved bits, unknown opcodes, wrong masking, fragmented or oversized control frames and frames
 * over {@link Config#maxFramePayload()} end in a {@link io.jlibp2p.core.ProtocolViolationException},
 * a close frame with the matching status and a closed connection. Closing a connection sends a close
 * frame (unless a stuck writer holds the socket) and closes the socket without waiting for the
 * answer.
 *
 * <p>Thread-safe. Connections are safe for one reading and one writing thread; the creator owns
 * them.
 *
 * {@snippet :
 * Host host = Libp2p.builder().listen("/ip4/0.0.0.0/tcp/4002/ws").build(); // TCP and WebSocket by default
 * // wss with a certificate:
 * var ws = new WebSocketTransport(WebSocketTransport.Config.DEFAULT.withServerKeyStore(keyStore, password));
 * Host secure = Libp2p.builder().transport(ws).listen("/ip4/0.0.0.0/tcp/443/tls/ws").build();
 * }
 */
public final class WebSocketTransport implements Transport {
  /** Default largest payload of a received frame. Payloads stream through; nothing this size is allocated. */
  public static final long DEFAULT_MAX_FRAME_PAYLOAD = 16L * 1024 * 1024;

  /** Default largest HTTP head (request or response with its headers) of the opening handshake. */
  public static final int DEFAULT_MAX_HANDSHAKE_BYTES = 8 * 1024;

  /** Default time for the TLS handshake and HTTP upgrade of an accepted connection. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  /** Default largest payload of the frames we send (the write buffer of each connection). */
  public static final int DEFAULT_FRAME_SIZE = 256 * 1024;

  /**
   * Read and send buffers a transport keeps for reuse (each kind): enough for the connections that
   * move data at once.
   */
  static final int MAX_POOLED_FRAMES = 16;

  /** Connections a listener upgrades at once, plus upgraded ones not yet accepted; more are closed. */
  public static final int MAX_PENDING_HANDSHAKES = 256;

  private static final Logger LOG = Logger.getLogger(WebSocketTransport.class.getName());
  private static final Object CLOSED = new Object();

  /** Default read buffer of each connection. */
  public static final int DEFAULT_READ_BUFFER_SIZE = 64 * 1024;

  /**
   * Limits, sizes and TLS contexts.
   *
   * @param maxFramePayload largest payload of a received data frame
   * @param maxHandshakeBytes largest HTTP head of the opening handshake (at most {@code
   *     readBufferSize})
   * @param handshakeTimeout bound of an accepted connection's TLS handshake and upgrade
   * @param frameSize largest payload of a frame we send
   * @param readBufferSize read buffer of each connection
   * @param clientTls verifies wss servers; null means the JDK's default context
   * @param serverTls the certificate served on wss listeners; null means no wss listening
   */
  public record Config(
      long maxFramePayload, int maxHandshakeBytes, Duration handshakeTimeout, int frameSize,
      int readBufferSize, SSLContext clientTls, SSLContext serverTls) {
    /** The defaults: the {@code DEFAULT_*} constants, JDK trust, no wss listening. */
    public static final Config DEFAULT = new Config(DEFAULT_MAX_FRAME_PAYLOAD, DEFAULT_MAX_HANDSHAKE_BYTES,
        DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_FRAME_SIZE, DEFAULT_READ_BUFFER_SIZE, null, null);

    public Config {
      if (maxFramePayload < 1) {
        throw new IllegalArgumentException("maxFramePayload: " + maxFramePayload + " (expected: >= 1)");
      }
      if (readBufferSize < WsInput.MIN_BUFFER_SIZE) {
        throw new IllegalArgumentException(
            "readBufferSize: " + readBufferSize + " (expected: >= " + WsInput.MIN_BUFFER_SIZE + ")");
      }
      if (maxHandshakeBytes < 256 || maxHandshakeBytes > readBufferSize) {
        throw new IllegalArgumentException("maxHandshakeBytes: " + maxHandshakeBytes
            + " (expected: 256.." + readBufferSize + ", the read buffer)");
      }
      Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
      if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
        throw new IllegalArgumentException("handshakeTimeout: " + handshakeTimeout + " (expected: > 0)");
      }
      if (frameSize < 1) {
        throw new IllegalArgumentException("frameSize: " + frameSize + " (expected: >= 1)");
      }
    }

    /** This config with {@code maxFramePayload}. */
    public Config withMaxFramePayload(long maxFramePayload) {
      return new Config(maxFramePayload, maxHandshakeBytes, handshakeTimeout, frameSize, readBufferSize,
          clientTls, serverTls);
    }

    /** This config with {@code maxHandshakeBytes}. */
    public Config withMaxHandshakeBytes(int maxHandshakeBytes) {
      return new Config(maxFramePayload, maxHandshakeBytes, handshakeTimeout, frameSize, readBufferSize,
          clientTls, serverTls);
    }

    /** This config with {@code handshakeTimeout}. */
    public Config withHandshakeTimeout(Duration handshakeTimeout) {
      return new Config(maxFramePayload, maxHandshakeBytes, handshakeTimeout, frameSize, readBufferSize,
          clientTls, serverTls);
    }

    /** This config with {@code frameSize}. */
    public Config withFrameSize(int frameSize) {
      return new Config(maxFramePayload, maxHandshakeBytes, handshakeTimeout, frameSize, readBufferSize,
          clientTls, serverTls);
    }

    /** This config verifying wss servers with {@code context}. */
    public Config withClientTls(SSLContext context) {
      return new Config(maxFramePayload, maxHandshakeBytes, handshakeTimeout, frameSize, readBufferSize,
          Objects.requireNonNull(context, "context"), serverTls);
    }

    /** This config serving wss with {@code context}'s certificate. */
    public Config withServerTls(SSLContext context) {
      return new Config(maxFramePayload, maxHandshakeBytes, handshakeTimeout, frameSize, readBufferSize,
          clientTls, Objects.requireNonNull(context, "context"));
    }

    /** This config serving wss with the key and certificate chain in {@code keyStore}. */
    public Config withServerKeyStore(KeyStore keyStore, char[] password) {
      try {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, password);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(kmf.getKeyManagers(), null, null);
        return withServerTls(c);
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException("keyStore: cannot serve TLS with it: " + e.getMessage(), e);
      }
    }

    /**
     * This config trusting exactly {@code certificates} (instead of the JDK's trust store) when
     * dialing wss, e.g. a test server's self-signed certificate. Host names are still verified.
     */
    public Config withTrustedCertificates(X509Certificate... certificates) {
      try {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        for (int i = 0; i < certificates.length; i++) {
          ks.setCertificateEntry("trusted-" + i, certificates[i]);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return withClientTls(c);
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalArgumentException("certificates: cannot trust them: " + e.getMessage(), e);
      }
    }
  }

  private final Config config;
  private final WsConnection.Settings settings;
  private final RandomGenerator seeds;
  private final ReentrantLock seedLock = new ReentrantLock();
  private final Set<WsListener> listeners = ConcurrentHashMap.newKeySet();

  /** A transport with {@link Config#DEFAULT}. */
  public WebSocketTransport() {
    this(Config.DEFAULT);
  }

  /** A transport with {@code config}; masking keys and handshake keys come from a {@link SecureRandom}. */
  public WebSocketTransport(Config config) {
    this(config, new SecureRandom());
  }

  /**
   * A transport with {@code config}, seeding each connection's masking and handshake keys from
   * {@code seeds} (used under a lock).
   */
  public WebSocketTransport(Config config, RandomGenerator seeds) {
    this.config = Objects.requireNonNull(config, "config");
    this.seeds = Objects.requireNonNull(seeds, "seeds");
    this.settings = new WsConnection.Settings(config.maxFramePayload(), config.maxHandshakeBytes(),
        config.handshakeTimeout().toNanos(), new BufferPool(config.readBufferSize(), MAX_POOLED_FRAMES),
        WsOutput.framePool(config.frameSize(), MAX_POOLED_FRAMES));
  }

  /** This transport's configuration. */
  public Config config() {
    return config;
  }

  @Override
  public boolean canDial(Multiaddr address) {
    return WsAddress.parse(address.withoutPeerId()) != null;
  }

  /** True for ws and wss addresses on an IP (a wss listen still needs a server certificate). */
  @Override
  public boolean canListen(Multiaddr address) {
    WsAddress a = WsAddress.parse(address);
    return a != null && !a.tcp().isDns() && a.sni() == null;
  }

  @Override
  public RawConnection dial(Multiaddr address, Duration timeout) throws IOException {
    WsAddress a = WsAddress.parse(address.withoutPeerId());
    if (a == null) {
      throw new IllegalArgumentException("address: " + address + " (expected: a ws or wss address)");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    InetAddress ip = a.tcp().resolve();
    Socket socket = TcpAddress.newSocket(ip);
    try {
      TcpAddress.configure(socket);
      socket.connect(new InetSocketAddress(ip, a.tcp().port()), (int) Math.max(1, timeout.toMillis()));
      Multiaddr local = TcpTransport.toMultiaddr((InetSocketAddress) socket.getLocalSocketAddress()).encapsulate(a.suffix());
      Multiaddr remote = TcpTransport.toMultiaddr((InetSocketAddress) socket.getRemoteSocketAddress()).encapsulate(a.suffix());
      Socket s = a.tls() ? startTls(socket, a, deadline) : socket;
      return WsConnection.dial(s, a, local, remote, settings, connectionRandom(), deadline);
    } catch (IOException | RuntimeException e) {
      closeQuietly(socket);
      throw e;
    }
  }

  private SSLSocket startTls(Socket socket, WsAddress a, long deadline) throws IOException {
    SSLContext context;
    try {
      context = config.clientTls() != null ? config.clientTls() : SSLContext.getDefault();
    } catch (GeneralSecurityException e) {
      throw new IOException("no default TLS context: " + e.getMessage(), e);
    }
    SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(socket, a.tlsName(), a.tcp().port(), true);
    SSLParameters p = ssl.getSSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS");
    if (a.sni() != null) {
      p.setServerNames(List.of(new SNIHostName(a.sni())));
    }
    ssl.setSSLParameters(p);
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new SocketTimeoutException("dial timeout passed before the TLS handshake");
    }
    ssl.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
    ssl.startHandshake();
    return ssl;
  }

  private RandomGenerator connectionRandom() {
    seedLock.lock();
    try {
      return new SplittableRandom(seeds.nextLong());
    } finally {
      seedLock.unlock();
    }
  }

  /**
   * Listens on a ws or wss address on an IP.
   *
   * @throws IllegalStateException for a wss address when no server certificate is configured
   */
  @Override
  public TransportListener listen(Multiaddr address) throws IOException {
    WsAddress a = WsAddress.parse(address);
    if (a == null || !canListen(address)) {
      throw new IllegalArgumentException(
          "address: " + address + " (expected: /ip4|ip6/<ip>/tcp/<port>/ws, /tls/ws or /wss)");
    }
    if (a.tls() && config.serverTls() == null) {
      throw new IllegalStateException("cannot listen on " + address
          + ": wss needs a server certificate (WebSocketTransport.Config.withServerKeyStore or withServerTls)");
    }
    ServerSocket server;
    try {
      server = a.tcp().listen(TcpTransport.ACCEPT_BACKLOG);
    } catch (IOException e) {
      throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
    }
    WsListener l = new WsListener(server, a);
    listeners.add(l);
    return l;
  }

  @Override
  public void close() {
    for (WsListener l : List.copyOf(listeners)) {
      l.close();
    }
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing; nothing to do
    }
  }

  /**
   * Accepts sockets on its own virtual thread and runs each one's TLS handshake and upgrade on a
   * virtual thread of its own, at most {@link #MAX_PENDING_HANDSHAKES} at a time (counting those
   * upgraded but not yet taken by {@link #accept()}); sockets beyond that are closed at once.
   */
  private final class WsListener implements TransportListener {
    private final ServerSocket server;
    private final WsAddress address;
    private final Multiaddr local;
    private final Semaphore pending = new Semaphore(MAX_PENDING_HANDSHAKES);
    private final Set<Socket> handshaking = ConcurrentHashMap.newKeySet();
    /** Upgraded connections, then {@link #CLOSED} once closed; holds at most MAX_PENDING_HANDSHAKES + 1. */
    private final LinkedBlockingQueue<Object> ready = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    WsListener(ServerSocket server, WsAddress address) {
      this.server = server;
      this.address = address;
      this.local = TcpTransport.toMultiaddr((InetSocketAddress) server.getLocalSocketAddress())
          .encapsulate(address.suffix());
      Thread.ofVirtual().name("jlibp2p-ws-accept").start(this::acceptLoop);
    }

    private void acceptLoop() {
      while (!closed) {
        Socket s;
        try {
          s = server.accept();
        } catch (IOException e) {
          if (server.isClosed()) {
            return;
          }
          LOG.log(Level.FINE, "accept failed on " + local, e);
          continue;
        }
        if (!pending.tryAcquire()) {
          LOG.log(Level.FINE, "refusing {0}: {1} handshakes pending", new Object[] {s.getRemoteSocketAddress(), MAX_PENDING_HANDSHAKES});
          closeQuietly(s);
          continue;
        }
        handshaking.add(s);
        try {
          Thread.ofVirtual().name("jlibp2p-ws-handshake").start(() -> upgrade(s));
        } catch (RuntimeException | Error e) {
          handshaking.remove(s);
          pending.release();
          closeQuietly(s);
          throw e;
        }
      }
    }

    private void upgrade(Socket s) {
      WsConnection c = null;
      try {
        TcpAddress.configure(s);
        Multiaddr remote = TcpTransport.toMultiaddr((InetSocketAddress) s.getRemoteSocketAddress())
            .encapsulate(address.suffix());
        Socket ws = s;
        if (address.tls()) {
          ws = config.serverTls().getSocketFactory().createSocket(s, (InputStream) null, true);
        }
        c = WsConnection.accept(ws, local, remote, settings, connectionRandom());
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.FINE, "WebSocket upgrade from " + s.getRemoteSocketAddress() + " failed", e);
        closeQuietly(s);
      } finally {
        handshaking.remove(s);
      }
      if (c == null) {
        pending.release();
        return;
      }
      ready.add(c);
      if (closed) {
        drain();
      }
    }

    @Override
    public Multiaddr localAddress() {
      return local;
    }

    @Override
    public RawConnection accept() throws IOException {
      Object o;
      try {
        o = ready.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while accepting on " + local);
      }
      if (o == CLOSED) {
        ready.add(CLOSED); // for any other waiting caller
        throw new ConnectionClosedException("listener " + local + " closed");
      }
      pending.release();
      return (RawConnection) o;
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      listeners.remove(this);
      closeQuietly(server);
      for (Socket s : List.copyOf(handshaking)) {
        closeQuietly(s);
      }
      drain();
      ready.add(CLOSED);
    }

    /** Closes upgraded connections nobody will take. */
    private void drain() {
      for (Object o; (o = ready.poll()) != null; ) {
        if (o == CLOSED) {
          ready.add(CLOSED);
          return;
        }
        pending.release();
        ((RawConnection) o).close();
      }
    }
  }
}

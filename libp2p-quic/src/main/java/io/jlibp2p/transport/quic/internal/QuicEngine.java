package io.jlibp2p.transport.quic.internal;

import io.jlibp2p.core.ConnectionClosedException;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.spi.SecureMuxedConnection;
import io.jlibp2p.spi.SecureMuxedListener;
import io.jlibp2p.transport.quic.QuicConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannelConfig;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.handler.codec.quic.EpollQuicUtils;
import io.netty.handler.codec.quic.Quic;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicCodecBuilder;
import io.netty.handler.codec.quic.QuicConnectionAddress;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.SegmentedDatagramPacketAllocator;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The machinery behind {@code QuicTransport}: the event loop threads, the UDP sockets (one per
 * listen address, plus shared ephemeral sockets for dials when no listening socket fits: per IP
 * family, one bound to the wildcard address and one to the loopback address), the TLS contexts,
 * dialing and listening. Sockets bound to a loopback address use larger datagrams ({@link
 * Datagrams}). Thread-safe.
 */
public final class QuicEngine implements AutoCloseable {
  /**
   * Largest UDP payload we send or accept on a socket that can reach other hosts (Ethernet's MTU
   * less IPv6 and UDP headers), as go-libp2p's and rust-libp2p's QUIC stacks use at most.
   */
  static final int MAX_UDP_PAYLOAD = 1452;

  /** The default of {@link #LOOPBACK_UDP_PAYLOAD}, also its upper bound. */
  static final int DEFAULT_LOOPBACK_UDP_PAYLOAD = 16_000;

  /**
   * Largest UDP payload we send or accept on a socket bound to a loopback address on Linux, whose
   * datagrams never leave the host, if the loopback interface's MTU allows: by default 16,000
   * bytes, four to one segmented send (64 KiB) and within the 16,383 bytes quiche puts in one
   * packet. The system property {@code jlibp2p.quic.loopbackPayload} lowers it (to 1,452 at least),
   * for a loopback path that carries less, such as a UDP forwarder with a small buffer: nothing
   * finds that out, as quiche's path MTU discovery would send its probes past what the peer
   * accepts. Each datagram costs quiche and Netty about as much whatever its size: one stream over
   * loopback, on 2 cores (AMD EPYC and Intel Xeon), moved 350-500 MiB/s each way with 1,452-byte
   * datagrams and 720-1,200 MiB/s with 16,000, using about half the CPU per byte.
   */
  static final int LOOPBACK_UDP_PAYLOAD = loopbackPayload(System.getProperty("jlibp2p.quic.loopbackPayload"));

  /** Whether this is Linux, whose loopback carries datagrams of up to 64 KiB. */
  static final boolean LINUX = System.getProperty("os.name", "").startsWith("Linux");

  /** Room for one datagram of {@link #MAX_UDP_PAYLOAD} in a read (NIO, or epoll without GRO). */
  static final int DATAGRAM_BUFFER = 2048;

  /** The most bytes one segmented send (GSO) may carry: the kernel refuses over 64 KiB. */
  static final int SEGMENTED_SEND_BYTES = 65_000;

  /**
   * Whether Linux's epoll transport is used (batched datagram reads, segmented sends): when it is
   * available, unless the system property {@code jlibp2p.quic.nio} is true; else Java NIO.
   */
  static final boolean EPOLL = Epoll.isAvailable() && !Boolean.getBoolean("jlibp2p.quic.nio");

  /** One epoll read (recvmmsg without GRO): 64 KiB, split into one slot per datagram. */
  static final int EPOLL_READ_BUFFER = 32 * DATAGRAM_BUFFER;

  /**
   * Whether epoll sockets ask the kernel to coalesce received datagrams (UDP GRO): unless the
   * system property {@code jlibp2p.quic.gro} is false. A socket whose kernel refuses falls back to
   * batched reads of single datagrams.
   */
  static final boolean GRO = EPOLL && !"false".equals(System.getProperty("jlibp2p.quic.gro"));

  /**
   * One read under GRO: the largest coalesced train the kernel delivers (64 KiB), which Netty
   * splits back into datagrams by the segment size the kernel reports.
   */
  static final int GRO_READ_BUFFER = 64 * 1024;

  /**
   * Datagrams (each segment of a train counts) that one event-loop wake-up reads before the codecs
   * send what they call for, acknowledgements first. With Netty's default of 16 the receiver
   * acknowledged too often (under GRO every train), the sender answered each acknowledgement with
   * a short burst, and both sides spent far more CPU per byte: 1.2 to 2.4 times as much under
   * GRO, about three times over NIO, which reads one datagram per system call.
   */
  static final int MESSAGES_PER_READ = 64;

  /**
   * Datagrams sent in one system call when the kernel can segment them (GSO), at most: 32 of 1,452
   * bytes, within the kernel's 64 segments and 64 KiB (larger datagrams: as many as fit in {@link
   * #SEGMENTED_SEND_BYTES}). Against 16, with GRO on the receiving side, in 4 alternating pairs on
   * loopback: uploads ahead in all 4 (median +7%), downloads in 3.
   */
  static final int SEND_SEGMENTS = 32;

  /** Kernel socket buffers asked for (the kernel may grant less). */
  static final int SOCKET_BUFFER = 4 * 1024 * 1024;

  /** Received QUIC datagrams (keep-alives) queued per connection. */
  static final int DATAGRAM_QUEUE = 16;

  private static final AttributeKey<QuicEndpoint> ENDPOINT =
      AttributeKey.valueOf(QuicEngine.class, "endpoint");
  private static final AtomicInteger ENGINES = new AtomicInteger();

  private final QuicConfig config;
  private final PeerId localPeer;
  private final QuicTls tls;
  private final SecureRandom random;
  private final EventLoopGroup group;
  private final List<QuicListener> listeners = new CopyOnWriteArrayList<>();
  private final List<QuicEndpoint> endpoints = new CopyOnWriteArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();
  /** The shared dial sockets, by {@link #dialSlot}; guarded by lock. */
  private final QuicEndpoint[] dialers = new QuicEndpoint[4];
  private volatile boolean closed;

  public QuicEngine(PrivateKey identity, QuicConfig config, SecureRandom random, InstantSource clock) {
    Quic.ensureAvailability();
    this.config = config;
    this.localPeer = PeerId.fromPublicKey(identity.publicKey());
    this.random = random;
    this.tls = new QuicTls(identity, random, clock);
    int n = ENGINES.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    ThreadFactory tf =
        r -> Thread.ofPlatform().daemon().name("jlibp2p-quic-" + n + "-" + threads.incrementAndGet()).unstarted(r);
    this.group =
        new MultiThreadIoEventLoopGroup(
            config.eventLoopThreads(), tf, EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  QuicConfig config() {
    return config;
  }

  PeerId localPeer() {
    return localPeer;
  }

  QuicTls tls() {
    return tls;
  }

  // ---- listening ----

  public SecureMuxedListener listen(InetSocketAddress bind) throws IOException {
    ensureOpen();
    QuicEndpoint ep = open(bind, true);
    QuicListener l = new QuicListener(this, ep, config.acceptBacklog());
    ep.listener(l);
    listeners.add(l);
    if (closed) {
      l.close();
      ensureOpen();
    }
    return l;
  }

  void listenerClosed(QuicListener l) {
    listeners.remove(l);
  }

  // ---- dialing ----

  public SecureMuxedConnection dial(InetSocketAddress remote, PeerId expected, Duration timeout)
      throws IOException {
    ensureOpen();
    QuicEndpoint ep = endpointFor(remote.getAddress());
    byte[] scid = new byte[QuicEndpoint.CONNECTION_ID_LENGTH];
    random.nextBytes(scid);
    ep.addClientId(scid);
    CompletableFuture<QuicMuxedConnection> result = new CompletableFuture<>();
    ConnectionHandler handler = new ConnectionHandler(this, ep, false, result);
    QuicTls.PeerVerification verification = new QuicTls.PeerVerification(expected);
    Future<QuicChannel> connect =
        QuicChannel.newBootstrap(ep.channel)
            .attr(QuicTls.VERIFICATION, verification)
            .handler(handler)
            .streamHandler(new StreamInit(null, true))
            .localConnectionAddress(new QuicConnectionAddress(scid))
            .remoteAddress(remote)
            .option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, sendAllocator(ep.datagrams))
            .connect();
    connect.addListener(
        f -> {
          if (!f.isSuccess()) {
            ep.removeClientId(scid);
            handler.fail(handler.handshakeFailure(verification, f.cause()));
          } else {
            ((QuicChannel) f.getNow()).closeFuture().addListener(c -> ep.removeClientId(scid));
          }
        });
    long nanos = Math.min(timeout.toNanos(), config.handshakeTimeout().toNanos());
    try {
      return result.get(Math.max(nanos, 1), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      result.completeExceptionally(e);
      closeAbandoned(connect, result);
      throw new IOException("QUIC handshake with " + remote + " timed out after " + Duration.ofNanos(nanos));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeAbandoned(connect, result);
      throw new InterruptedIOException("interrupted while dialing " + remote);
    } catch (ExecutionException e) {
      closeAbandoned(connect, result);
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      throw new IOException("QUIC dial to " + remote + " failed: " + c, c);
    }
  }

  private static void closeAbandoned(
      Future<QuicChannel> connect, CompletableFuture<QuicMuxedConnection> result) {
    connect.addListener(
        f -> {
          if (f.isSuccess()) {
            ((QuicChannel) f.getNow()).close();
          }
        });
    if (result.state() == java.util.concurrent.Future.State.SUCCESS) {
      result.resultNow().close();
    }
  }

  /**
   * A listening socket of the remote's IP family that can reach it (port reuse: the remote sees
   * our listening port), else the shared ephemeral socket of that family: for a loopback remote, one
   * bound to the loopback address, which may send the larger datagrams of {@link Datagrams#of}.
   */
  private QuicEndpoint endpointFor(InetAddress remote) throws IOException {
    boolean v6 = remote instanceof Inet6Address;
    for (QuicListener l : listeners) {
      QuicEndpoint ep = l.endpoint();
      InetAddress ip = ep.localAddress.getAddress();
      if ((ip instanceof Inet6Address) != v6 || !ep.isOpen()) {
        continue;
      }
      if (ip.isAnyLocalAddress() || ip.isLoopbackAddress() == remote.isLoopbackAddress()) {
        return ep;
      }
    }
    lock.lock();
    try {
      ensureOpen();
      boolean loopback = remote.isLoopbackAddress();
      int slot = dialSlot(v6, loopback);
      QuicEndpoint ep = dialers[slot];
      if (ep == null || !ep.isOpen()) {
        String bind = loopback ? (v6 ? "::1" : "127.0.0.1") : (v6 ? "::" : "0.0.0.0");
        ep = open(new InetSocketAddress(InetAddress.getByName(bind), 0), false);
        dialers[slot] = ep;
      }
      return ep;
    } finally {
      lock.unlock();
    }
  }

  /** The index in {@link #dialers} of the dial socket for an IP family, wildcard or loopback. */
  private static int dialSlot(boolean v6, boolean loopback) {
    return (loopback ? 2 : 0) + (v6 ? 1 : 0);
  }

  // ---- sockets ----

  private QuicEndpoint open(InetSocketAddress bind, boolean listening) throws IOException {
    Set<ByteBuffer> clientIds = QuicEndpoint.newClientIdSet();
    QuicEndpoint.Router router = new QuicEndpoint.Router(clientIds, listening);
    Datagrams datagrams = Datagrams.of(bind.getAddress());
    ChannelHandler server = listening ? serverCodec(datagrams) : null;
    ChannelHandler client = clientCodec(datagrams);
    SocketProtocolFamily family =
        bind.getAddress() instanceof Inet6Address ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channelFactory(() -> EPOLL ? new EpollDatagramChannel(family) : new NioDatagramChannel(family))
            .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
            .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(readBuffer(GRO, datagrams)))
            .option(ChannelOption.MAX_MESSAGES_PER_READ, MESSAGES_PER_READ)
            .handler(
                new ChannelInitializer<DatagramChannel>() {
                  @Override
                  protected void initChannel(DatagramChannel ch) {
                    ChannelPipeline p = ch.pipeline();
                    p.addLast(router);
                    if (server != null) {
                      p.addLast(server);
                    }
                    p.addLast(new QuicEndpoint.ClientEntry(router));
                    p.addLast(client);
                  }
                });
    if (GRO) {
      // one coalesced train per system call (recvmsg), split by Netty; not with recvmmsg, whose
      // reads lose the segment size and hand whole trains to the codec as one datagram
      b.option(EpollChannelOption.UDP_GRO, true).option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 0);
    } else if (EPOLL) {
      b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, datagrams.buffer()); // recvmmsg
    }
    ChannelFuture f = b.bind(bind).awaitUninterruptibly();
    if (!f.isSuccess()) {
      Throwable c = f.cause();
      throw new IOException("cannot bind UDP " + bind + ": " + c.getMessage(), c);
    }
    Channel ch = f.channel();
    if (GRO && !((EpollDatagramChannelConfig) ch.config()).isUdpGro()) {
      // the kernel refused UDP_GRO (before Linux 5.0); Netty logged it: batched single datagrams
      ch.config().setOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, datagrams.buffer());
      ch.config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(readBuffer(false, datagrams)));
    }
    QuicEndpoint ep = new QuicEndpoint(ch, listening, clientIds, datagrams);
    ch.attr(ENDPOINT).set(ep);
    endpoints.add(ep);
    ch.closeFuture().addListener(x -> endpoints.remove(ep));
    return ep;
  }

  /** The buffer of one socket read: a coalesced train, many datagrams (epoll) or one (NIO). */
  private static int readBuffer(boolean gro, Datagrams d) {
    return gro ? GRO_READ_BUFFER : EPOLL ? Math.max(EPOLL_READ_BUFFER, d.buffer()) : d.buffer();
  }

  /**
   * {@link #LOOPBACK_UDP_PAYLOAD} for a setting, a plain number of bytes brought within 1,452 and
   * 16,000; the default without one, and (logged as a warning) for one that is not a number.
   */
  static int loopbackPayload(String setting) {
    if (setting == null) {
      return DEFAULT_LOOPBACK_UDP_PAYLOAD;
    }
    try {
      return Math.max(MAX_UDP_PAYLOAD, Math.min(DEFAULT_LOOPBACK_UDP_PAYLOAD, Integer.parseInt(setting.trim())));
    } catch (NumberFormatException e) {
      System.getLogger(QuicEngine.class.getName()).log(System.Logger.Level.WARNING,
          "jlibp2p.quic.loopbackPayload: " + setting + " is not a number of bytes (expected: 1452 to 16000); using "
              + DEFAULT_LOOPBACK_UDP_PAYLOAD);
      return DEFAULT_LOOPBACK_UDP_PAYLOAD;
    }
  }

  /**
   * The datagrams of one socket.
   *
   * @param payload the largest UDP payload sent or accepted
   */
  record Datagrams(int payload) {
    /** Room for one datagram in a read. */
    int buffer() {
      return Math.max(DATAGRAM_BUFFER, payload);
    }

    /** The most datagrams of one segmented send. */
    int segments() {
      return Math.max(1, Math.min(SEND_SEGMENTS, SEGMENTED_SEND_BYTES / payload));
    }

    /**
     * For a socket bound to {@code bind}: {@link #LOOPBACK_UDP_PAYLOAD} on a loopback address on
     * Linux, as far as the loopback interface's MTU allows, else {@link #MAX_UDP_PAYLOAD}. (Other
     * systems may cap a UDP datagram below their loopback MTU, as macOS does at its socket's send
     * buffer.)
     */
    static Datagrams of(InetAddress bind) {
      int payload = MAX_UDP_PAYLOAD;
      if (bind.isLoopbackAddress() && LINUX) {
        int headers = bind instanceof Inet6Address ? 48 : 28;
        payload = Math.max(MAX_UDP_PAYLOAD, Math.min(LOOPBACK_UDP_PAYLOAD, loopbackMtu(bind) - headers));
      }
      return new Datagrams(payload);
    }

    /** The MTU of the interface holding {@code ip}, or 0 if unknown (then {@link #MAX_UDP_PAYLOAD} applies). */
    private static int loopbackMtu(InetAddress ip) {
      try {
        NetworkInterface nif = NetworkInterface.getByInetAddress(ip);
        return nif == null ? 0 : nif.getMTU();
      } catch (SocketException e) {
        return 0;
      }
    }
  }

  private <B extends QuicCodecBuilder<B>> B common(B b, Datagrams d) {
    b.maxIdleTimeout(config.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .initialMaxData(config.connectionReceiveWindow())
        .initialMaxStreamDataBidirectionalLocal(config.streamReceiveWindow())
        .initialMaxStreamDataBidirectionalRemote(config.streamReceiveWindow())
        .initialMaxStreamDataUnidirectional(0)
        .initialMaxStreamsBidirectional(config.maxStreams())
        .initialMaxStreamsUnidirectional(0)
        .activeMigration(false)
        .maxSendUdpPayloadSize(d.payload())
        .maxRecvUdpPayloadSize(d.payload())
        .localConnectionIdLength(QuicEndpoint.CONNECTION_ID_LENGTH);
    if (!config.keepAliveInterval().isZero()) {
      b.datagram(DATAGRAM_QUEUE, DATAGRAM_QUEUE);
    }
    return b;
  }

  /** Segmented sends (one system call for several datagrams) under epoll. */
  private static SegmentedDatagramPacketAllocator sendAllocator(Datagrams d) {
    return EPOLL && d.segments() > 1
        ? EpollQuicUtils.newSegmentedAllocator(d.segments())
        : SegmentedDatagramPacketAllocator.NONE;
  }

  private ChannelHandler serverCodec(Datagrams d) {
    StreamInit inboundStreams = new StreamInit(null, true);
    return common(new QuicServerCodecBuilder(), d)
        .option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, sendAllocator(d))
        .sslEngineProvider(tls::serverEngine)
        .handler(
            new ChannelInitializer<QuicChannel>() {
              @Override
              protected void initChannel(QuicChannel ch) {
                QuicEndpoint ep = ch.parent().attr(ENDPOINT).get();
                ch.pipeline().addLast(new ConnectionHandler(QuicEngine.this, ep, true, null));
              }
            })
        .streamHandler(inboundStreams)
        .build();
  }

  private ChannelHandler clientCodec(Datagrams d) {
    return common(new QuicClientCodecBuilder(), d).sslEngineProvider(tls::clientEngine).build();
  }

  // ---- lifecycle ----

  private void ensureOpen() throws ConnectionClosedException {
    if (closed) {
      throw new ConnectionClosedException("QUIC transport is closed");
    }
  }

  /** Live UDP sockets, for tests. */
  int openSockets() {
    return endpoints.size();
  }

  /** Live UDP sockets whose received datagrams the kernel coalesces (UDP GRO), for tests. */
  int coalescingSockets() {
    return (int)
        endpoints.stream()
            .filter(e -> e.channel.config() instanceof EpollDatagramChannelConfig c && c.isUdpGro())
            .count();
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      lock.unlock();
    }
    for (QuicListener l : new ArrayList<>(listeners)) {
      l.close();
    }
    for (QuicEndpoint ep : new ArrayList<>(endpoints)) {
      ep.channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}

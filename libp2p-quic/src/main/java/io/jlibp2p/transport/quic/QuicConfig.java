package io.jlibp2p.transport.quic;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and tuning of a {@link QuicTransport}. Immutable; validated on construction.
 *
 * {@snippet :
 * QuicConfig config = QuicConfig.DEFAULT.withIdleTimeout(Duration.ofSeconds(10));
 * Host host = Libp2p.builder()
 *     .muxedTransport(key -> new QuicTransport(key, config))
 *     .listen("/ip4/0.0.0.0/udp/4001/quic-v1")
 *     .build();
 * }
 *
 * @param idleTimeout a connection on which nothing was received for this long is closed (QUIC
 *     {@code max_idle_timeout}; the shorter of ours and the peer's applies). Default 30 s.
 * @param maxStreams concurrent bidirectional streams the remote may open on one connection (QUIC
 *     {@code initial_max_streams_bidi}); the remote's own limit bounds ours, and {@code
 *     openStream} blocks while it is reached. Default {@value #DEFAULT_MAX_STREAMS}.
 * @param handshakeTimeout longest a QUIC + TLS handshake may take, dialing or accepting. Default
 *     10 s.
 * @param keepAliveInterval period of keep-alive packets on an otherwise idle connection, sent as
 *     QUIC DATAGRAM frames when the peer supports them (quiche offers no PING to applications);
 *     {@link Duration#ZERO} disables them. Default 15 s.
 * @param streamReceiveWindow flow-control window of each stream (QUIC {@code
 *     initial_max_stream_data}). Default {@value #DEFAULT_STREAM_WINDOW}.
 * @param connectionReceiveWindow flow-control window of a connection (QUIC {@code
 *     initial_max_data}). Default {@value #DEFAULT_CONNECTION_WINDOW}.
 * @param streamReadBuffer bytes of one stream read from QUIC but not yet by the application;
 *     beyond this reading from QUIC pauses (and QUIC stops returning credit). Default {@value
 *     #DEFAULT_STREAM_BUFFER}.
 * @param streamWriteBuffer bytes of one stream written by the application but not yet taken by
 *     QUIC; beyond this writes block. Default {@value #DEFAULT_STREAM_BUFFER}.
 * @param acceptBacklog authenticated inbound connections not yet accepted; more are closed.
 *     Default {@value #DEFAULT_ACCEPT_BACKLOG}.
 * @param eventLoopThreads threads that run QUIC (every socket and its connections live on one of
 *     them). Default {@value #DEFAULT_EVENT_LOOP_THREADS}.
 */
public record QuicConfig(
    Duration idleTimeout,
    int maxStreams,
    Duration handshakeTimeout,
    Duration keepAliveInterval,
    int streamReceiveWindow,
    int connectionReceiveWindow,
    int streamReadBuffer,
    int streamWriteBuffer,
    int acceptBacklog,
    int eventLoopThreads) {

  public static final int DEFAULT_MAX_STREAMS = 256;
  public static final int DEFAULT_STREAM_WINDOW = 4 * 1024 * 1024;
  public static final int DEFAULT_CONNECTION_WINDOW = 16 * 1024 * 1024;
  public static final int DEFAULT_STREAM_BUFFER = 1024 * 1024;
  public static final int DEFAULT_ACCEPT_BACKLOG = 64;
  public static final int DEFAULT_EVENT_LOOP_THREADS = 2;

  /** Largest number of concurrent streams per direction that may be configured. */
  public static final int MAX_STREAMS_LIMIT = 65_536;

  /** Largest window or buffer that may be configured. */
  public static final int MAX_WINDOW = 256 * 1024 * 1024;

  /** The documented defaults. */
  public static final QuicConfig DEFAULT =
      new QuicConfig(
          Duration.ofSeconds(30),
          DEFAULT_MAX_STREAMS,
          Duration.ofSeconds(10),
          Duration.ofSeconds(15),
          DEFAULT_STREAM_WINDOW,
          DEFAULT_CONNECTION_WINDOW,
          DEFAULT_STREAM_BUFFER,
          DEFAULT_STREAM_BUFFER,
          DEFAULT_ACCEPT_BACKLOG,
          DEFAULT_EVENT_LOOP_THREADS);

  public QuicConfig {
    positive("idleTimeout", idleTimeout);
    positive("handshakeTimeout", handshakeTimeout);
    Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
    if (keepAliveInterval.isNegative()) {
      throw new IllegalArgumentException(
          "keepAliveInterval: " + keepAliveInterval + " (expected: >= 0, 0 disables keep-alive)");
    }
    range("maxStreams", maxStreams, 1, MAX_STREAMS_LIMIT);
    range("streamReceiveWindow", streamReceiveWindow, 16 * 1024, MAX_WINDOW);
    range("connectionReceiveWindow", connectionReceiveWindow, streamReceiveWindow, MAX_WINDOW);
    range("streamReadBuffer", streamReadBuffer, 16 * 1024, MAX_WINDOW);
    range("streamWriteBuffer", streamWriteBuffer, 16 * 1024, MAX_WINDOW);
    range("acceptBacklog", acceptBacklog, 1, 65_536);
    range("eventLoopThreads", eventLoopThreads, 1, 256);
  }

  public QuicConfig withIdleTimeout(Duration v) {
    return new QuicConfig(v, maxStreams, handshakeTimeout, keepAliveInterval, streamReceiveWindow,
        connectionReceiveWindow, streamReadBuffer, streamWriteBuffer, acceptBacklog, eventLoopThreads);
  }

  public QuicConfig withMaxStreams(int v) {
    return new QuicConfig(idleTimeout, v, handshakeTimeout, keepAliveInterval, streamReceiveWindow,
        connectionReceiveWindow, streamReadBuffer, streamWriteBuffer, acceptBacklog, eventLoopThreads);
  }

  public QuicConfig withHandshakeTimeout(Duration v) {
    return new QuicConfig(idleTimeout, maxStreams, v, keepAliveInterval, streamReceiveWindow,
        connectionReceiveWindow, streamReadBuffer, streamWriteBuffer, acceptBacklog, eventLoopThreads);
  }

  public QuicConfig withKeepAliveInterval(Duration v) {
    return new QuicConfig(idleTimeout, maxStreams, handshakeTimeout, v, streamReceiveWindow,
        connectionReceiveWindow, streamReadBuffer, streamWriteBuffer, acceptBacklog, eventLoopThreads);
  }

  public QuicConfig withEventLoopThreads(int v) {
    return new QuicConfig(idleTimeout, maxStreams, handshakeTimeout, keepAliveInterval,
        streamReceiveWindow, connectionReceiveWindow, streamReadBuffer, streamWriteBuffer,
        acceptBacklog, v);
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
    }
  }

  private static void range(String name, long v, long min, long max) {
    if (v < min || v > max) {
      throw new IllegalArgumentException(name + ": " + v + " (expected: " + min + ".." + max + ")");
    }
  }
}

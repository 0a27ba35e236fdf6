package io.jlibp2p.muxer.yamux;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and tuning of a yamux connection. Immutable; validated on construction.
 *
 * {@snippet :
 * YamuxConfig config = YamuxConfig.DEFAULT.withKeepAliveInterval(Duration.ofSeconds(10));
 * StreamMuxer muxer = new YamuxMuxer(config);
 * }
 *
 * @param initialStreamWindow receive window each stream starts with; at least the spec's {@value
 *     #SPEC_INITIAL_WINDOW} bytes, a larger one is announced with the SYN/ACK window update.
 *     Default {@value #SPEC_INITIAL_WINDOW}.
 * @param maxStreamWindow the receive window grows up to this (auto-tuning: doubled when the window
 *     was consumed within a few round trips). It bounds each stream's receive buffer and the length
 *     of any data frame we accept. Default {@value #DEFAULT_MAX_STREAM_WINDOW} (16 MiB).
 * @param maxMessageSize largest data frame payload we send. Default {@value
 *     #DEFAULT_MAX_MESSAGE_SIZE}; frames also stay within the connection's {@link
 *     io.jlibp2p.spi.RawConnection#preferredFrameSize() preferred frame size} (64 KiB over Noise,
 *     256 KiB over TLS).
 * @param maxInboundStreams concurrent streams the remote may open; more are reset. Default {@value
 *     #DEFAULT_MAX_STREAMS}.
 * @param maxOutboundStreams concurrent streams we may open; {@code openStream} blocks beyond. Default
 *     {@value #DEFAULT_MAX_STREAMS}.
 * @param acceptBacklog inbound streams received but not yet accepted (hence not yet acknowledged);
 *     more are reset. Default {@value #DEFAULT_BACKLOG} (the spec's ACK backlog).
 * @param maxAckBacklog our streams not yet acknowledged by the remote; {@code openStream} blocks
 *     beyond. Default {@value #DEFAULT_BACKLOG}.
 * @param keepAliveInterval period of keep-alive pings (which also measure the RTT for
 *     auto-tuning); a ping unanswered for one period closes the connection. {@link Duration#ZERO}
 *     disables keep-alive. Default 30 s.
 */
public record YamuxConfig(
    int initialStreamWindow,
    int maxStreamWindow,
    int maxMessageSize,
    int maxInboundStreams,
    int maxOutboundStreams,
    int acceptBacklog,
    int maxAckBacklog,
    Duration keepAliveInterval) {

  /** The initial window of every stream, fixed by the spec. */
  public static final int SPEC_INITIAL_WINDOW = 256 * 1024;

  public static final int DEFAULT_MAX_STREAM_WINDOW = 16 * 1024 * 1024;
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 256 * 1024;
  public static final int DEFAULT_MAX_STREAMS = 1024;
  public static final int DEFAULT_BACKLOG = 256;
  public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(30);

  /** The documented defaults. */
  public static final YamuxConfig DEFAULT =
      new YamuxConfig(
          SPEC_INITIAL_WINDOW,
          DEFAULT_MAX_STREAM_WINDOW,
          DEFAULT_MAX_MESSAGE_SIZE,
          DEFAULT_MAX_STREAMS,
          DEFAULT_MAX_STREAMS,
          DEFAULT_BACKLOG,
          DEFAULT_BACKLOG,
          DEFAULT_KEEP_ALIVE);

  public YamuxConfig {
    if (initialStreamWindow < SPEC_INITIAL_WINDOW) {
      throw new IllegalArgumentException(
          "initialStreamWindow: " + initialStreamWindow + " (expected: >= " + SPEC_INITIAL_WINDOW + ")");
    }
    if (maxStreamWindow < initialStreamWindow) {
      throw new IllegalArgumentException(
          "maxStreamWindow: " + maxStreamWindow + " (expected: >= initialStreamWindow " + initialStreamWindow + ")");
    }
    if (maxMessageSize < 1024 || maxMessageSize > maxStreamWindow) {
      throw new IllegalArgumentException(
          "maxMessageSize: " + maxMessageSize + " (expected: 1024..maxStreamWindow)");
    }
    positive("maxInboundStreams", maxInboundStreams);
    positive("maxOutboundStreams", maxOutboundStreams);
    positive("acceptBacklog", acceptBacklog);
    positive("maxAckBacklog", maxAckBacklog);
    Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
    if (keepAliveInterval.isNegative()) {
      throw new IllegalArgumentException(
          "keepAliveInterval: " + keepAliveInterval + " (expected: >= 0, 0 disables)");
    }
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1)");
    }
  }

  public YamuxConfig withKeepAliveInterval(Duration interval) {
    return new YamuxConfig(initialStreamWindow, maxStreamWindow, maxMessageSize, maxInboundStreams,
        maxOutboundStreams, acceptBacklog, maxAckBacklog, interval);
  }

  public YamuxConfig withWindows(int initial, int max) {
    return new YamuxConfig(initial, max, Math.min(maxMessageSize, max), maxInboundStreams,
        maxOutboundStreams, acceptBacklog, maxAckBacklog, keepAliveInterval);
  }

  public YamuxConfig withMaxMessageSize(int size) {
    return new YamuxConfig(initialStreamWindow, maxStreamWindow, size, maxInboundStreams,
        maxOutboundStreams, acceptBacklog, maxAckBacklog, keepAliveInterval);
  }

  public YamuxConfig withStreamLimits(int maxInbound, int maxOutbound, int backlog, int ackBacklog) {
    return new YamuxConfig(initialStreamWindow, maxStreamWindow, maxMessageSize, maxInbound,
        maxOutbound, backlog, ackBacklog, keepAliveInterval);
  }
}

package io.jlibp2p.muxer.mplex;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of an mplex connection. Immutable; validated on construction.
 *
 * <p>mplex has no flow control. A stream whose receive buffer is full makes the connection's
 * reader wait up to {@link #receiveTimeout} for the application to read (this stalls the whole
 * connection, which is TCP backpressure on the sender); if it does not, that stream alone is reset
 * and the frame dropped — go-mplex's behaviour.
 *
 * {@snippet :
 * StreamMuxer muxer = new MplexMuxer(MplexConfig.DEFAULT.withReceiveTimeout(Duration.ofSeconds(1)));
 * }
 *
 * @param maxMessageSize largest frame payload we accept; a bigger incoming frame is a protocol
 *     violation that closes the connection. Default {@value #DEFAULT_MAX_MESSAGE_SIZE} (1 MiB, as
 *     go-mplex). Frames we send carry at most {@code maxMessageSize} bytes, and no more than the
 *     connection's {@link io.jlibp2p.spi.RawConnection#preferredFrameSize() preferred frame size}
 *     (64 KiB over Noise, 256 KiB over TLS), so that the streams of a connection interleave.
 * @param maxStreamBuffer bytes buffered per stream before the reader waits; at least {@code
 *     maxMessageSize}. Default {@value #DEFAULT_MAX_STREAM_BUFFER} (4 MiB).
 * @param receiveTimeout how long the reader waits for a full stream buffer to drain before
 *     resetting that stream. Default 5 s.
 * @param maxInboundStreams concurrent streams the remote may open; more are reset. Default {@value
 *     #DEFAULT_MAX_STREAMS}.
 * @param maxOutboundStreams concurrent streams we may open; {@code openStream} blocks beyond. Default
 *     {@value #DEFAULT_MAX_STREAMS}.
 * @param acceptBacklog inbound streams received but not yet accepted; more are reset. Default
 *     {@value #DEFAULT_BACKLOG}.
 */
public record MplexConfig(
    int maxMessageSize,
    int maxStreamBuffer,
    Duration receiveTimeout,
    int maxInboundStreams,
    int maxOutboundStreams,
    int acceptBacklog) {

  public static final int DEFAULT_MAX_MESSAGE_SIZE = 1024 * 1024;
  public static final int DEFAULT_MAX_STREAM_BUFFER = 4 * 1024 * 1024;
  public static final Duration DEFAULT_RECEIVE_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_MAX_STREAMS = 1024;
  public static final int DEFAULT_BACKLOG = 256;

  /** The documented defaults. */
  public static final MplexConfig DEFAULT =
      new MplexConfig(
          DEFAULT_MAX_MESSAGE_SIZE,
          DEFAULT_MAX_STREAM_BUFFER,
          DEFAULT_RECEIVE_TIMEOUT,
          DEFAULT_MAX_STREAMS,
          DEFAULT_MAX_STREAMS,
          DEFAULT_BACKLOG);

  public MplexConfig {
    if (maxMessageSize < 1024) {
      throw new IllegalArgumentException("maxMessageSize: " + maxMessageSize + " (expected: >= 1024)");
    }
    if (maxStreamBuffer < maxMessageSize) {
      throw new IllegalArgumentException(
          "maxStreamBuffer: " + maxStreamBuffer + " (expected: >= maxMessageSize " + maxMessageSize + ")");
    }
    Objects.requireNonNull(receiveTimeout, "receiveTimeout");
    if (receiveTimeout.isNegative()) {
      throw new IllegalArgumentException("receiveTimeout: " + receiveTimeout + " (expected: >= 0)");
    }
    if (maxInboundStreams < 1 || maxOutboundStreams < 1 || acceptBacklog < 1) {
      throw new IllegalArgumentException("stream limits: " + maxInboundStreams + "/" + maxOutboundStreams
          + "/" + acceptBacklog + " (expected: all >= 1)");
    }
  }

  public MplexConfig withReceiveTimeout(Duration timeout) {
    return new MplexConfig(maxMessageSize, maxStreamBuffer, timeout, maxInboundStreams,
        maxOutboundStreams, acceptBacklog);
  }

  public MplexConfig withBuffers(int messageSize, int streamBuffer) {
    return new MplexConfig(messageSize, streamBuffer, receiveTimeout, maxInboundStreams,
        maxOutboundStreams, acceptBacklog);
  }

  public MplexConfig withStreamLimits(int maxInbound, int maxOutbound, int backlog) {
    return new MplexConfig(maxMessageSize, maxStreamBuffer, receiveTimeout, maxInbound, maxOutbound,
        backlog);
  }
}

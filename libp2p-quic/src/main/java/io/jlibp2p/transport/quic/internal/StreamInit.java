package io.jlibp2p.transport.quic.internal;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.AttributeKey;

/**
 * Sets up a new stream channel: no automatic reading (the stream reads as its buffer allows),
 * half-closure allowed, and a {@link QuicStream} attached. For inbound streams the connection is
 * found on the parent channel.
 */
@ChannelHandler.Sharable
final class StreamInit extends ChannelInitializer<QuicStreamChannel> {
  static final AttributeKey<QuicStream> STREAM = AttributeKey.valueOf(StreamInit.class, "stream");

  private final QuicMuxedConnection conn;
  private final boolean inbound;

  /** {@code conn} null: inbound streams, whose connection is looked up on the parent channel. */
  StreamInit(QuicMuxedConnection conn, boolean inbound) {
    this.conn = conn;
    this.inbound = inbound;
  }

  @Override
  protected void initChannel(QuicStreamChannel sc) {
    sc.config().setAutoRead(false);
    sc.config().setAllowHalfClosure(true);
    QuicMuxedConnection c = conn != null ? conn : sc.parent().attr(ConnectionHandler.CONNECTION).get();
    if (c == null || c.isClosed()) {
      sc.shutdown(QuicStream.RESET_CODE).addListener(f -> sc.close());
      return;
    }
    sc.attr(STREAM).set(c.adopt(sc, inbound));
  }
}

package io.jlibp2p.transport.quic.internal;

import io.jlibp2p.core.ConnectionClosedException;
import io.jlibp2p.muxer.internal.FrameInput;
import io.jlibp2p.muxer.internal.MuxStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelOutputShutdownException;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamResetException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * A QUIC stream as a {@link MuxStream}: half-close is FIN, {@link #reset} sends RESET_STREAM and
 * STOP_SENDING, {@link #close} sends FIN and STOP_SENDING. The remote's RESET_STREAM fails reads
 * (and writes) with a reset; its STOP_SENDING fails writes only.
 *
 * <p>Backpressure: the event loop reads from QUIC only while fewer than {@code streamReadBuffer}
 * bytes wait for the application, so QUIC returns flow-control credit only as the application
 * reads; a writer blocks while {@code streamWriteBuffer} bytes are not yet taken by QUIC (which
 * takes them as the peer's flow control allows).
 */
final class QuicStream extends MuxStream {
  /** Largest piece handed to QUIC at once. */
  static final int WRITE_CHUNK = 64 * 1024;

  /** libp2p's error code for a reset stream (go-libp2p uses 0). */
  static final int RESET_CODE = 0;

  private final QuicMuxedConnection conn;
  private final QuicStreamChannel channel;
  private final int readLimit;
  private final int writeLimit;
  private final ByteBufInput source = new ByteBufInput();
  private final FrameInput input = new FrameInput(source, 256);

  // guarded by lock
  private long unsent; // bytes handed to the channel whose write has not completed
  private boolean readRequested; // a read is pending on the channel
  // event loop only
  private boolean finished;

  QuicStream(QuicMuxedConnection conn, QuicStreamChannel channel, boolean inbound) {
    super(channel.streamId(), inbound);
    this.conn = conn;
    this.channel = channel;
    this.readLimit = conn.config().streamReadBuffer();
    this.writeLimit = conn.config().streamWriteBuffer();
  }

  QuicStreamChannel channel() {
    return channel;
  }

  /** Event loop: starts reading once the stream is in the pipeline. */
  void start() {
    lock.lock();
    try {
      readRequested = true;
    } finally {
      lock.unlock();
    }
    channel.read();
  }

  // ---- MuxStream hooks ----

  @Override
  protected int sendCredit(int len) {
    long room = writeLimit - unsent;
    if (room <= 0) {
      return 0;
    }
    int n = (int) Math.min(Math.min(len, room), WRITE_CHUNK);
    unsent += n;
    return n;
  }

  @Override
  protected int consumed(int n) {
    if (!readRequested && buffer.size() <= readLimit / 2) {
      readRequested = true;
      return 1;
    }
    return 0;
  }

  @Override
  protected void sendCreditUpdate(int delta) {
    channel.eventLoop().execute(channel::read);
  }

  @Override
  protected void sendData(byte[] b, int off, int len, boolean flush) {
    ByteBuf data = Unpooled.wrappedBuffer(Arrays.copyOfRange(b, off, off + len));
    ChannelFuture f = flush ? channel.writeAndFlush(data) : channel.write(data);
    f.addListener(done -> written(len, done.cause()));
  }

  @Override
  protected void flushData() {
    channel.flush();
  }

  /**
   * FIN as a frame through the ordinary write path: Netty's {@code shutdownOutput()} writes its FIN
   * past the queue of writes still waiting for flow-control credit, which would cut them off.
   */
  @Override
  protected void sendClose() {
    lock.lock();
    try {
      unsent++; // the FIN frame, so that the channel is not closed before it went out
    } finally {
      lock.unlock();
    }
    channel
        .writeAndFlush(new DefaultQuicStreamFrame(Unpooled.EMPTY_BUFFER, true))
        .addListener(done -> written(1, done.cause()));
  }

  @Override
  public void closeRead() throws IOException {
    super.closeRead();
    if (channel.isActive() && !channel.isInputShutdown()) {
      channel.shutdownInput(RESET_CODE); // STOP_SENDING
    }
  }

  @Override
  protected void sendReset() {
    channel.eventLoop().execute(
        () -> {
          if (channel.isActive()) {
            channel.shutdown(RESET_CODE).addListener(f -> channel.close());
          }
        });
  }

  @Override
  protected void unregister() {
    conn.streamFinished(this);
    channel.eventLoop().execute(this::closeWhenFlushed);
  }

  @Override
  public String toString() {
    lock.lock();
    try {
      return "QuicStream[" + id() + " unsent=" + unsent + " readRequested=" + readRequested
          + " buffered=" + buffer.size() + " finished=" + finished + " " + channel + " active="
          + channel.isActive() + " inShut=" + channel.isInputShutdown() + " outShut="
          + channel.isOutputShutdown() + "]";
    } finally {
      lock.unlock();
    }
  }

  // ---- event loop ----

  private void written(int n, Throwable cause) {
    lock.lock();
    try {
      unsent -= n;
      writable.signalAll();
    } finally {
      lock.unlock();
    }
    if (cause instanceof ChannelOutputShutdownException) {
      remoteStoppedReading();
    } else if (cause != null && !conn.isClosed()) {
      remoteStoppedReading();
    }
    if (finished) {
      closeWhenFlushed();
    }
  }

  /** Closes the channel once everything we wrote went to QUIC (closing earlier would cut it). */
  private void closeWhenFlushed() {
    finished = true;
    boolean drained;
    lock.lock();
    try {
      drained = unsent <= 0;
    } finally {
      lock.unlock();
    }
    if (drained && channel.isOpen()) {
      channel.close();
    }
  }

  /** The pipeline handler of the stream channel. */
  final class Handler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws IOException {
      if (!(msg instanceof ByteBuf buf)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      try {
        int len = buf.readableBytes();
        if (len > 0) {
          source.set(buf);
          receive(input, len);
        }
      } finally {
        source.set(null);
        buf.release();
      }
      boolean more;
      lock.lock();
      try {
        more = discarding() || buffer.size() < readLimit;
        readRequested = more;
      } finally {
        lock.unlock();
      }
      if (more) {
        ctx.read();
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        remoteClosed();
      }
      ReferenceCountUtil.release(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof QuicStreamResetException) {
        remoteReset();
      } else {
        resetLocally("QUIC stream failed: " + cause);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      connectionClosed(new ConnectionClosedException("QUIC stream " + id() + " closed"));
      conn.streamFinished(QuicStream.this);
    }
  }

  /** An {@link InputStream} over the buffer of one {@code channelRead}. Event loop only. */
  private static final class ByteBufInput extends InputStream {
    private ByteBuf buf;

    void set(ByteBuf b) {
      this.buf = b;
    }

    @Override
    public int read() {
      return buf == null || !buf.isReadable() ? -1 : buf.readUnsignedByte();
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (buf == null || !buf.isReadable()) {
        return -1;
      }
      int n = Math.min(len, buf.readableBytes());
      buf.readBytes(b, off, n);
      return n;
    }

    @Override
    public long skip(long n) {
      int k = (int) Math.min(n, buf == null ? 0 : buf.readableBytes());
      if (k > 0) {
        buf.skipBytes(k);
      }
      return k;
    }
  }
}

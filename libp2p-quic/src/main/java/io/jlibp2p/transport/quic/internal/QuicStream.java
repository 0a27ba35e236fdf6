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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A QUIC stream as a {@link MuxStream}: half-close is FIN, {@link #reset} sends RESET_STREAM and
 * STOP_SENDING, {@link #close} sends FIN and STOP_SENDING. The remote's RESET_STREAM fails reads
 * (and writes) with a reset; its STOP_SENDING fails writes only.
 *
 * <p>The FIN goes out with the last data whenever it can: the last write of a burst is held back on
 * the event loop (for at most {@link #HOLD_NANOS}, or until the application writes again, waits to
 * read, or closes), so that a close right after a write sends one STREAM frame carrying both. A
 * FIN in a frame of its own is fragile in the QUIC stack we use (quiche in netty-codec-native-quic
 * 4.2.18): it does not send such a frame again when its packet is lost, and it forgets a FIN not
 * yet sent once all of the stream's data is acknowledged (the congestion window was full when the
 * FIN was written) — either way the remote waits for the end of the stream forever. A FIN still
 * goes alone when the application waited to read between its last write and its close (an echo
 * that closes when its peer does): with 50 concurrent 64 KiB echoes on one connection, between one
 * such FIN in 200 and one in 600 never reached the peer, with no packet lost. quiche, as Netty
 * exposes it, tells nothing of which data is acknowledged, so that case cannot be steered around
 * here; waiting for send capacity before the FIN, or raising the stream's priority for it, made it
 * no better.
 *
 * <p>Data received during one batch of datagrams wakes the application's reader once, at the
 * batch's end (see {@link ReadBatch}), or as soon as the stream must stop reading until the
 * application makes room; a read shorter than {@link #BATCHED_READ} wakes it at once. Within a
 * batch the stream takes the data of the first datagram that carries some, then reads the rest of
 * the batch's data in one piece at its end.
 *
 * <p>Reads never spin for a reply (see {@code ReadSpin}): a reply passes through the event loops of
 * both peers, which a spinning reader would keep from one of the CPUs. Measured on two cores with
 * 32-byte pings, spinning doubled the dialer's CPU time per round trip (95-155 µs against mostly
 * 45-60) and did not shorten it (block medians 78-118 µs against 77-111).
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

  /** Reads shorter than this wake the application at once instead of at the end of the batch. */
  static final int BATCHED_READ = 1024;

  /** Longest time the last write of a burst waits for a close that can carry it with the FIN. */
  static final long HOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final QuicMuxedConnection conn;
  private final QuicStreamChannel channel;
  private final int readLimit;
  private final int writeLimit;
  private final ByteBufInput source = new ByteBufInput();
  /** The event loop's held-back wake-ups (this stream's included). Event loop only. */
  private final ReadBatch batch;
  private final FrameInput input;

  // guarded by lock
  private long unsent; // bytes handed to the channel whose write has not completed
  private boolean readRequested; // a read is pending on the channel
  // event loop only
  private boolean finished;
  private ByteBuf held; // the last flushed write, not yet given to QUIC
  private int heldLength;
  private boolean holdTimerArmed;
  /** Whether a write is (or is about to be) held: the application side's view of {@link #held}. */
  private volatile boolean holding;

  QuicStream(QuicMuxedConnection conn, QuicStreamChannel channel, boolean inbound) {
    super(channel.streamId(), inbound, false);
    this.conn = conn;
    this.channel = channel;
    this.readLimit = conn.config().streamReadBuffer();
    this.writeLimit = conn.config().streamWriteBuffer();
    // constructed on the stream's event loop (by the channel initializer)
    this.batch = channel.eventLoop().inEventLoop() ? ReadBatch.current() : new ReadBatch();
    this.input = new FrameInput(source, 256, batch.signals);
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
  protected void sendData(byte[] b, int off, int len, boolean flush) throws IOException {
    ByteBuf data = Unpooled.wrappedBuffer(Arrays.copyOfRange(b, off, off + len));
    if (flush) {
      holding = true;
    }
    onEventLoop(
        () -> {
          releaseHeld(false); // an earlier write goes first
          if (flush) {
            held = data;
            heldLength = len;
            holding = true;
            armHoldTimer();
          } else {
            write(data, len, false);
          }
        });
  }

  @Override
  protected void flushData() throws IOException {
    onEventLoop(() -> releaseHeld(true));
  }

  @Override
  protected void readWouldBlock() {
    if (holding) {
      channel.eventLoop().execute(() -> releaseHeld(true));
    }
  }

  /**
   * FIN as a frame through the ordinary write path, with the held write when there is one: Netty's
   * {@code shutdownOutput()} writes its FIN past the queue of writes still waiting for flow-control
   * credit, which would cut them off.
   */
  @Override
  protected void sendClose() throws IOException {
    lock.lock();
    try {
      unsent++; // the FIN, so that the channel is not closed before it went out
    } finally {
      lock.unlock();
    }
    onEventLoop(
        () -> {
          ByteBuf last = held;
          int accounted = heldLength + 1;
          held = null;
          holding = false;
          write(new DefaultQuicStreamFrame(last == null ? Unpooled.EMPTY_BUFFER : last, true),
              last == null ? 1 : accounted, true);
        });
  }

  private void onEventLoop(Runnable task) throws IOException {
    try {
      channel.eventLoop().execute(task);
    } catch (RejectedExecutionException e) {
      throw new ConnectionClosedException("QUIC stream " + id() + ": the transport is closed");
    }
  }

  // ---- event loop: held writes ----

  private void write(Object msg, int accounted, boolean flush) {
    ChannelFuture f = flush ? channel.writeAndFlush(msg) : channel.write(msg);
    f.addListener(done -> written(accounted, done.cause()));
  }

  /** Gives the held write to QUIC; flushes when asked even if nothing was held. */
  private void releaseHeld(boolean flush) {
    ByteBuf h = held;
    if (h != null) {
      held = null;
      holding = false;
      write(h, heldLength, flush);
    } else if (flush) {
      channel.flush();
    }
  }

  private void armHoldTimer() {
    if (!holdTimerArmed) {
      holdTimerArmed = true;
      channel.eventLoop().schedule(
          () -> {
            holdTimerArmed = false;
            releaseHeld(true);
          },
          HOLD_NANOS,
          TimeUnit.NANOSECONDS);
    }
  }

  /** Drops the held write (reset, or the channel is gone), keeping the byte count right. */
  private void discardHeld() {
    ByteBuf h = held;
    if (h != null) {
      held = null;
      holding = false;
      h.release();
      written(heldLength, null);
    }
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
          discardHeld();
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
      int len = buf.readableBytes();
      try {
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
      if (!more || len < BATCHED_READ) {
        // the application must make room before more is read, or a short message (a request or a
        // reply someone waits for) is better delivered now than with the batch
        batch.signals.flush();
      }
      if (more) {
        if (batch.active()) {
          batch.readAtEnd(channel);
        } else {
          ctx.read();
        }
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      batch.streamReadComplete();
      ctx.fireChannelReadComplete();
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
      batch.signals.flush();
      discardHeld();
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
    public int available() {
      return buf == null ? 0 : buf.readableBytes();
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

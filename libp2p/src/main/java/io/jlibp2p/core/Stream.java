package io.jlibp2p.core;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A bidirectional stream to a peer, speaking one negotiated protocol.
 *
 * <p>Blocking. Safe for one reading thread and one writing thread at a time. Whoever opens a stream
 * owns it and closes it (try-with-resources); an inbound stream belongs to its handler, which
 * returning closes and throwing resets. Writes block while the peer's receive window is full: that
 * is the backpressure.
 *
 * {@snippet :
 * try (Stream s = host.newStream(peer, ProtocolId.of("/echo/1.0.0"))) {
 *   s.write("hello".getBytes(StandardCharsets.UTF_8));
 *   s.closeWrite();
 *   byte[] back = s.in().readAllBytes();
 * }
 * }
 */
public interface Stream extends Closeable {
  /** The negotiated protocol. */
  ProtocolId protocol();

  /** The connection this stream runs on. */
  Connection connection();

  /**
   * Incoming bytes; {@code read} returns -1 after the peer closed its write side and throws {@link
   * StreamResetException} after a reset.
   *
   * <p>A read that finds nothing waiting blocks until the connection's reader hands it data, and
   * each such hand-off is a thread wake-up. For bulk transfers, read into large arrays (hundreds of
   * KiB to 1 MiB, as {@link io.jlibp2p.protocol.perf.Perf} does) so that there are few of them.
   */
  InputStream in();

  /** Outgoing bytes; buffered: {@code flush()} sends. Closing it is {@link #closeWrite()}. */
  OutputStream out();

  /**
   * Reads exactly {@code b.length} bytes. Returns false if the stream ended cleanly before the first
   * byte; throws {@link EOFException} if it ended in the middle.
   */
  default boolean readFully(byte[] b) throws IOException {
    InputStream in = in();
    int n = 0;
    while (n < b.length) {
      int r = in.read(b, n, b.length - n);
      if (r < 0) {
        if (n == 0) {
          return false;
        }
        throw new EOFException("stream ended after " + n + " of " + b.length + " bytes");
      }
      n += r;
    }
    return true;
  }

  /** Writes all of {@code b} and flushes. */
  default void write(byte[] b) throws IOException {
    OutputStream out = out();
    out.write(b);
    out.flush();
  }

  /** Flushes and half-closes: the peer reads end of stream; we can still read. */
  void closeWrite() throws IOException;

  /** Aborts the stream in both directions; the peer sees {@link StreamResetException}. Never throws. */
  void reset();

  /** Closes our write side and releases the stream; unread incoming bytes are discarded. */
  @Override
  void close() throws IOException;
}

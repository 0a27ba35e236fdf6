package io.jlibp2p.spi;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One stream of a {@link MuxedConnection}. Safe for one reader thread and one writer thread.
 *
 * <p>{@code in().read} returns -1 after the remote closed its write side, and throws {@link
 * io.jlibp2p.core.StreamResetException} after a reset. Flow control: writes block while the remote's
 * window is exhausted; window credit is returned only as the application reads.
 */
public interface MuxedStream extends Closeable {
  /** Incoming data. */
  InputStream in();

  /** Outgoing data. {@code flush()} sends what is buffered; {@code close()} is {@link #closeWrite}. */
  OutputStream out();

  /** Half-closes: we send no more data (yamux FIN, mplex Close). Reading continues. */
  void closeWrite() throws IOException;

  /** Aborts the stream in both directions (yamux RST, mplex Reset). Idempotent, never throws. */
  void reset();

  /** Closes our write side and stops reading; unread incoming data is discarded. */
  @Override
  void close() throws IOException;

  /** The muxer's stream id, for logs. */
  long id();
}

package io.jlibp2p.spi;

import io.jlibp2p.multiformats.Multiaddr;
import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A reliable, ordered, bidirectional byte channel: a TCP socket, a WebSocket, a relayed stream, or
 * the output of a security handshake.
 *
 * <p>Blocking. Safe for one reading thread and one writing thread at a time. {@link #out()} may
 * buffer: writers call {@code flush()} when a message must leave. {@link #close()} is idempotent,
 * may be called from any thread and unblocks a blocked reader or writer (which then see an
 * {@code IOException} or end of stream). The creator owns the connection and must close it.
 */
public interface RawConnection extends Closeable {
  /** The stream of incoming bytes; {@code read} returns -1 once the remote closed its side. */
  InputStream in();

  /** The stream of outgoing bytes. */
  OutputStream out();

  /** Our address on this connection. */
  Multiaddr localAddress();

  /** The remote address of this connection. */
  Multiaddr remoteAddress();

  /** True when we dialed, false when we accepted. */
  boolean isInitiator();

  /** The {@link #preferredFrameSize()} of a connection that states none: 64 KiB. */
  int DEFAULT_FRAME_SIZE = 64 * 1024;

  /**
   * A hint for muxers: how many payload bytes one frame should carry, at most, for this connection
   * to move bulk data at its best: 64 KiB by default, about one Noise frame; TLS connections, whose
   * records are 16 KiB, prefer 256 KiB. Not a limit: any frame size works.
   */
  default int preferredFrameSize() {
    return DEFAULT_FRAME_SIZE;
  }

  /** Closes the connection in both directions; never throws. */
  @Override
  void close();
}

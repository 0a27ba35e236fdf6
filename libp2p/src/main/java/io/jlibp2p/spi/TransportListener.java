package io.jlibp2p.spi;

import io.jlibp2p.multiformats.Multiaddr;
import java.io.Closeable;
import java.io.IOException;

/** A listening endpoint. {@link #accept()} may be called by one thread; {@link #close()} by any. */
public interface TransportListener extends Closeable {
  /** The concrete address bound (port 0 replaced by the real port). */
  Multiaddr localAddress();

  /**
   * Blocks until a connection arrives; the caller owns it. Throws {@code
   * io.jlibp2p.core.ConnectionClosedException} once the listener is closed.
   */
  RawConnection accept() throws IOException;

  /** Stops listening; unblocks {@link #accept()}. Idempotent, never throws. */
  @Override
  void close();
}

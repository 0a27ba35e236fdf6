package io.jlibp2p.spi;

import io.jlibp2p.multiformats.Multiaddr;
import java.io.Closeable;
import java.io.IOException;

/** A listener of a {@link SecureMuxedTransport}. One thread accepts; any thread may close. */
public interface SecureMuxedListener extends Closeable {
  /** The concrete address bound (port 0 replaced by the real port). */
  Multiaddr localAddress();

  /**
   * Blocks until an authenticated connection arrives; the caller owns it. Throws {@link
   * io.jlibp2p.core.ConnectionClosedException} once the listener is closed.
   */
  SecureMuxedConnection accept() throws IOException;

  /** Stops listening; unblocks {@link #accept()}. Idempotent, never throws. */
  @Override
  void close();
}

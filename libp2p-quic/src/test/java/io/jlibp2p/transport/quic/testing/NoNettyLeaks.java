package io.jlibp2p.transport.quic.testing;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class after which Netty reported a resource that was never released (see {@link
 * NettyLeaks}). Registered for every test class of this module by extension auto-detection; the
 * leak's records name where the resource was allocated and last used.
 */
public final class NoNettyLeaks implements AfterAllCallback {
  @Override
  public void afterAll(ExtensionContext context) {
    List<String> leaks = NettyLeaks.collect();
    if (!leaks.isEmpty()) {
      throw new AssertionError(leaks.size() + " Netty resource(s) leaked by the end of "
          + context.getDisplayName() + ":\n" + String.join("\n\n", leaks));
    }
  }
}

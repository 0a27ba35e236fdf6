package io.jlibp2p.protocol.ping;

import io.jlibp2p.core.Host;
import io.jlibp2p.core.ProtocolHandler;
import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.core.Stream;
import io.jlibp2p.crypto.PeerId;
import java.io.EOFException;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The ping protocol ({@code /ipfs/ping/1.0.0}, specs {@code ping/ping.md}): the dialer sends 32
 * random bytes, the listener echoes them, repeatedly on one stream.
 *
 * <p>As a {@link ProtocolHandler} it is the responder (stateless, thread-safe). {@link #ping} is the
 * initiator; it blocks.
 *
 * {@snippet :
 * List<Duration> rtts = Ping.ping(host, peer, 3);
 * }
 */
public final class Ping implements ProtocolHandler {
  public static final ProtocolId ID = ProtocolId.of("/ipfs/ping/1.0.0");

  /** Payload size fixed by the spec. */
  public static final int PAYLOAD_SIZE = 32;

  @Override
  public void handle(Stream s) throws IOException {
    byte[] buf = new byte[PAYLOAD_SIZE];
    while (s.readFully(buf)) {
      s.write(buf);
    }
  }

  /** Pings {@code peer} {@code count} times on one stream; returns each round-trip time. */
  public static List<Duration> ping(Host host, PeerId peer, int count) throws IOException {
    return ping(host, peer, count, new SecureRandom());
  }

  /** As {@link #ping(Host, PeerId, int)}, with the payload bytes drawn from {@code random}. */
  public static List<Duration> ping(Host host, PeerId peer, int count, RandomGenerator random)
      throws IOException {
    if (count < 1) {
      throw new IllegalArgumentException("count: " + count + " (expected: >= 1)");
    }
    try (Stream s = host.newStream(peer, ID)) {
      List<Duration> rtts = new ArrayList<>(count);
      byte[] out = new byte[PAYLOAD_SIZE];
      byte[] in = new byte[PAYLOAD_SIZE];
      for (int i = 0; i < count; i++) {
        random.nextBytes(out);
        long start = System.nanoTime();
        s.write(out);
        if (!s.readFully(in)) {
          throw new EOFException("peer closed the ping stream");
        }
        long rtt = System.nanoTime() - start;
        if (!Arrays.equals(out, in)) {
          throw new ProtocolViolationException("ping reply differs from the payload sent");
        }
        rtts.add(Duration.ofNanos(rtt));
      }
      s.closeWrite();
      return rtts;
    }
  }
}

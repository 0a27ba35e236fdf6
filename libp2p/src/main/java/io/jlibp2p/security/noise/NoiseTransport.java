package io.jlibp2p.security.noise;

import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.security.noise.internal.NoiseFrames;
import io.jlibp2p.security.noise.internal.NoiseHandshake;
import io.jlibp2p.spi.RawConnection;
import io.jlibp2p.spi.SecureConnection;
import io.jlibp2p.spi.SecureTransport;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;

/**
 * noise-libp2p ({@code /noise}, specs noise/README.md): the {@code Noise_XX_25519_ChaChaPoly_SHA256}
 * handshake with the signed libp2p payload, then ChaCha20-Poly1305 frames of at most {@value
 * #MAX_FRAME_LENGTH} bytes.
 *
 * <p>The muxers passed to a handshake travel in the Noise extensions (responder in message 2,
 * initiator in message 3); the connection's {@link SecureConnection#earlyMuxer()} is the first of
 * the initiator's muxers that the responder supports, if any (specs
 * connections/inlined-muxer-negotiation.md). As initiator we send only that muxer in message 3, so
 * responders that pick by the other side's order (js-libp2p) agree. As responder we follow the
 * initiator's order; a js-libp2p initiator instead picks the first of our list that it supports,
 * so the two agree only when both sides list their common muxers in the same order. With no
 * common muxer there is no early muxer (go-libp2p behaviour) and the caller negotiates one with
 * multistream-select.
 *
 * <p>Thread-safe: one instance serves any number of concurrent handshakes, each blocking on the
 * calling thread; a handshake that fails closes its connection and throws a {@link
 * io.jlibp2p.core.SecurityHandshakeException} (a {@link io.jlibp2p.core.PeerIdMismatchException}
 * for an unexpected peer). Handshake timeouts are the caller's: it closes the connection. The
 * resulting connection's {@code out()} buffers up to {@value #MAX_PLAINTEXT_LENGTH} bytes, so
 * writers must {@code flush()}.
 *
 * {@snippet :
 * SecureTransport noise = new NoiseTransport(identityKey);
 * SecureConnection secured = noise.secureOutbound(raw, expectedPeer, List.of(Yamux.ID));
 * }
 */
public final class NoiseTransport implements SecureTransport {
  /** The multistream-select id of noise-libp2p. */
  public static final ProtocolId PROTOCOL_ID = ProtocolId.of("/noise");

  /** Largest frame on the wire after the 2-byte length: ciphertext plus the 16-byte tag. */
  public static final int MAX_FRAME_LENGTH = NoiseFrames.MAX_FRAME_LENGTH;

  /** Largest plaintext sent in one frame. */
  public static final int MAX_PLAINTEXT_LENGTH = NoiseFrames.MAX_PLAINTEXT_LENGTH;

  private final NoiseHandshake handshake;

  /** A transport for {@code identity}, with a fresh static Noise key. */
  public NoiseTransport(PrivateKey identity) {
    this(identity, new SecureRandom());
  }

  /** As {@link #NoiseTransport(PrivateKey)}, drawing the static and ephemeral keys from {@code random}. */
  public NoiseTransport(PrivateKey identity, SecureRandom random) {
    this.handshake =
        new NoiseHandshake(
            PROTOCOL_ID,
            Objects.requireNonNull(identity, "identity"),
            Objects.requireNonNull(random, "random"));
  }

  @Override
  public ProtocolId protocolId() {
    return PROTOCOL_ID;
  }

  /** Our peer id. */
  public PeerId localPeer() {
    return handshake.localPeer();
  }

  @Override
  public SecureConnection secureOutbound(
      RawConnection connection, PeerId expectedRemote, List<ProtocolId> muxers) throws IOException {
    return handshake.run(connection, true, expectedRemote, List.copyOf(muxers));
  }

  @Override
  public SecureConnection secureInbound(RawConnection connection, List<ProtocolId> muxers)
      throws IOException {
    return handshake.run(connection, false, null, List.copyOf(muxers));
  }
}

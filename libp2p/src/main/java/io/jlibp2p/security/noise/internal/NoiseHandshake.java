package io.jlibp2p.security.noise.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jlibp2p.core.PeerIdMismatchException;
import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.core.SecurityHandshakeException;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.security.internal.SecuredConnection;
import io.jlibp2p.security.noise.internal.pb.NoiseProtos.NoiseExtensions;
import io.jlibp2p.security.noise.internal.pb.NoiseProtos.NoiseHandshakePayload;
import io.jlibp2p.spi.RawConnection;
import io.jlibp2p.spi.SecureConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.crypto.AEADBadTagException;

/**
 * The noise-libp2p handshake (specs noise/README.md) over a raw connection: XX with the signed
 * libp2p payload and the stream muxer extension. Thread-safe: one instance per local identity,
 * each call runs one handshake on the calling thread.
 */
public final class NoiseHandshake {
  /** Prefix of the data signed with the identity key: this, then the static X25519 key. */
  public static final String STATIC_KEY_SIGNATURE_PREFIX = "noise-libp2p-static-key:";

  private static final byte[] EMPTY = new byte[0];

  private final ProtocolId protocolId;
  private final PeerId localPeer;
  private final byte[] staticPrivate;
  private final byte[] identityKey;
  private final byte[] identitySignature;
  private final SecureRandom random;

  /**
   * Signs a fresh static Noise key with {@code identity}; the key serves every handshake of this
   * instance.
   */
  public NoiseHandshake(ProtocolId protocolId, PrivateKey identity, SecureRandom random) {
    this.protocolId = protocolId;
    this.random = random;
    this.localPeer = PeerId.fromPublicKey(identity.publicKey());
    this.staticPrivate = X25519Keys.generatePrivate(random);
    this.identityKey = identity.publicKey().marshal();
    this.identitySignature = identity.sign(signedData(X25519Keys.publicKey(staticPrivate)));
  }

  public PeerId localPeer() {
    return localPeer;
  }

  /**
   * Runs the handshake; on any failure closes {@code connection} and throws.
   *
   * @param expectedRemote checked by the initiator before it reveals its identity; may be null
   */
  public SecureConnection run(
      RawConnection connection,
      boolean initiator,
      PeerId expectedRemote,
      List<ProtocolId> muxers)
      throws IOException {
    try {
      return handshake(connection, initiator, expectedRemote, muxers);
    } catch (IOException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  private SecureConnection handshake(
      RawConnection connection, boolean initiator, PeerId expectedRemote, List<ProtocolId> muxers)
      throws IOException {
    InputStream in = connection.in();
    OutputStream out = connection.out();
    XXHandshakeState state = new XXHandshakeState(initiator, EMPTY, staticPrivate, null, random);
    Remote remote;
    Optional<ProtocolId> muxer;
    if (initiator) {
      write(state, out, EMPTY, 1);
      remote = verify(read(state, in, 2), state, expectedRemote);
      muxer = chooseMuxer(muxers, remote.muxers());
      // Sending only the chosen muxer (which the spec allows) makes every responder agree:
      // js-libp2p picks the first of the remote's list that it supports, go-libp2p the first of
      // the initiator's list, and with one entry these are the same.
      write(state, out, payload(muxer.map(List::of).orElse(muxers)), 3);
    } else {
      read(state, in, 1);
      write(state, out, payload(muxers), 2);
      remote = verify(read(state, in, 3), state, null);
      muxer = chooseMuxer(remote.muxers(), muxers);
    }
    CipherState[] ciphers = state.split();
    return new SecuredConnection(
        connection,
        new NoiseInputStream(in, ciphers[1], connection),
        new NoiseOutputStream(out, ciphers[0]),
        localPeer,
        remote.peer(),
        remote.key(),
        protocolId,
        muxer,
        RawConnection.DEFAULT_FRAME_SIZE); // about one Noise frame
  }

  private static void write(
      XXHandshakeState state, OutputStream out, byte[] payload, int messageNumber)
      throws IOException {
    byte[] message;
    try {
      message = state.writeMessage(payload);
    } catch (IllegalArgumentException e) {
      throw new SecurityHandshakeException(
          "Noise handshake: cannot write message " + messageNumber + ": " + e.getMessage(), e);
    }
    NoiseFrames.writeHandshakeFrame(out, message);
  }

  private static byte[] read(XXHandshakeState state, InputStream in, int messageNumber)
      throws IOException {
    byte[] message = NoiseFrames.readHandshakeFrame(in, messageNumber);
    try {
      return state.readMessage(message, 0, message.length);
    } catch (AEADBadTagException e) {
      throw new SecurityHandshakeException(
          "Noise handshake: message " + messageNumber + " failed authentication", e);
    } catch (IllegalArgumentException e) {
      throw new SecurityHandshakeException(
          "Noise handshake: bad message " + messageNumber + ": " + e.getMessage(), e);
    }
  }

  private byte[] payload(List<ProtocolId> muxers) {
    NoiseHandshakePayload.Builder payload =
        NoiseHandshakePayload.newBuilder()
            .setIdentityKey(ByteString.copyFrom(identityKey))
            .setIdentitySig(ByteString.copyFrom(identitySignature));
    if (!muxers.isEmpty()) {
      NoiseExtensions.Builder extensions = NoiseExtensions.newBuilder();
      for (ProtocolId m : muxers) {
        extensions.addStreamMuxers(m.value());
      }
      payload.setExtensions(extensions);
    }
    return payload.build().toByteArray();
  }

  record Remote(PeerId peer, PublicKey key, List<ProtocolId> muxers) {}

  private static Remote verify(byte[] payloadBytes, XXHandshakeState state, PeerId expected)
      throws SecurityHandshakeException {
    NoiseHandshakePayload payload;
    try {
      payload = NoiseHandshakePayload.parseFrom(payloadBytes);
    } catch (InvalidProtocolBufferException e) {
      throw new SecurityHandshakeException("Noise handshake: malformed payload", e);
    }
    if (!payload.hasIdentityKey() || !payload.hasIdentitySig()) {
      throw new SecurityHandshakeException(
          "Noise handshake: payload lacks the identity key or its signature");
    }
    PublicKey key;
    try {
      key = PublicKey.unmarshal(payload.getIdentityKey().toByteArray());
    } catch (IllegalArgumentException e) {
      throw new SecurityHandshakeException(
          "Noise handshake: bad identity key: " + e.getMessage(), e);
    }
    if (!key.verify(
        signedData(state.remoteStaticPublic()), payload.getIdentitySig().toByteArray())) {
      throw new SecurityHandshakeException(
          "Noise handshake: the identity key's signature of the static Noise key is invalid");
    }
    PeerId peer = PeerId.fromPublicKey(key);
    if (expected != null && !expected.equals(peer)) {
      throw new PeerIdMismatchException(
          "Noise handshake: remote is " + peer + " (expected: " + expected + ")");
    }
    List<ProtocolId> muxers = new ArrayList<>();
    if (payload.hasExtensions()) {
      for (String m : payload.getExtensions().getStreamMuxersList()) {
        try {
          muxers.add(ProtocolId.of(m));
        } catch (IllegalArgumentException ignored) {
          // not a protocol id we could ever select
        }
      }
    }
    return new Remote(peer, key, muxers);
  }

  /** The first of the initiator's muxers that the responder supports. */
  static Optional<ProtocolId> chooseMuxer(List<ProtocolId> initiator, List<ProtocolId> responder) {
    for (ProtocolId m : initiator) {
      if (responder.contains(m)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  private static byte[] signedData(byte[] staticPublic) {
    byte[] prefix = STATIC_KEY_SIGNATURE_PREFIX.getBytes(StandardCharsets.US_ASCII);
    byte[] data = new byte[prefix.length + staticPublic.length];
    System.arraycopy(prefix, 0, data, 0, prefix.length);
    System.arraycopy(staticPublic, 0, data, prefix.length, staticPublic.length);
    return data;
  }
}

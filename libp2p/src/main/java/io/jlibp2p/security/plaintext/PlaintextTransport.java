package io.jlibp2p.security.plaintext;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jlibp2p.core.PeerIdMismatchException;
import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.core.SecurityHandshakeException;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.multiformats.Varint;
import io.jlibp2p.security.internal.SecuredConnection;
import io.jlibp2p.security.plaintext.internal.pb.PlaintextProtos.Exchange;
import io.jlibp2p.spi.RawConnection;
import io.jlibp2p.spi.SecureConnection;
import io.jlibp2p.spi.SecureTransport;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code /plaintext/2.0.0} (specs plaintext/README.md): both peers send their peer id and public
 * key, nothing is encrypted or authenticated. For tests and trusted networks only.
 *
 * <p>Each side checks that the remote's id matches its key; the dialer also checks it is the peer
 * it dialed ({@link PeerIdMismatchException}). A malformed Exchange message, one cut short by the
 * end of the connection, or an id that does not match the key is a {@link
 * SecurityHandshakeException}; a length prefix that is malformed or over {@link
 * #MAX_EXCHANGE_LENGTH} is a {@link io.jlibp2p.core.ProtocolViolationException}. No early muxer
 * negotiation. Thread-safe; each handshake blocks on the calling thread and closes the connection
 * when it fails.
 *
 * {@snippet :
 * SecureTransport plaintext = new PlaintextTransport(identityKey);
 * SecureConnection conn = plaintext.secureOutbound(raw, expectedPeer, List.of());
 * }
 */
public final class PlaintextTransport implements SecureTransport {
  /** The multistream-select id. */
  public static final ProtocolId PROTOCOL_ID = ProtocolId.of("/plaintext/2.0.0");

  /**
   * Longest Exchange message accepted: a peer id and the largest encoded public key, with room for
   * the protobuf framing.
   */
  public static final int MAX_EXCHANGE_LENGTH = PeerId.MAX_BYTES + PublicKey.MAX_ENCODED_LENGTH + 64;

  private final PeerId localPeer;
  private final byte[] exchange;

  public PlaintextTransport(PrivateKey identity) {
    Objects.requireNonNull(identity, "identity");
    PublicKey key = identity.publicKey();
    this.localPeer = PeerId.fromPublicKey(key);
    byte[] message =
        Exchange.newBuilder()
            .setId(ByteString.copyFrom(localPeer.toBytes()))
            .setPubkey(ByteString.copyFrom(key.marshal()))
            .build()
            .toByteArray();
    this.exchange = new byte[Varint.encodedLength(message.length) + message.length];
    int pos = Varint.write(message.length, exchange, 0);
    System.arraycopy(message, 0, exchange, pos, message.length);
  }

  @Override
  public ProtocolId protocolId() {
    return PROTOCOL_ID;
  }

  /** Our peer id. */
  public PeerId localPeer() {
    return localPeer;
  }

  @Override
  public SecureConnection secureOutbound(
      RawConnection connection, PeerId expectedRemote, List<ProtocolId> muxers) throws IOException {
    return run(connection, expectedRemote);
  }

  @Override
  public SecureConnection secureInbound(RawConnection connection, List<ProtocolId> muxers)
      throws IOException {
    return run(connection, null);
  }

  private SecureConnection run(RawConnection connection, PeerId expectedRemote)
      throws IOException {
    try {
      InputStream in = connection.in();
      OutputStream out = connection.out();
      out.write(exchange);
      out.flush();
      Exchange remote = readExchange(in);
      PublicKey key;
      PeerId id;
      try {
        key = PublicKey.unmarshal(remote.getPubkey().toByteArray());
        id = PeerId.fromBytes(remote.getId().toByteArray());
      } catch (IllegalArgumentException e) {
        throw new SecurityHandshakeException("plaintext: bad peer id or key: " + e.getMessage(), e);
      }
      if (!id.matches(key)) {
        throw new SecurityHandshakeException(
            "plaintext: remote claims id " + id + " which does not match its public key");
      }
      if (expectedRemote != null && !expectedRemote.equals(id)) {
        throw new PeerIdMismatchException(
            "plaintext: remote is " + id + " (expected: " + expectedRemote + ")");
      }
      return new SecuredConnection(
          connection, in, out, localPeer, id, key, PROTOCOL_ID, Optional.empty(),
          connection.preferredFrameSize());
    } catch (IOException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  private static Exchange readExchange(InputStream in) throws IOException {
    int length;
    try {
      length = Varint.readLength(in, MAX_EXCHANGE_LENGTH);
    } catch (EOFException e) {
      throw new SecurityHandshakeException(
          "plaintext: connection closed inside the Exchange message's length prefix", e);
    }
    if (length < 0) {
      throw new SecurityHandshakeException(
          "plaintext: connection closed before the Exchange message", new EOFException());
    }
    byte[] message = in.readNBytes(length);
    if (message.length < length) {
      throw new SecurityHandshakeException(
          "plaintext: connection closed inside the Exchange message", new EOFException());
    }
    try {
      Exchange exchange = Exchange.parseFrom(message);
      if (!exchange.hasId() || !exchange.hasPubkey()) {
        throw new SecurityHandshakeException("plaintext: Exchange lacks the id or the key");
      }
      return exchange;
    } catch (InvalidProtocolBufferException e) {
      throw new SecurityHandshakeException("plaintext: malformed Exchange message", e);
    }
  }
}

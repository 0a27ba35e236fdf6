package io.jlibp2p.protocol.identify;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.Varint;
import io.jlibp2p.protocol.identify.internal.pb.IdentifyProtos;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The identify message (specs {@code identify/README.md}), varint-length-prefixed on the wire.
 * Absent fields are empty optionals or empty lists (identify push sends only what changed).
 * Immutable.
 *
 * @param publicKey the sender's protobuf-encoded public key
 * @param listenAddresses the sender's listen addresses
 * @param protocols the protocols the sender serves
 * @param observedAddress our address as the sender sees it
 * @param protocolVersion e.g. {@code ipfs/0.1.0}
 * @param agentVersion e.g. {@code jlibp2p/0.1.0}
 * @param signedPeerRecord a sealed envelope holding the sender's peer record
 * @param hasListenAddresses whether the listen-address field was present (push semantics)
 * @param hasProtocols whether the protocols field was present (push semantics)
 */
public record IdentifyMessage(
    Optional<byte[]> publicKey,
    List<Multiaddr> listenAddresses,
    List<ProtocolId> protocols,
    Optional<Multiaddr> observedAddress,
    Optional<String> protocolVersion,
    Optional<String> agentVersion,
    Optional<byte[]> signedPeerRecord,
    boolean hasListenAddresses,
    boolean hasProtocols) {

  /** ID of the identify protocol. */
  public static final ProtocolId ID = ProtocolId.of("/ipfs/id/1.0.0");

  /** ID of the identify push protocol. */
  public static final ProtocolId PUSH_ID = ProtocolId.of("/ipfs/id/push/1.0.0");

  /** Largest identify message accepted, in bytes. */
  public static final int MAX_MESSAGE_SIZE = 64 * 1024;

  /** Most listen addresses or protocols accepted in one message. */
  public static final int MAX_ENTRIES = 1024;

  public IdentifyMessage {
    listenAddresses = List.copyOf(listenAddresses);
    protocols = List.copyOf(protocols);
  }

  /** Writes the message, length-prefixed, and flushes. */
  public void writeTo(OutputStream out) throws IOException {
    IdentifyProtos.Identify.Builder b = IdentifyProtos.Identify.newBuilder();
    protocolVersion.ifPresent(b::setProtocolVersion);
    agentVersion.ifPresent(b::setAgentVersion);
    publicKey.ifPresent(k -> b.setPublicKey(ByteString.copyFrom(k)));
    for (Multiaddr a : listenAddresses) {
      b.addListenAddrs(ByteString.copyFrom(a.toBytes()));
    }
    observedAddress.ifPresent(a -> b.setObservedAddr(ByteString.copyFrom(a.toBytes())));
    for (ProtocolId p : protocols) {
      b.addProtocols(p.value());
    }
    signedPeerRecord.ifPresent(r -> b.setSignedPeerRecord(ByteString.copyFrom(r)));
    byte[] body = b.build().toByteArray();
    if (body.length > MAX_MESSAGE_SIZE) {
      throw new IllegalStateException(
          "identify message of " + body.length + " bytes (expected: at most " + MAX_MESSAGE_SIZE + ")");
    }
    out.write(Varint.encode(body.length));
    out.write(body);
    out.flush();
  }

  /**
   * Reads one length-prefixed message. Malformed entries (an unparsable address or protocol id)
   * are skipped; a malformed message is a {@link ProtocolViolationException}.
   */
  public static IdentifyMessage readFrom(InputStream in) throws IOException {
    int len = Varint.readLength(in, MAX_MESSAGE_SIZE);
    if (len < 0) {
      throw new EOFException("stream ended before the identify message");
    }
    byte[] body = in.readNBytes(len);
    if (body.length != len) {
      throw new EOFException("identify message truncated: " + body.length + " of " + len + " bytes");
    }
    IdentifyProtos.Identify m;
    try {
      m = IdentifyProtos.Identify.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw new ProtocolViolationException("malformed identify message: " + e.getMessage(), e);
    }
    if (m.getListenAddrsCount() > MAX_ENTRIES || m.getProtocolsCount() > MAX_ENTRIES) {
      throw new ProtocolViolationException(
          "identify message with " + m.getListenAddrsCount() + " addresses and "
              + m.getProtocolsCount() + " protocols (expected: at most " + MAX_ENTRIES + " each)");
    }
    List<Multiaddr> addrs = new ArrayList<>();
    for (ByteString a : m.getListenAddrsList()) {
      parseAddress(a).ifPresent(addrs::add);
    }
    List<ProtocolId> protos = new ArrayList<>();
    for (String p : m.getProtocolsList()) {
      try {
        protos.add(ProtocolId.of(p));
      } catch (IllegalArgumentException ignored) {
        // a protocol id we cannot represent: skip it
      }
    }
    return new IdentifyMessage(
        m.hasPublicKey() ? Optional.of(m.getPublicKey().toByteArray()) : Optional.empty(),
        addrs,
        protos,
        m.hasObservedAddr() ? parseAddress(m.getObservedAddr()) : Optional.empty(),
        m.hasProtocolVersion() ? Optional.of(m.getProtocolVersion()) : Optional.empty(),
        m.hasAgentVersion() ? Optional.of(m.getAgentVersion()) : Optional.empty(),
        m.hasSignedPeerRecord() ? Optional.of(m.getSignedPeerRecord().toByteArray()) : Optional.empty(),
        m.getListenAddrsCount() > 0,
        m.getProtocolsCount() > 0);
  }

  private static Optional<Multiaddr> parseAddress(ByteString b) {
    try {
      return Optional.of(Multiaddr.decode(b.toByteArray()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}

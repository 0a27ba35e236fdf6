package io.jlibp2p.record;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.record.internal.pb.PeerRecordProtos;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A peer record (specs {@code RFC/0003-routing-records.md}): a peer's id, a sequence number and
 * its listen addresses, exchanged inside a signed {@link Envelope} (domain {@value #DOMAIN},
 * payload type the multicodec {@code libp2p-peer-record}, bytes {@code 0x03 0x01} as in go-libp2p
 * and js-libp2p). Immutable and thread-safe; no call blocks.
 *
 * {@snippet :
 * PeerRecord mine = new PeerRecord(PeerId.fromPublicKey(key.publicKey()), seq, addresses);
 * byte[] wire = mine.sign(key).toBytes();
 * PeerRecord theirs = PeerRecord.open(wireFromPeer);   // verified; IllegalArgumentException if bad
 * }
 *
 * @param peerId the peer the record describes
 * @param seq the sequence number, an unsigned 64-bit value (compare with {@link
 *     Long#compareUnsigned}); newer records have greater values
 * @param addresses the peer's addresses, at most {@value #MAX_ADDRESSES}
 */
public record PeerRecord(PeerId peerId, long seq, List<Multiaddr> addresses) {
  /** The envelope domain of peer records. */
  public static final String DOMAIN = "libp2p-peer-record";
  /** The multicodec {@code libp2p-peer-record}; in envelopes as the two bytes 0x03 0x01. */
  public static final int CODEC = 0x0301;
  /** Most addresses a record may hold. */
  public static final int MAX_ADDRESSES = 1024;

  private static final byte[] PAYLOAD_TYPE = {0x03, 0x01};

  public PeerRecord {
    Objects.requireNonNull(peerId, "peerId");
    addresses = List.copyOf(addresses);
    if (addresses.size() > MAX_ADDRESSES) {
      throw new IllegalArgumentException(
          "peer record: " + addresses.size() + " addresses (expected: at most " + MAX_ADDRESSES + ")");
    }
  }

  /** The envelope payload type of peer records ({@code 0x03 0x01}); a fresh copy. */
  public static byte[] payloadType() {
    return PAYLOAD_TYPE.clone();
  }

  /** The protobuf encoding (the envelope payload). */
  public byte[] encode() {
    PeerRecordProtos.PeerRecord.Builder b =
        PeerRecordProtos.PeerRecord.newBuilder()
            .setPeerId(ByteString.copyFrom(peerId.toBytes()))
            .setSeq(seq);
    for (Multiaddr a : addresses) {
      b.addAddresses(
          PeerRecordProtos.PeerRecord.AddressInfo.newBuilder()
              .setMultiaddr(ByteString.copyFrom(a.toBytes())));
    }
    return b.build().toByteArray();
  }

  /**
   * Parses the protobuf encoding (unverified: prefer {@link #open} or {@link #fromEnvelope}).
   * Oversized or malformed input is an IllegalArgumentException.
   */
  public static PeerRecord decode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length > Envelope.MAX_ENCODED_LENGTH) {
      throw new IllegalArgumentException(
          "peer record: " + bytes.length + " bytes (expected: at most "
              + Envelope.MAX_ENCODED_LENGTH + ")");
    }
    PeerRecordProtos.PeerRecord pb;
    try {
      pb = PeerRecordProtos.PeerRecord.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("peer record: malformed protobuf: " + e.getMessage(), e);
    }
    if (pb.getAddressesCount() > MAX_ADDRESSES) {
      throw new IllegalArgumentException(
          "peer record: " + pb.getAddressesCount() + " addresses (expected: at most "
              + MAX_ADDRESSES + ")");
    }
    PeerId peerId = PeerId.fromBytes(pb.getPeerId().toByteArray());
    List<Multiaddr> addresses = new ArrayList<>(pb.getAddressesCount());
    for (PeerRecordProtos.PeerRecord.AddressInfo info : pb.getAddressesList()) {
      addresses.add(Multiaddr.decode(info.getMultiaddr().toByteArray()));
    }
    return new PeerRecord(peerId, pb.getSeq(), addresses);
  }

  /**
   * This record in an envelope signed by {@code key}, which must be the key of {@link #peerId()}
   * (else an IllegalArgumentException).
   */
  public Envelope sign(PrivateKey key) {
    if (!peerId.matches(key.publicKey())) {
      throw new IllegalArgumentException(
          "peer record: signing key of " + PeerId.fromPublicKey(key.publicKey())
              + " does not match the record's peer id " + peerId);
    }
    return Envelope.seal(key, DOMAIN, PAYLOAD_TYPE, encode());
  }

  /**
   * The record in {@code envelope}, checking that it was opened in domain {@value #DOMAIN}, that
   * its payload type is 0x03 0x01 and that its signer is the record's peer. A mismatch is an
   * IllegalArgumentException.
   */
  public static PeerRecord fromEnvelope(Envelope envelope) {
    if (!envelope.domain().equals(DOMAIN)) {
      throw new IllegalArgumentException(
          "envelope: domain " + envelope.domain() + " (expected: " + DOMAIN + ")");
    }
    if (!envelope.hasPayloadType(PAYLOAD_TYPE)) {
      throw new IllegalArgumentException("envelope: payload type is not libp2p-peer-record (0x0301)");
    }
    PeerRecord record = decode(envelope.payload());
    if (!record.peerId.matches(envelope.publicKey())) {
      throw new IllegalArgumentException(
          "peer record: peer id " + record.peerId + " does not match the envelope's signer "
              + envelope.peerId());
    }
    return record;
  }

  /** Opens a signed peer record envelope: {@link Envelope#open} in {@value #DOMAIN}, then {@link #fromEnvelope}. */
  public static PeerRecord open(byte[] envelopeBytes) {
    return fromEnvelope(Envelope.open(envelopeBytes, DOMAIN));
  }
}

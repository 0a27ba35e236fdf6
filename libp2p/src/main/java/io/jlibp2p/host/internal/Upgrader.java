package io.jlibp2p.host.internal;

import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.core.ProtocolNegotiationException;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.negotiation.MultistreamSelect;
import io.jlibp2p.spi.MuxedConnection;
import io.jlibp2p.spi.RawConnection;
import io.jlibp2p.spi.SecureConnection;
import io.jlibp2p.spi.SecureTransport;
import io.jlibp2p.spi.StreamMuxer;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a raw connection into a secure, multiplexed one: multistream-select, security,
 * multistream-select (unless the security handshake agreed a muxer), muxer. Runs on the calling
 * thread; on failure the raw connection is closed.
 */
final class Upgrader {
  /** The result of an upgrade. */
  record Upgraded(SecureConnection secure, MuxedConnection muxed, ProtocolId muxer) {}

  private final Map<ProtocolId, SecureTransport> security = new LinkedHashMap<>();
  private final Map<ProtocolId, StreamMuxer> muxers = new LinkedHashMap<>();
  private final List<ProtocolId> muxerIds;

  Upgrader(List<SecureTransport> security, List<StreamMuxer> muxers) {
    security.forEach(s -> this.security.put(s.protocolId(), s));
    muxers.forEach(m -> this.muxers.put(m.protocolId(), m));
    this.muxerIds = List.copyOf(this.muxers.keySet());
  }

  List<ProtocolId> securityIds() {
    return List.copyOf(security.keySet());
  }

  List<ProtocolId> muxerIds() {
    return muxerIds;
  }

  Upgraded outbound(RawConnection raw, PeerId expected) throws IOException {
    try {
      ProtocolId secId =
          MultistreamSelect.select(raw.in(), raw.out(), List.copyOf(security.keySet()));
      SecureConnection sec = security.get(secId).secureOutbound(raw, expected, muxerIds);
      ProtocolId muxId = sec.earlyMuxer().orElse(null);
      if (muxId == null || !muxers.containsKey(muxId)) {
        muxId = MultistreamSelect.select(sec.in(), sec.out(), muxerIds);
      }
      return new Upgraded(sec, muxers.get(muxId).create(sec, true), muxId);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  Upgraded inbound(RawConnection raw) throws IOException {
    try {
      ProtocolId secId = MultistreamSelect.respond(raw.in(), raw.out(), security.keySet());
      raw.out().flush();
      SecureTransport st = security.get(secId);
      if (st == null) {
        throw new ProtocolNegotiationException("negotiated unknown security " + secId);
      }
      SecureConnection sec = st.secureInbound(raw, muxerIds);
      ProtocolId muxId = sec.earlyMuxer().orElse(null);
      if (muxId == null || !muxers.containsKey(muxId)) {
        muxId = MultistreamSelect.respond(sec.in(), sec.out(), muxers.keySet());
        sec.out().flush();
      }
      return new Upgraded(sec, muxers.get(muxId).create(sec, false), muxId);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }
}

package io.jlibp2p.negotiation;

import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.core.ProtocolNegotiationException;
import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.negotiation.internal.LazyNegotiationInputStream;
import io.jlibp2p.negotiation.internal.MessageCodec;
import io.jlibp2p.multiformats.Varint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collection;
import java.util.List;

/**
 * multistream-select 1.0 ({@value #HEADER}): agrees on one protocol over a fresh connection or
 * stream. Every message is a varint length (counting the newline), UTF-8 text and a newline, at
 * most {@value #MAX_MESSAGE_LENGTH} bytes.
 *
 * <p>All methods block on the given streams and read exactly the negotiation's bytes, so the
 * streams can be handed on to the agreed protocol afterwards. They do not close the streams; the
 * caller owns them and closes them on failure. Stateless and thread-safe; each call must be the
 * only user of its streams while it runs.
 *
 * {@snippet :
 * // dialer
 * ProtocolId chosen = MultistreamSelect.select(in, out, List.of(Yamux.ID, Mplex.ID));
 * // listener
 * ProtocolId accepted = MultistreamSelect.respond(in, out, Set.of(Yamux.ID));
 * }
 */
public final class MultistreamSelect {
  /** The multistream-select protocol id, sent as the first message by both sides. */
  public static final String HEADER = "/multistream/1.0.0";

  /** The multistream-select protocol id as a {@link ProtocolId}. */
  public static final ProtocolId PROTOCOL_ID = ProtocolId.of(HEADER);

  /**
   * Longest message accepted from the remote, in bytes including the newline: the longest {@link
   * ProtocolId} plus its newline.
   */
  public static final int MAX_MESSAGE_LENGTH = ProtocolId.MAX_LENGTH + 1;

  /**
   * Most proposals (and {@code ls} requests) a listener answers before giving up, so that a peer
   * cannot keep it negotiating forever.
   */
  public static final int MAX_NEGOTIATION_ATTEMPTS = 32;

  private static final String NA = "na";
  private static final String LS = "ls";
  private static final byte[] HEADER_MESSAGE = MessageCodec.encode(HEADER);
  private static final byte[] NA_MESSAGE = MessageCodec.encode(NA);

  private MultistreamSelect() {}

  /**
   * Negotiates as the dialer: sends the header with the first proposal in one write, then tries
   * each protocol in order while the listener answers {@code na}. Flushes {@code out}.
   *
   * @param protocols the protocols to propose, most preferred first; not empty
   * @return the protocol the listener accepted
   * @throws ProtocolNegotiationException if the listener accepts none of them
   * @throws ProtocolViolationException if the listener breaks the protocol
   * @throws java.io.EOFException if the stream ends during negotiation
   */
  public static ProtocolId select(InputStream in, OutputStream out, List<ProtocolId> protocols)
      throws IOException {
    if (protocols.isEmpty()) {
      throw new IllegalArgumentException("protocols: empty (expected: at least one to propose)");
    }
    out.write(MessageCodec.concat(HEADER_MESSAGE, MessageCodec.encode(protocols.get(0).value())));
    out.flush();
    readHeader(in);
    for (int i = 0; ; i++) {
      ProtocolId proposal = protocols.get(i);
      if (i > 0) {
        out.write(MessageCodec.encode(proposal.value()));
        out.flush();
      }
      String answer = MessageCodec.read(in, MAX_MESSAGE_LENGTH);
      if (answer.equals(proposal.value())) {
        return proposal;
      }
      if (!answer.equals(NA)) {
        throw new ProtocolViolationException(
            "multistream-select: unexpected answer '"
                + answer
                + "' to proposal '"
                + proposal
                + "' (expected: the proposal or 'na')");
      }
      if (i == protocols.size() - 1) {
        throw new ProtocolNegotiationException(
            "multistream-select: remote supports none of " + protocols);
      }
    }
  }

  /**
   * Negotiates as the listener: reads the dialer's header, answers {@code na} to unsupported
   * proposals and the supported list to {@code ls}, and echoes the first supported proposal.
   * Flushes {@code out} after every answer.
   *
   * <p>Our header is sent together with our first answer when the dialer's first proposal has
   * already arrived, else right after the dialer's header.
   *
   * @param supported the protocols we accept
   * @return the accepted protocol
   * @throws ProtocolNegotiationException after {@value #MAX_NEGOTIATION_ATTEMPTS} proposals
   *     without agreement
   * @throws ProtocolViolationException if the dialer breaks the protocol
   * @throws java.io.EOFException if the stream ends during negotiation (e.g. the dialer gave up)
   */
  public static ProtocolId respond(
      InputStream in, OutputStream out, Collection<ProtocolId> supported) throws IOException {
    readHeader(in);
    boolean headerSent = false;
    if (in.available() <= 0) {
      out.write(HEADER_MESSAGE);
      out.flush();
      headerSent = true;
    }
    for (int attempt = 0; attempt < MAX_NEGOTIATION_ATTEMPTS; attempt++) {
      String message = MessageCodec.read(in, MAX_MESSAGE_LENGTH);
      ProtocolId accepted = null;
      byte[] answer;
      if (message.equals(LS)) {
        answer = listMessage(supported);
      } else {
        accepted = supportedProposal(message, supported);
        answer = accepted != null ? MessageCodec.encode(accepted.value()) : NA_MESSAGE;
      }
      out.write(headerSent ? answer : MessageCodec.concat(HEADER_MESSAGE, answer));
      out.flush();
      headerSent = true;
      if (accepted != null) {
        return accepted;
      }
    }
    throw new ProtocolNegotiationException(
        "multistream-select: no agreement after "
            + MAX_NEGOTIATION_ATTEMPTS
            + " proposals (limit MAX_NEGOTIATION_ATTEMPTS)");
  }

  /**
   * Proposes a single protocol optimistically: writes the header and the proposal to {@code out}
   * <em>without flushing</em>, so that the first application bytes leave in the same packet, and
   * returns {@code in} wrapped so that its first {@code read}, {@code available} or {@code skip}
   * first consumes and checks the listener's header and answer.
   *
   * <p>The caller must flush {@code out}: after writing its first message, or before its first read
   * if it reads first, else both sides wait forever. After the answer has been read the returned
   * stream delegates directly to {@code in}. It is for one reading thread; closing it closes
   * {@code in}.
   *
   * @return the input to use from now on; its first read throws {@link
   *     ProtocolNegotiationException} if the listener answered {@code na}, {@link
   *     ProtocolViolationException} for a malformed answer and {@link java.io.EOFException} if the
   *     stream ends before the answer, and so does every later read
   */
  public static InputStream selectOptimistic(InputStream in, OutputStream out, ProtocolId protocol)
      throws IOException {
    out.write(MessageCodec.concat(HEADER_MESSAGE, MessageCodec.encode(protocol.value())));
    return new LazyNegotiationInputStream(in, protocol, HEADER, MAX_MESSAGE_LENGTH);
  }

  private static void readHeader(InputStream in) throws IOException {
    String header = MessageCodec.read(in, MAX_MESSAGE_LENGTH);
    if (!header.equals(HEADER)) {
      throw new ProtocolViolationException(
          "multistream-select: bad header '" + header + "' (expected: '" + HEADER + "')");
    }
  }

  private static ProtocolId supportedProposal(String message, Collection<ProtocolId> supported) {
    ProtocolId proposal;
    try {
      proposal = ProtocolId.of(message);
    } catch (IllegalArgumentException e) {
      return null;
    }
    return supported.contains(proposal) ? proposal : null;
  }

  /**
   * The answer to {@code ls}: one message whose body is every supported protocol encoded as a
   * message of its own, followed by the newline (the format js-libp2p and go-libp2p read).
   */
  private static byte[] listMessage(Collection<ProtocolId> supported) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (ProtocolId p : supported) {
      body.writeBytes(MessageCodec.encode(p.value()));
    }
    body.write('\n');
    byte[] bytes = body.toByteArray();
    byte[] length = Varint.encode(bytes.length);
    return MessageCodec.concat(length, bytes);
  }
}

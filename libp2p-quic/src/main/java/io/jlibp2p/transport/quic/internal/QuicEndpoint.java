package io.jlibp2p.transport.quic.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One UDP socket and the QUIC connections on it. A listening endpoint carries both a server codec
 * (connections the remote dialed) and a client codec (connections we dial from the same port, as
 * hole punching needs); a {@link Router} in front sends each datagram to the codec that owns its
 * destination connection id. Our client connection ids are chosen by us and registered here, so
 * the router knows them exactly; everything else goes to the server codec.
 *
 * <p>The pipeline, from the socket: {@code router → server codec → client entry → client codec}.
 * Outbound traffic of both codecs flows through whatever lies between them and the socket; the
 * codecs only count and forward it.
 */
final class QuicEndpoint {
  /** Length of the connection ids both codecs issue (quiche's maximum). */
  static final int CONNECTION_ID_LENGTH = 20;

  final Channel channel;
  final InetSocketAddress localAddress;
  final boolean listening;
  /** The sizes of this socket's datagrams. */
  final QuicEngine.Datagrams datagrams;
  private final Set<ByteBuffer> clientIds;
  private final AtomicInteger connections = new AtomicInteger();
  private volatile QuicListener listener;
  private volatile boolean closeWhenIdle;

  QuicEndpoint(Channel channel, boolean listening, Set<ByteBuffer> clientIds, QuicEngine.Datagrams datagrams) {
    this.channel = channel;
    this.datagrams = datagrams;
    this.clientIds = clientIds;
    this.localAddress = (InetSocketAddress) channel.localAddress();
    this.listening = listening;
  }

  /** A set for the client connection ids of one endpoint, shared with its router. */
  static Set<ByteBuffer> newClientIdSet() {
    return ConcurrentHashMap.newKeySet();
  }

  /** A connection id we dial with; the router sends its packets to the client codec. */
  void addClientId(byte[] id) {
    clientIds.add(ByteBuffer.wrap(id));
  }

  void removeClientId(byte[] id) {
    clientIds.remove(ByteBuffer.wrap(id));
  }

  /** Where inbound connections go; null when not (or no longer) listening. */
  QuicListener listener() {
    return listener;
  }

  void listener(QuicListener l) {
    this.listener = l;
  }

  /** A QUIC connection started on this socket. */
  void connectionOpened() {
    connections.incrementAndGet();
  }

  /** A QUIC connection on this socket ended; closes the socket if it waits for that. */
  void connectionClosed() {
    if (connections.decrementAndGet() <= 0 && closeWhenIdle) {
      channel.close();
    }
  }

  /** Stops accepting; the socket closes once its last connection is gone. */
  void stopListening() {
    listener = null;
    closeWhenIdle = true;
    if (connections.get() <= 0) {
      channel.close();
    }
  }

  boolean isOpen() {
    return channel.isOpen();
  }

  /** Sends each datagram to the codec that owns its destination connection id. */
  static final class Router extends ChannelInboundHandlerAdapter {
    private final Set<ByteBuffer> clientIds;
    private final boolean hasServer;
    private ChannelHandlerContext clientEntry;

    /** {@code hasServer}: whether a server codec follows this handler. */
    Router(Set<ByteBuffer> clientIds, boolean hasServer) {
      this.clientIds = clientIds;
      this.hasServer = hasServer;
    }

    /** The context of the pass-through handler just before the client codec. */
    void clientEntry(ChannelHandlerContext ctx) {
      this.clientEntry = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof DatagramPacket p)) {
        ctx.fireChannelRead(msg);
        return;
      }
      ReadBatch.current().begin();
      if (isClientPacket(p.content())) {
        clientEntry.fireChannelRead(p);
      } else if (hasServer) {
        ctx.fireChannelRead(p);
      } else {
        p.release();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      // wake the batch's readers before the codecs send what the batch calls for (acknowledgements);
      // data the codecs deliver on completion wakes its reader at the end of that stream's read
      ReadBatch.current().end();
      if (hasServer) {
        ctx.fireChannelReadComplete();
      }
      clientEntry.fireChannelReadComplete();
    }

    private boolean isClientPacket(ByteBuf b) {
      if (clientIds.isEmpty()) {
        return false;
      }
      int r = b.readerIndex();
      int n = b.readableBytes();
      if (n < 1) {
        return false;
      }
      int offset;
      int length;
      if ((b.getByte(r) & 0x80) != 0) { // long header: flags, version (4), dcid length, dcid
        if (n < 6) {
          return false;
        }
        length = b.getUnsignedByte(r + 5);
        offset = 6;
      } else { // short header: flags, dcid of our fixed length
        length = CONNECTION_ID_LENGTH;
        offset = 1;
      }
      if (length != CONNECTION_ID_LENGTH || n < offset + length) {
        return false;
      }
      return clientIds.contains(b.nioBuffer(r + offset, length));
    }
  }

  /** The pass-through handler in front of the client codec. */
  @ChannelHandler.Sharable
  static final class ClientEntry extends ChannelInboundHandlerAdapter {
    private final Router router;

    ClientEntry(Router router) {
      this.router = router;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      router.clientEntry(ctx);
    }
  }
}

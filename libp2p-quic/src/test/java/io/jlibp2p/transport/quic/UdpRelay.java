package io.jlibp2p.transport.quic;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;

/**
 * A UDP relay on loopback between one client and one server, for tests: forwards datagrams both
 * ways until {@link #blackhole()} makes it drop everything (a peer that vanishes without a word).
 */
final class UdpRelay implements AutoCloseable {
  private final DatagramSocket socket;
  private final InetSocketAddress server;
  private final Thread thread;
  private volatile SocketAddress client;
  private volatile boolean dropping;

  UdpRelay(InetSocketAddress server) throws SocketException {
    this.server = server;
    this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    this.thread = Thread.ofVirtual().name("udp-relay").start(this::run);
  }

  int port() {
    return socket.getLocalPort();
  }

  void blackhole() {
    dropping = true;
  }

  private void run() {
    byte[] buf = new byte[65_536];
    while (!socket.isClosed()) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(p);
        if (dropping) {
          continue;
        }
        SocketAddress from = p.getSocketAddress();
        SocketAddress to;
        if (from.equals(server)) {
          to = client;
        } else {
          client = from;
          to = server;
        }
        if (to != null) {
          socket.send(new DatagramPacket(p.getData(), p.getOffset(), p.getLength(), to));
        }
      } catch (IOException e) {
        return;
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    socket.close();
    thread.join();
  }
}

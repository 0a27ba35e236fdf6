package io.jlibp2p.host.internal;

import io.jlibp2p.core.Connection;
import io.jlibp2p.core.Connection.Direction;
import io.jlibp2p.core.ConnectionClosedException;
import io.jlibp2p.core.Host;
import io.jlibp2p.core.HostEvent;
import io.jlibp2p.core.PeerInfo;
import io.jlibp2p.core.PeerStore;
import io.jlibp2p.core.ProtocolHandler;
import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.core.SecurityHandshakeException;
import io.jlibp2p.core.Stream;
import io.jlibp2p.core.Subscription;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.host.HostLimits;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.negotiation.MultistreamSelect;
import io.jlibp2p.protocol.identify.IdentifyMessage;
import io.jlibp2p.protocol.ping.Ping;
import io.jlibp2p.spi.MuxedStream;
import io.jlibp2p.spi.RawConnection;
import io.jlibp2p.spi.SecureMuxedConnection;
import io.jlibp2p.spi.SecureMuxedListener;
import io.jlibp2p.spi.SecureMuxedTransport;
import io.jlibp2p.spi.SecureTransport;
import io.jlibp2p.spi.StreamMuxer;
import io.jlibp2p.spi.Transport;
import io.jlibp2p.spi.TransportListener;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The {@link Host}: listeners, the dialer, connections, handlers, identify. */
public final class HostImpl implements Host {
  private static final Logger LOG = Logger.getLogger(HostImpl.class.getName());

  /** Everything a host is built from; see {@code Libp2p.Builder}. */
  public record Config(
      PrivateKey identity,
      List<Transport> transports,
      List<SecureMuxedTransport> muxedTransports,
      List<SecureTransport> security,
      List<StreamMuxer> muxers,
      List<Multiaddr> listen,
      Map<ProtocolId, ProtocolHandler> handlers,
      HostLimits limits,
      String agentVersion,
      String protocolVersion,
      InstantSource clock) {}

  private final Config config;
  private final PeerId peerId;
  private final Upgrader upgrader;
  private final HostLimits limits;
  private final MemoryPeerStore peerStore;
  private final EventBus events;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService timers;
  private final Map<ProtocolId, ProtocolHandler> handlers = new ConcurrentHashMap<>();
  private final List<TransportListener> listeners = new CopyOnWriteArrayList<>();
  private final List<SecureMuxedListener> muxedListeners = new CopyOnWriteArrayList<>();
  private final Map<PeerId, List<ConnectionImpl>> connections = new ConcurrentHashMap<>();
  private final Map<PeerId, CompletableFuture<ConnectionImpl>> pendingDials = new ConcurrentHashMap<>();
  private final AtomicInteger connectionCount = new AtomicInteger();
  private final Semaphore pendingUpgrades;
  private final Semaphore pendingDialSlots;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Identify identify;

  private HostImpl(Config config) {
    this.config = config;
    this.peerId = PeerId.fromPublicKey(config.identity().publicKey());
    this.upgrader = new Upgrader(config.security(), config.muxers());
    this.limits = config.limits();
    this.peerStore = new MemoryPeerStore(config.clock());
    this.events = new EventBus(limits.maxEventBacklog());
    // one timer thread, started now so that a host's thread count does not change while it runs;
    // cancelled timeouts leave the queue at once
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("jlibp2p-timer").factory());
    timer.setRemoveOnCancelPolicy(true);
    timer.prestartCoreThread();
    this.timers = timer;
    this.pendingUpgrades = new Semaphore(limits.maxPendingUpgrades());
    this.pendingDialSlots = new Semaphore(limits.maxPendingDials());
    this.identify = new Identify(this);
    handlers.put(Ping.ID, new Ping());
    handlers.put(IdentifyMessage.ID, identify::respond);
    handlers.put(IdentifyMessage.PUSH_ID, identify::receivePush);
    handlers.putAll(config.handlers());
  }

  /** Builds the host and binds its listeners; on failure everything is released. */
  public static HostImpl start(Config config) throws IOException {
    HostImpl h = new HostImpl(config);
    try {
      for (Multiaddr a : config.listen()) {
        h.listen(a);
      }
    } catch (IOException | RuntimeException e) {
      h.close();
      throw e;
    }
    return h;
  }

  Config config() {
    return config;
  }

  EventBus events() {
    return events;
  }

  ExecutorService threads() {
    return threads;
  }

  private void listen(Multiaddr address) throws IOException {
    for (SecureMuxedTransport mt : config.muxedTransports()) {
      if (mt.canListen(address)) {
        SecureMuxedListener l = mt.listen(address);
        muxedListeners.add(l);
        threads.execute(() -> acceptLoop(l));
        return;
      }
    }
    Transport t =
        config.transports().stream()
            .filter(tr -> tr.canListen(address))
            .findFirst()
            .orElseThrow(
                () -> new IllegalArgumentException("listen address: " + address + " (no transport for it)"));
    TransportListener l = t.listen(address);
    listeners.add(l);
    threads.execute(() -> acceptLoop(l));
  }

  private void acceptLoop(TransportListener l) {
    while (!closed.get()) {
      RawConnection raw;
      try {
        raw = l.accept();
      } catch (IOException e) {
        if (!closed.get() && !(e instanceof ConnectionClosedException)) {
          LOG.log(Level.FINE, "accept failed on " + l.localAddress(), e);
          continue;
        }
        return;
      }
      if (connectionCount.get() >= limits.maxConnections() || !pendingUpgrades.tryAcquire()) {
        LOG.log(Level.FINE, "refusing inbound connection from {0}: limit reached", raw.remoteAddress());
        raw.close();
        continue;
      }
      try {
        threads.execute(
            () -> {
              try {
                upgradeInbound(raw);
              } finally {
                pendingUpgrades.release();
              }
            });
      } catch (RuntimeException e) { // executor shut down
        pendingUpgrades.release();
        raw.close();
        return;
      }
    }
  }

  private void acceptLoop(SecureMuxedListener l) {
    while (!closed.get()) {
      SecureMuxedConnection c;
      try {
        c = l.accept();
      } catch (IOException e) {
        if (!closed.get() && !(e instanceof ConnectionClosedException)) {
          LOG.log(Level.FINE, "accept failed on " + l.localAddress(), e);
          continue;
        }
        return;
      }
      if (connectionCount.get() >= limits.maxConnections()) {
        LOG.log(Level.FINE, "refusing inbound connection from {0}: limit reached", c.remoteAddress());
        c.close();
        continue;
      }
      register(new ConnectionImpl(this, c));
    }
  }

  private void upgradeInbound(RawConnection raw) {
    ScheduledFuture<?> timeout = scheduleClose(raw, limits.handshakeTimeout());
    try {
      Upgrader.Upgraded u = upgrader.inbound(raw);
      timeout.cancel(false);
      register(new ConnectionImpl(this, u, Direction.INBOUND));
    } catch (IOException | RuntimeException e) {
      timeout.cancel(false);
      raw.close();
      LOG.log(Level.FINE, "inbound upgrade from " + raw.remoteAddress() + " failed", e);
    }
  }

  private ScheduledFuture<?> scheduleClose(RawConnection raw, Duration after) {
    return timers.schedule(raw::close, after.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void register(ConnectionImpl c) {
    if (closed.get()) {
      c.close();
      return;
    }
    connections.compute(
        c.remotePeer(),
        (p, l) -> {
          List<ConnectionImpl> list = l == null ? new CopyOnWriteArrayList<>() : l;
          list.add(c);
          return list;
        });
    connectionCount.incrementAndGet();
    if (c.isClosed()) { // closed while we registered it
      onClosed(c);
      return;
    }
    PeerId remote = c.remotePeer();
    try {
      peerStore.setPublicKey(remote, c.remotePublicKey());
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "could not store the key of " + remote, e);
    }
    if (c.direction() == Direction.OUTBOUND) {
      peerStore.addAddresses(remote, List.of(c.remoteAddress()), PeerStore.CONNECTED_TTL);
    }
    events.publish(new HostEvent.Connected(c));
    try {
      threads.execute(c::acceptLoop);
      threads.execute(() -> identify.identify(c));
    } catch (RuntimeException e) { // shutting down
      c.close();
    }
    if (closed.get()) {
      c.close();
    }
  }

  void onClosed(ConnectionImpl c) {
    boolean[] removed = {false};
    connections.computeIfPresent(
        c.remotePeer(),
        (p, l) -> {
          removed[0] = l.remove(c);
          return l.isEmpty() ? null : l;
        });
    if (removed[0]) {
      connectionCount.decrementAndGet();
      if (c.direction() == Direction.OUTBOUND && connections(c.remotePeer()).isEmpty()) {
        peerStore.addAddresses(c.remotePeer(), List.of(c.remoteAddress()), PeerStore.RECENT_TTL);
      }
      events.publish(new HostEvent.Disconnected(c));
    }
  }

  void serveInbound(ConnectionImpl c, MuxedStream ms) {
    threads.execute(
        () -> {
          ScheduledFuture<?> timeout = timers.schedule(ms::reset, limits.negotiationTimeout().toNanos(), TimeUnit.NANOSECONDS);
          ProtocolId p;
          ProtocolHandler h;
          try {
            p = MultistreamSelect.respond(ms.in(), ms.out(), handlers.keySet());
            ms.out().flush();
            h = handlers.get(p);
          } catch (IOException | RuntimeException e) {
            ms.reset();
            LOG.log(Level.FINE, "inbound stream negotiation failed", e);
            return;
          } finally {
            timeout.cancel(false);
          }
          if (h == null) { // removed meanwhile
            ms.reset();
            return;
          }
          StreamImpl s = new StreamImpl(ms, p, c, ms.in());
          try {
            h.handle(s);
            s.close();
          } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "handler for " + p + " failed", e);
            s.reset();
          }
        });
  }

  @Override
  public PeerId peerId() {
    return peerId;
  }

  PrivateKey identity() {
    return config.identity();
  }

  @Override
  public List<Multiaddr> listenAddresses() {
    List<Multiaddr> out = new ArrayList<>();
    for (TransportListener l : listeners) {
      out.addAll(expand(l.localAddress()));
    }
    for (SecureMuxedListener l : muxedListeners) {
      out.addAll(expand(l.localAddress()));
    }
    return out;
  }

  /** Replaces a wildcard IP by every matching interface address. */
  static List<Multiaddr> expand(Multiaddr a) {
    var cs = a.components();
    if (cs.isEmpty()) {
      return List.of(a);
    }
    var first = cs.get(0);
    String v = first.valueString();
    boolean v4 = first.protocol() == Multiaddr.Protocol.IP4 && v.equals("0.0.0.0");
    boolean v6 = first.protocol() == Multiaddr.Protocol.IP6 && (v.equals("::") || v.equals("::0"));
    if (!v4 && !v6) {
      return List.of(a);
    }
    String rest = a.toString().substring(("/" + (v4 ? "ip4" : "ip6") + "/" + v).length());
    Set<Multiaddr> out = new LinkedHashSet<>();
    try {
      for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!ni.isUp()) {
          continue;
        }
        for (InetAddress ip : Collections.list(ni.getInetAddresses())) {
          if (v4 && ip instanceof Inet4Address) {
            out.add(Multiaddr.parse("/ip4/" + ip.getHostAddress() + rest));
          } else if (v6 && ip instanceof Inet6Address && !ip.isLinkLocalAddress()) {
            String h = ip.getHostAddress();
            int z = h.indexOf('%');
            out.add(Multiaddr.parse("/ip6/" + (z >= 0 ? h.substring(0, z) : h) + rest));
          }
        }
      }
    } catch (SocketException e) {
      return List.of(a);
    }
    return out.isEmpty() ? List.of(a) : List.copyOf(out);
  }

  @Override
  public Connection connect(PeerInfo peer) throws IOException {
    ensureOpen();
    if (peer.peerId().equals(peerId)) {
      throw new IllegalArgumentException("peer: " + peer.peerId() + " (expected: not ourselves)");
    }
    Optional<ConnectionImpl> open = openConnection(peer.peerId());
    if (open.isPresent()) {
      return open.get();
    }
    if (!peer.addresses().isEmpty()) {
      peerStore.addAddresses(peer.peerId(), peer.addresses(), PeerStore.RECENT_TTL);
    }
    CompletableFuture<ConnectionImpl> mine = new CompletableFuture<>();
    CompletableFuture<ConnectionImpl> f = pendingDials.putIfAbsent(peer.peerId(), mine);
    if (f == null) {
      f = mine;
      List<Multiaddr> addrs = dialable(peer);
      try {
        startDial(peer.peerId(), addrs, mine);
      } catch (RuntimeException e) {
        pendingDials.remove(peer.peerId(), mine);
        mine.completeExceptionally(e);
      }
    }
    try {
      return f.get(limits.dialTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new IOException("dial to " + peer.peerId() + " timed out after " + limits.dialTimeout());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while dialing " + peer.peerId());
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(cause);
    }
  }

  @Override
  public Connection connect(Multiaddr address) throws IOException {
    if (address.peerId().isPresent()) {
      return connect(PeerInfo.of(address));
    }
    ensureOpen();
    CompletableFuture<ConnectionImpl> unused = new CompletableFuture<>();
    ConnectionImpl c = dialOne(null, address, System.nanoTime() + limits.dialTimeout().toNanos(), unused);
    register(c);
    if (c.isClosed()) {
      throw new ConnectionClosedException("connection to " + address + " closed right after it opened");
    }
    return c;
  }

  private List<Multiaddr> dialable(PeerInfo peer) {
    Set<Multiaddr> all = new LinkedHashSet<>(peer.addresses());
    all.addAll(peerStore.addresses(peer.peerId()));
    List<Multiaddr> out = new ArrayList<>();
    for (Multiaddr a : all) {
      if (config.transports().stream().anyMatch(t -> t.canDial(a))
          || config.muxedTransports().stream().anyMatch(t -> t.canDial(a))) {
        out.add(a);
      }
    }
    return out;
  }

  private void startDial(PeerId peer, List<Multiaddr> addrs, CompletableFuture<ConnectionImpl> result) {
    if (addrs.isEmpty()) {
      pendingDials.remove(peer, result);
      result.completeExceptionally(new IOException("no dialable address known for peer " + peer));
      return;
    }
    AtomicInteger remaining = new AtomicInteger(addrs.size());
    List<IOException> failures = new CopyOnWriteArrayList<>();
    long deadline = System.nanoTime() + limits.dialTimeout().toNanos();
    for (Multiaddr a : addrs) {
      threads.execute(
          () -> {
            try {
              ConnectionImpl c = dialOne(peer, a, deadline, result);
              if (c != null) {
                if (result.isDone()) {
                  c.close(); // another address won
                } else {
                  register(c); // before the caller sees it, so that its close() unregisters it
                  pendingDials.remove(peer, result); // before completing: a later connect dials anew
                  result.complete(c);
                }
              }
            } catch (IOException e) {
              failures.add(e);
            } catch (RuntimeException e) {
              failures.add(new IOException(a + ": " + e, e));
            } finally {
              if (remaining.decrementAndGet() == 0 && !result.isDone()) {
                pendingDials.remove(peer, result);
                result.completeExceptionally(dialFailure(peer, failures));
              }
            }
          });
    }
  }

  /** The one failure of a single-address dial as it is, else a summary of every address's failure. */
  private static IOException dialFailure(PeerId peer, List<IOException> failures) {
    if (failures.size() == 1) {
      return failures.getFirst();
    }
    StringBuilder sb = new StringBuilder("could not connect to " + peer + ":");
    for (IOException e : failures) {
      sb.append(' ').append(e.getMessage()).append(';');
    }
    IOException all = new IOException(sb.toString());
    failures.forEach(all::addSuppressed);
    return all;
  }

  private ConnectionImpl dialOne(
      PeerId peer, Multiaddr a, long deadline, CompletableFuture<ConnectionImpl> result)
      throws IOException {
    long left = deadline - System.nanoTime();
    if (left <= 0 || result.isDone()) {
      return null;
    }
    try {
      if (!pendingDialSlots.tryAcquire(left, TimeUnit.NANOSECONDS)) {
        throw new IOException("too many pending dials");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted");
    }
    try {
      left = deadline - System.nanoTime();
      Duration timeout = Duration.ofNanos(Math.max(left, 1_000_000));
      for (SecureMuxedTransport mt : config.muxedTransports()) {
        if (mt.canDial(a)) {
          try {
            return new ConnectionImpl(this, mt.dial(a, peer, timeout));
          } catch (SecurityHandshakeException e) {
            throw e; // the peer answered: its refusal (or another identity) is the failure
          } catch (IOException e) {
            throw new IOException("could not connect to " + a + ": " + e.getMessage(), e);
          }
        }
      }
      Transport t =
          config.transports().stream()
              .filter(tr -> tr.canDial(a))
              .findFirst()
              .orElseThrow(() -> new IOException("no transport can dial " + a));
      RawConnection raw;
      try {
        raw = t.dial(a, timeout);
      } catch (IOException e) {
        throw new IOException("could not connect to " + a + ": " + e.getMessage(), e);
      }
      left = deadline - System.nanoTime();
      Duration hs = Duration.ofNanos(Math.max(1_000_000, Math.min(left, limits.handshakeTimeout().toNanos())));
      ScheduledFuture<?> upgradeTimeout = scheduleClose(raw, hs);
      try {
        Upgrader.Upgraded u = upgrader.outbound(raw, peer);
        return new ConnectionImpl(this, u, Direction.OUTBOUND);
      } finally {
        upgradeTimeout.cancel(false);
      }
    } finally {
      pendingDialSlots.release();
    }
  }

  private Optional<ConnectionImpl> openConnection(PeerId peer) {
    List<ConnectionImpl> list = connections.get(peer);
    if (list == null) {
      return Optional.empty();
    }
    return list.stream().filter(c -> !c.isClosed()).findFirst();
  }

  @Override
  public List<Connection> connections() {
    List<Connection> out = new ArrayList<>();
    connections.values().forEach(out::addAll);
    return out;
  }

  @Override
  public List<Connection> connections(PeerId peer) {
    List<ConnectionImpl> l = connections.get(peer);
    return l == null ? List.of() : List.copyOf(l);
  }

  @Override
  public Stream newStream(PeerId peer, ProtocolId... protocols) throws IOException {
    ensureOpen();
    Connection c = connect(new PeerInfo(peer, List.of()));
    return c.newStream(protocols);
  }

  @Override
  public void setHandler(ProtocolId id, ProtocolHandler handler) {
    handlers.put(id, handler);
    identify.protocolsChanged();
  }

  @Override
  public void removeHandler(ProtocolId id) {
    if (handlers.remove(id) != null) {
      identify.protocolsChanged();
    }
  }

  @Override
  public List<ProtocolId> protocols() {
    return handlers.keySet().stream().sorted().toList();
  }

  @Override
  public PeerStore peerStore() {
    return peerStore;
  }

  @Override
  public Subscription subscribe(Consumer<HostEvent> listener) {
    return events.subscribe(listener);
  }

  boolean isClosed() {
    return closed.get();
  }

  private void ensureOpen() throws ConnectionClosedException {
    if (closed.get()) {
      throw new ConnectionClosedException("host " + peerId + " is closed");
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (TransportListener l : listeners) {
      l.close();
    }
    for (SecureMuxedListener l : muxedListeners) {
      l.close();
    }
    for (CompletableFuture<ConnectionImpl> f : pendingDials.values()) {
      f.completeExceptionally(new ConnectionClosedException("host closed"));
    }
    for (Connection c : connections()) {
      c.close();
    }
    threads.shutdown();
    try {
      if (!threads.awaitTermination(5, TimeUnit.SECONDS)) {
        threads.shutdownNow();
        threads.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      threads.shutdownNow();
    }
    // connections that finished their upgrade while we were closing
    for (Connection c : connections()) {
      c.close();
    }
    for (Transport t : config.transports()) {
      t.close();
    }
    for (SecureMuxedTransport t : config.muxedTransports()) {
      t.close();
    }
    timers.shutdownNow();
    events.close();
  }

  @Override
  public String toString() {
    return "host " + peerId;
  }
}

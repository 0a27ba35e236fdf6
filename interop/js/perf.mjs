// The js-libp2p side of the jlibp2p benchmark harness (benchmarks/ in the repository root): a
// /perf/1.0.0 server and client written to the spec (libp2p/specs perf/perf.md), because
// @libp2p/perf is not installable here.
//
//   node perf.mjs server --transport tcp|ws|quic --security noise|tls --muxer yamux|mplex
//       prints {"event":"ready","addrs":[...]} once listening; serves until stdin ends
//   node perf.mjs client --addr MULTIADDR --transport .. --security .. --muxer ..
//                        [--upload N] [--download N] [--runs N] [--warmup N] [--warmup-millis N] [--setup N] [--setup-warmup N] [--setup-warmup-millis N] [--ping-warmup-millis N] [--pings N]
//                        [--streams N] [--connections N] [--concurrency N]
//       prints one JSON line with what it measured: uploadBytes, uploadSeconds, downloadBytes,
//       downloadSeconds, pingMedianMs, streamsPerSecond, setupMedianMs, connectionsPerSecond; with
//       --runs N, N upload and N download runs alternate and each direction reports its median run
//       by time (the slower middle one of an even count), with uploadSecondsMin/Max, uploadRuns and
//       the same for download (as the jlibp2p agent does)
//
// The protocol: the client sends the number of bytes it wants back as a big-endian u64, then its
// upload, then closes its write side; the server discards the upload, sends the requested bytes and
// closes. Throughput is timed from the stream's opening to the end of the server's reply, so that
// bytes still in flight are counted.

import { createInterface } from 'node:readline'
import { createLibp2p } from 'libp2p'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { multiaddr } from '@multiformats/multiaddr'
import { Uint8ArrayList } from 'uint8arraylist'

export const PERF = '/perf/1.0.0'
const PING = '/ipfs/ping/1.0.0'
const PING_SIZE = 32
const WRITE_CHUNK = 64 * 1024
// the most a server agrees to send back (as jlibp2p's Perf.MAX_DOWNLOAD)
const MAX_DOWNLOAD = 2 ** 40
const MAX_COUNT = 1_000_000
const TIMEOUT_MS = 300_000
// generous limits: the harness opens many streams and connections quickly
const STREAM_LIMITS = { maxInboundStreams: 4096, maxOutboundStreams: 4096 }

function log (...args) {
  process.stderr.write(`[perf.mjs] ${args.join(' ')}\n`)
}

function parseArgs (argv) {
  const mode = argv[0]
  if (!['server', 'client'].includes(mode)) throw new Error(`mode: ${mode} (expected server or client)`)
  const opts = {
    mode, transport: 'tcp', security: 'noise', muxer: 'yamux', addr: null,
    upload: 0, download: 0, runs: 1, warmup: 0, 'warmup-millis': 0, setup: 0, 'setup-warmup': 0, 'setup-warmup-millis': 0, 'ping-warmup-millis': 0, pings: 0, streams: 0, connections: 0, concurrency: 8
  }
  const numbers = ['upload', 'download', 'runs', 'warmup', 'warmup-millis', 'setup', 'setup-warmup', 'setup-warmup-millis', 'ping-warmup-millis', 'pings', 'streams', 'connections', 'concurrency']
  for (let i = 1; i < argv.length; i += 2) {
    const name = argv[i]
    const value = argv[i + 1]
    if (!name.startsWith('--') || value == null) throw new Error(`bad argument: ${name}`)
    const key = name.slice(2)
    if (!(key in opts) || key === 'mode') throw new Error(`unknown option: ${name}`)
    if (numbers.includes(key)) {
      const n = Number(value)
      const max = key === 'upload' || key === 'download' || key === 'warmup' ? MAX_DOWNLOAD : MAX_COUNT
      if (!Number.isSafeInteger(n) || n < 0 || n > max) throw new Error(`${name}: ${value} (expected an integer in [0, ${max}])`)
      opts[key] = n
    } else {
      opts[key] = value
    }
  }
  if (opts.concurrency < 1) throw new Error('--concurrency: expected at least 1')
  if (opts.runs < 1) throw new Error('--runs: expected at least 1')
  return opts
}

/** The libp2p options of a combination; throws when a package is missing or a name is unknown. */
async function stack (transport, security, muxer, listen) {
  const s = { transports: [], connectionEncrypters: [], streamMuxers: [], listen: [] }
  switch (transport) {
    case 'tcp': {
      const { tcp } = await import('@libp2p/tcp')
      s.transports.push(tcp())
      s.listen.push('/ip4/127.0.0.1/tcp/0')
      break
    }
    case 'ws': {
      const { webSockets } = await import('@libp2p/websockets')
      s.transports.push(webSockets())
      s.listen.push('/ip4/127.0.0.1/tcp/0/ws')
      break
    }
    case 'quic': {
      const { quic } = await import('@chainsafe/libp2p-quic')
      s.transports.push(quic())
      s.listen.push('/ip4/127.0.0.1/udp/0/quic-v1')
      break
    }
    default: throw new Error(`transport: ${transport} (expected tcp, ws or quic)`)
  }
  if (transport !== 'quic') {
    switch (security) {
      case 'noise': s.connectionEncrypters.push((await import('@chainsafe/libp2p-noise')).noise()); break
      case 'tls': s.connectionEncrypters.push((await import('@libp2p/tls')).tls()); break
      default: throw new Error(`security: ${security} (expected noise or tls)`)
    }
    switch (muxer) {
      case 'yamux': s.streamMuxers.push((await import('@libp2p/yamux')).yamux()); break
      // mplex closes a connection whose remote opens more than 5 streams per second by default
      case 'mplex': s.streamMuxers.push((await import('@libp2p/mplex')).mplex({ disconnectThreshold: 1_000_000 })); break
      default: throw new Error(`muxer: ${muxer} (expected yamux or mplex)`)
    }
  }
  if (!listen) s.listen = []
  return s
}

async function node (opts, listen) {
  const s = await stack(opts.transport, opts.security, opts.muxer, listen)
  return createLibp2p({
    addresses: { listen: s.listen },
    transports: s.transports,
    connectionEncrypters: s.connectionEncrypters,
    streamMuxers: s.streamMuxers,
    connectionManager: {
      // the defaults refuse more than 5 inbound connections per second per host and more than 10
      // pending upgrades: the harness dials fast from loopback
      inboundConnectionThreshold: 1_000_000,
      maxIncomingPendingConnections: 10_000,
      maxConnections: 100_000,
      allow: ['/ip4/127.0.0.0/ipcidr/8', '/ip6/::1/ipcidr/128']
    },
    services: { identify: identify(STREAM_LIMITS), ping: ping(STREAM_LIMITS) }
  })
}

// ---------------------------------------------------------------------------------------------
// the perf protocol

/** Sends n zero bytes in chunks, waiting for 'drain' when the stream asks for it. */
async function sendZeros (stream, n, signal) {
  const chunk = new Uint8Array(WRITE_CHUNK)
  while (n > 0) {
    const len = Math.min(n, WRITE_CHUNK)
    if (!stream.send(len === WRITE_CHUNK ? chunk : chunk.subarray(0, len))) await stream.onDrain({ signal })
    n -= len
  }
}

function u64 (n) {
  const b = new Uint8Array(8)
  new DataView(b.buffer).setBigUint64(0, BigInt(n))
  return b
}

/** The server: reads the size header, discards the upload, sends the requested bytes, closes. */
async function perfHandler (stream) {
  try {
    const header = new Uint8ArrayList()
    for await (const chunk of stream) {
      if (header.byteLength < 8) {
        header.append(chunk)
      }
    }
    if (header.byteLength < 8) throw new Error('stream ended before the download size')
    const download = new DataView(header.subarray(0, 8).buffer, header.subarray(0, 8).byteOffset).getBigUint64(0)
    if (download > BigInt(MAX_DOWNLOAD)) throw new Error(`download of ${download} bytes (expected at most ${MAX_DOWNLOAD})`)
    await sendZeros(stream, Number(download))
    await stream.close()
  } catch (err) {
    log('perf handler:', err?.message ?? String(err))
    stream.abort(err)
  }
}

/** The client on one new stream: returns {upload, download, seconds}. */
async function perfRun (target, up, down, signal) {
  const stream = await target.newStream(PERF, { signal, ...STREAM_LIMITS })
  const start = performance.now()
  let received = 0
  const reading = (async () => {
    for await (const chunk of stream) received += chunk.byteLength
  })()
  try {
    if (!stream.send(u64(down))) await stream.onDrain({ signal })
    await sendZeros(stream, up, signal)
    await stream.close({ signal })
  } catch (err) {
    stream.abort(err)
    throw err
  }
  await reading
  const seconds = (performance.now() - start) / 1000
  if (received !== down) throw new Error(`perf: received ${received} bytes (expected ${down})`)
  return { upload: up, download: down, seconds }
}

// ---------------------------------------------------------------------------------------------
// client measurements

function median (values) {
  const s = [...values].sort((a, b) => a - b)
  if (s.length === 0) return null
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** A direction's median run (the slower middle one of an even count) and its spread, into out. */
function putMedianRun (out, what, bytes, seconds) {
  if (seconds.length === 0) return
  const s = [...seconds].sort((a, b) => a - b)
  out[`${what}Bytes`] = bytes
  out[`${what}Seconds`] = s[s.length >> 1]
  out[`${what}Runs`] = s.length
  out[`${what}SecondsMin`] = s[0]
  out[`${what}SecondsMax`] = s[s.length - 1]
}

/** n pings on one /ipfs/ping/1.0.0 stream, timed here (js's ping service reports whole ms). */
async function pings (conn, n, signal) {
  const stream = await conn.newStream(PING, { signal, ...STREAM_LIMITS })
  const payload = new Uint8Array(PING_SIZE)
  const rtts = []
  const it = stream[Symbol.asyncIterator]()
  let pending = new Uint8ArrayList()
  try {
    for (let i = 0; i < n; i++) {
      crypto.getRandomValues(payload)
      const start = performance.now()
      stream.send(payload)
      while (pending.byteLength < PING_SIZE) {
        const r = await it.next()
        if (r.done) throw new Error('ping stream ended early')
        pending.append(r.value)
      }
      rtts.push(performance.now() - start)
      const got = pending.subarray(0, PING_SIZE)
      for (let k = 0; k < PING_SIZE; k++) if (got[k] !== payload[k]) throw new Error('ping: wrong payload back')
      pending = new Uint8ArrayList(pending.sublist(PING_SIZE))
    }
  } finally {
    await stream.close({ signal }).catch(() => stream.abort(new Error('closing')))
  }
  return rtts
}

/** Runs count tasks with `concurrency` in flight; returns the elapsed seconds. */
async function pool (count, concurrency, task) {
  let next = 0
  const start = performance.now()
  const worker = async (w) => {
    while (next < count) {
      next++
      await task(w)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, (_, w) => worker(w)))
  return (performance.now() - start) / 1000
}

async function client (opts) {
  if (opts.addr == null) throw new Error('--addr is required')
  const signal = AbortSignal.timeout(TIMEOUT_MS)
  // the address without /p2p/..., so that each dial opens a fresh connection
  const full = multiaddr(opts.addr)
  const bare = multiaddr(opts.addr.replace(/\/p2p\/[^/]+$/, ''))
  const n = await node(opts, false)
  const out = {}
  try {
    const conn = await n.dial(full, { signal })
    if (opts.warmup > 0) {
      // rounds until warmup-millis passed, so that V8's optimising compiler is done
      const until = performance.now() + opts['warmup-millis']
      do {
        await perfRun(conn, opts.warmup, 0, signal)
        await perfRun(conn, 0, opts.warmup, signal)
      } while (performance.now() < until)
    }
    const ups = []
    const downs = []
    for (let i = 0; i < opts.runs; i++) {
      if (opts.upload > 0) ups.push((await perfRun(conn, opts.upload, 0, signal)).seconds)
      if (opts.download > 0) downs.push((await perfRun(conn, 0, opts.download, signal)).seconds)
    }
    putMedianRun(out, 'upload', opts.upload, ups)
    putMedianRun(out, 'download', opts.download, downs)
    const pingBlocks = []
    if (opts.pings > 0) {
      // untimed rounds first (at least one, for at least warmup-millis and ping-warmup-millis), for a warm runtime
      const warmupStart = performance.now()
      const until = warmupStart + Math.max(opts['warmup-millis'], opts['ping-warmup-millis'])
      do {
        await pings(conn, opts.pings, signal)
      } while (performance.now() < until)
      out.pingWarmupSeconds = (performance.now() - warmupStart) / 1000
      pingBlocks.push(await pings(conn, opts.pings, signal))
    }
    if (opts.streams > 0) {
      const seconds = await pool(opts.streams, opts.concurrency, () => perfRun(conn, 0, 0, signal))
      out.streams = opts.streams
      out.streamsPerSecond = opts.streams / seconds
    }
    if (opts.pings > 0) pingBlocks.push(await pings(conn, opts.pings, signal))
    if (opts.setup > 0) {
      // handshake plus one round trip (a ping on a new stream), as the test-plans measure it
      // untimed set-ups first, for a warm runtime
      const connectAndPing = async () => {
        const start = performance.now()
        const c = await n.dial(bare, { signal, force: true })
        await pings(c, 1, signal)
        const time = performance.now() - start
        await c.close()
        return time
      }
      // (at least setup-warmup of them, for at least setup-warmup-millis)
      const warmupStart = performance.now()
      const until = warmupStart + opts['setup-warmup-millis']
      for (let i = 0; i < Math.max(opts.setup, opts['setup-warmup']) || performance.now() < until; i++) await connectAndPing()
      out.setupWarmupSeconds = (performance.now() - warmupStart) / 1000
      const times = []
      for (let i = 0; i < opts.setup; i++) times.push(await connectAndPing())
      out.setupMedianMs = median(times)
    }
    if (opts.pings > 0) {
      // three blocks at different points of the run, as the jlibp2p agent takes them
      pingBlocks.push(await pings(conn, opts.pings, signal))
      out.pingMedianMs = median(pingBlocks.flat())
      pingBlocks.forEach((b, i) => { out[`pingBlock${i + 1}Ms`] = median(b) })
    }
    await conn.close()
    if (opts.connections > 0) {
      // one node per worker: js dials to one address in flight at once are joined into one
      const workers = await Promise.all(Array.from({ length: Math.min(opts.concurrency, opts.connections) }, () => node(opts, false)))
      try {
        const seconds = await pool(opts.connections, opts.concurrency, async (w) => {
          const c = await workers[w].dial(bare, { signal, force: true })
          await c.close()
        })
        out.connections = opts.connections
        out.connectionsPerSecond = opts.connections / seconds
      } finally {
        await Promise.all(workers.map(w => w.stop()))
      }
    }
  } finally {
    await n.stop()
  }
  process.stdout.write(JSON.stringify(out) + '\n')
}

async function server (opts) {
  const n = await node(opts, true)
  await n.handle(PERF, perfHandler, STREAM_LIMITS)
  process.stdout.write(JSON.stringify({ event: 'ready', peerId: n.peerId.toString(), addrs: n.getMultiaddrs().map(String) }) + '\n')
  const lines = createInterface({ input: process.stdin })
  lines.on('line', () => {})
  await new Promise(resolve => lines.on('close', resolve))
  await n.stop()
}

let opts
try {
  opts = parseArgs(process.argv.slice(2))
} catch (err) {
  log(err.message)
  process.exit(2)
}
const run = { server, client }[opts.mode]
run(opts).then(() => process.exit(0), err => {
  log('failed:', err?.stack ?? String(err))
  process.exit(1)
})

// A js-libp2p node driven by the jlibp2p interop tests, one JSON object per line.
//
//   node peer.mjs [--transport tcp|ws|quic] [--security noise|tls|plaintext[,..]] [--muxer yamux|mplex[,..]]
//                 [--listen <multiaddr>|none]... [--key-type ed25519|secp256k1|ecdsa|rsa]
//
// stdout carries only JSON lines: events {"event": ...} and replies {"id": .., "ok": ..}.
// stdin carries commands {"id": .., "cmd": "..", ...args}; replies may come out of order.
// Diagnostics go to stderr. The process stops when it reads "stop" or when stdin ends.
// The commands, replies and events are described in README.md next to this file.

import { createInterface } from 'node:readline'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { quic } from '@chainsafe/libp2p-quic'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@chainsafe/libp2p-noise'
import { plaintext } from '@libp2p/plaintext'
import { tls } from '@libp2p/tls'
import { yamux } from '@libp2p/yamux'
import { mplex } from '@libp2p/mplex'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { Uint8ArrayList } from 'uint8arraylist'

export const ECHO = '/echo/1.0.0'
export const RESET = '/reset/1.0.0'
export const HOLD = '/hold/1.0.0'

const DEFAULT_TIMEOUT_MS = 30_000
const MAX_HANDLES = 10_000
const MAX_ECHO_BYTES = 256 * 1024 * 1024
const MAX_ECHO_STREAMS = 256
const WRITE_CHUNK = 64 * 1024
// generous stream limits: tests open many streams quickly on one connection
const STREAM_LIMITS = { maxInboundStreams: 1024, maxOutboundStreams: 1024 }

// ---------------------------------------------------------------------------------------------
// output

function emit (obj) {
  process.stdout.write(JSON.stringify(obj) + '\n')
}

function event (name, fields = {}) {
  emit({ event: name, ...fields })
}

function log (...args) {
  process.stderr.write(`[peer.mjs] ${args.join(' ')}\n`)
}

function errorText (err) {
  if (err == null) return 'unknown error'
  const name = err.name && err.name !== 'Error' ? `${err.name}: ` : ''
  return `${name}${err.message ?? String(err)}`
}

// ---------------------------------------------------------------------------------------------
// options

function parseArgs (argv) {
  const opts = { transport: 'tcp', security: ['noise'], muxer: ['yamux'], listen: [], keyType: 'ed25519' }
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]
    const value = argv[i + 1]
    if (!name.startsWith('--') || value == null) throw new Error(`bad argument: ${name}`)
    i++
    switch (name) {
      case '--transport': opts.transport = value; break
      case '--security': opts.security = value.split(','); break
      case '--muxer': opts.muxer = value.split(','); break
      case '--listen': opts.listen.push(value); break
      case '--key-type': opts.keyType = value; break
      default: throw new Error(`unknown option: ${name}`)
    }
  }
  if (opts.listen.length === 0) opts.listen.push(DEFAULT_LISTEN[opts.transport] ?? '/ip4/127.0.0.1/tcp/0')
  if (opts.listen.includes('none')) opts.listen = []
  return opts
}

const DEFAULT_LISTEN = { ws: '/ip4/127.0.0.1/tcp/0/ws', quic: '/ip4/127.0.0.1/udp/0/quic-v1' }

function transports (name) {
  switch (name) {
    case 'tcp': return [tcp()]
    // dials /ws and /tls/ws (wss) addresses, listens on /ws
    case 'ws': return [webSockets()]
    // QUIC is secure and multiplexed by itself: --security and --muxer do not apply to it
    case 'quic': return [quic()]
    default: throw new Error(`unsupported transport: ${name} (expected tcp, ws or quic)`)
  }
}

function securities (names) {
  return names.map(name => {
    switch (name) {
      case 'noise': return noise()
      case 'plaintext': return plaintext()
      case 'tls': return tls()
      default: throw new Error(`unsupported security: ${name} (expected noise, tls or plaintext)`)
    }
  })
}

/**
 * How much a stream may hold unread before js-libp2p resets it: 32 MiB, in place of the default 4 MiB.
 * js-libp2p's yamux grants its remote a window of up to 16 MiB and tops it up as data arrives, not as
 * the application reads; only a paused stream stops granting more. So a remote that sends what it
 * was granted, as yamux allows, can leave up to 16 MiB waiting on a paused stream, and js-libp2p
 * then resets the stream itself ("Read buffer length of ... exceeded limit of 4194304"). The echo
 * handler pauses whenever its replies wait for the remote, so a 10 MiB echo trips this now and then.
 * mplex has no flow control at all: what waits is bounded only by what the tests send (10 MiB).
 */
const STREAM_OPTIONS = { streamOptions: { maxReadBufferLength: 32 * 1024 * 1024 } }

function muxers (names) {
  return names.map(name => {
    switch (name) {
      // mplex closes a connection whose remote opens more than 5 streams per second by default
      case 'mplex': return mplex({ disconnectThreshold: 100_000, ...STREAM_OPTIONS })
      case 'yamux': return yamux(STREAM_OPTIONS)
      default: throw new Error(`unsupported muxer: ${name} (expected yamux or mplex)`)
    }
  })
}

async function privateKey (type) {
  switch (type) {
    case 'ed25519': return generateKeyPair('Ed25519')
    case 'secp256k1': return generateKeyPair('secp256k1')
    // @libp2p/peer-id 6.x makes peer ids only from Ed25519, secp256k1 and RSA keys
    case 'ecdsa': throw new Error('js-libp2p cannot use an ECDSA identity (@libp2p/peer-id has no ECDSA peer ids)')
    case 'rsa': return generateKeyPair('RSA', 2048)
    default: throw new Error(`unsupported key type: ${type} (expected ed25519, secp256k1, ecdsa or rsa)`)
  }
}

// ---------------------------------------------------------------------------------------------
// stream helpers

function isReset (err) {
  return err?.name === 'StreamResetError' || err?.code === 'ERR_STREAM_RESET'
}

/**
 * Reads a stream until its read side ends. Calls onChunk for every chunk. Resolves (never rejects)
 * with {how: 'eof' | 'reset' | 'error', bytes, local?, error?}: 'eof' only when the remote closed
 * its write side, 'reset' when either side reset the stream (local: true when we did).
 */
function consume (stream, onChunk) {
  return new Promise(resolve => {
    let bytes = 0
    let done = false
    let sawFin = stream.remoteWriteStatus === 'closed' && (stream.status === 'open' || stream.status === 'closed')
    const finish = (result) => {
      if (done) return
      done = true
      stream.removeEventListener('message', onMessage)
      stream.removeEventListener('remoteCloseWrite', onFin)
      stream.removeEventListener('end', onEnd)
      stream.removeEventListener('close', onClose)
      resolve({ ...result, bytes })
    }
    const classify = (err) => {
      if (stream.status === 'reset' || isReset(err)) return { how: 'reset', local: false }
      if (stream.status === 'aborted') return { how: 'reset', local: true, error: errorText(err) }
      if (err != null) return { how: 'error', error: errorText(err) }
      if (sawFin) return { how: 'eof' }
      return { how: 'error', error: `stream ended without the remote closing it (status ${stream.status})` }
    }
    const onMessage = (evt) => {
      bytes += evt.data.byteLength
      try {
        onChunk?.(evt.data)
      } catch (err) {
        finish({ how: 'error', error: errorText(err) })
      }
    }
    const onFin = () => { sawFin = true }
    // 'end' comes once no more data will be delivered; a reset also emits 'close' with its error
    const onEnd = () => queueMicrotask(() => finish(classify(null)))
    const onClose = (evt) => finish(classify(evt.error))
    stream.addEventListener('message', onMessage)
    stream.addEventListener('remoteCloseWrite', onFin)
    stream.addEventListener('end', onEnd)
    stream.addEventListener('close', onClose)
    if (stream.readableEnded) onEnd()
  })
}

/** Writes data in chunks, waiting for 'drain' when the stream asks for it. */
async function writeAll (stream, data, signal) {
  for (let off = 0; off < data.byteLength; off += WRITE_CHUNK) {
    const chunk = data.subarray(off, Math.min(off + WRITE_CHUNK, data.byteLength))
    if (!stream.send(chunk)) await stream.onDrain({ signal })
  }
}

/** The bytes every echo test sends: byte i of stream s is (31*i + 7*s) mod 251. */
export function pattern (size, s) {
  const out = new Uint8Array(size)
  for (let i = 0; i < size; i++) out[i] = (31 * i + 7 * s) % 251
  return out
}

// ---------------------------------------------------------------------------------------------
// handlers for the test protocols

function echoHandler (stream) {
  const ended = consume(stream, chunk => {
    if (!stream.send(chunk) && stream.readStatus === 'readable') {
      // backpressure: stop reading until the remote has taken what we wrote
      stream.pause()
      stream.onDrain().then(() => {
        if (stream.readStatus === 'paused') stream.resume()
      }, () => {})
    }
  })
  ended.then(async result => {
    if (result.how === 'eof') {
      await stream.close()
      return
    }
    // say why: a reset seen by the remote is otherwise unexplained in the test's output
    log(`echo handler: stream ${stream.id} ended with ${result.how}${result.local ? ' (ours)' : ''}` +
      ` after ${result.bytes} bytes${result.error != null ? ': ' + result.error : ''}`)
    if (result.how === 'error') {
      stream.abort(new Error(result.error))
    }
  }).catch(err => {
    log('echo handler:', errorText(err))
    stream.abort(err)
  })
}

function resetHandler (stream) {
  const onFirst = () => {
    stream.removeEventListener('message', onFirst)
    stream.abort(new Error('reset by the /reset/1.0.0 handler'))
  }
  stream.addEventListener('message', onFirst)
}

function holdHandler (stream, connection) {
  event('hold-started', { peer: connection.remotePeer.toString() })
  consume(stream).then(async result => {
    event('hold-ended', { peer: connection.remotePeer.toString(), ...result })
    if (result.how === 'eof') await stream.close()
  }).catch(err => log('hold handler:', errorText(err)))
}

// ---------------------------------------------------------------------------------------------
// commands

function requireString (args, name) {
  const v = args[name]
  if (typeof v !== 'string' || v.length === 0) throw new Error(`missing string argument "${name}"`)
  return v
}

function optionalInt (args, name, dflt, min, max) {
  const v = args[name]
  if (v == null) return dflt
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new Error(`argument "${name}" must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`)
  }
  return v
}

/** A peer id string, or a multiaddr (starting with '/') to dial. */
function target (args) {
  const peer = requireString(args, 'peer')
  return peer.startsWith('/') ? multiaddr(peer) : peerIdFromString(peer)
}

function connectionInfo (conn) {
  return {
    peer: conn.remotePeer.toString(),
    remoteAddr: conn.remoteAddr.toString(),
    direction: conn.direction,
    security: conn.encryption ?? null,
    muxer: conn.multiplexer ?? null,
    status: conn.status,
    streams: conn.streams.length
  }
}

/** The JSON form of an IdentifyResult. */
function identifyInfo (r) {
  return {
    peer: r.peerId.toString(),
    agentVersion: r.agentVersion ?? null,
    protocolVersion: r.protocolVersion ?? null,
    protocols: r.protocols,
    listenAddrs: r.listenAddrs.map(String),
    observedAddr: r.observedAddr?.toString() ?? null
  }
}

function metadataString (peer, key) {
  const v = peer.metadata.get(key)
  return v == null ? null : new TextDecoder().decode(v)
}

class Peer {
  constructor (node) {
    this.node = node
    this.handles = new Map()
    this.nextHandle = 1
  }

  handle (args) {
    const h = args.handle
    const entry = this.handles.get(h)
    if (entry == null) throw new Error(`unknown handle: ${JSON.stringify(h)}`)
    return entry
  }

  async run (cmd, args, signal) {
    const node = this.node
    switch (cmd) {
      case 'dial': {
        // test certificates are self-signed: accept any wss server certificate from now on
        if (args.tlsInsecure === true) process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'
        const conn = await node.dial(multiaddr(requireString(args, 'addr')), { signal })
        return connectionInfo(conn)
      }
      case 'connections':
        return { connections: node.getConnections().map(connectionInfo) }
      case 'ping': {
        const start = performance.now()
        const rtt = await node.services.ping.ping(target(args), { signal })
        return { rttMs: rtt, elapsedMs: performance.now() - start }
      }
      case 'echo': return this.echo(args, signal)
      case 'identify': {
        const peerId = peerIdFromString(requireString(args, 'peer'))
        const conn = node.getConnections(peerId)[0]
        if (conn == null) throw new Error(`not connected to ${peerId}`)
        return identifyInfo(await node.services.identify.identify(conn, { signal }))
      }
      case 'identify-info': {
        const peer = await node.peerStore.get(peerIdFromString(requireString(args, 'peer')))
        return {
          peer: peer.id.toString(),
          agentVersion: metadataString(peer, 'AgentVersion'),
          protocolVersion: metadataString(peer, 'ProtocolVersion'),
          protocols: peer.protocols,
          addresses: peer.addresses.map(a => a.multiaddr.toString())
        }
      }
      case 'open-hold': {
        if (this.handles.size >= MAX_HANDLES) throw new Error(`too many open handles (${MAX_HANDLES})`)
        const stream = await node.dialProtocol(target(args), HOLD, { signal, ...STREAM_LIMITS })
        const handle = this.nextHandle++
        const ended = consume(stream)
        this.handles.set(handle, { stream, ended })
        const size = optionalInt(args, 'size', 4, 0, 1024 * 1024)
        if (size > 0) await writeAll(stream, pattern(size, 0), signal)
        return { handle, protocol: stream.protocol }
      }
      case 'await-stream-end': {
        const { ended } = this.handle(args)
        const result = await raceAbort(ended, signal)
        return result
      }
      case 'reset-stream': {
        const entry = this.handle(args)
        entry.stream.abort(new Error('reset requested by the test'))
        return {}
      }
      case 'close-write': {
        const entry = this.handle(args)
        await entry.stream.close({ signal })
        return {}
      }
      case 'release': {
        this.handle(args)
        this.handles.delete(args.handle)
        return {}
      }
      case 'reset-test': {
        const stream = await node.dialProtocol(target(args), RESET, { signal, ...STREAM_LIMITS })
        const ended = consume(stream)
        try {
          stream.send(pattern(16, 0))
        } catch (err) {
          // the reset may already have arrived; the read side tells
        }
        const result = await raceAbort(ended, signal)
        return result
      }
      case 'close-connection': {
        await node.hangUp(target(args), { signal })
        return {}
      }
      default:
        throw new Error(`unknown command: ${JSON.stringify(cmd)}`)
    }
  }

  async echo (args, signal) {
    const size = optionalInt(args, 'size', 1024, 0, MAX_ECHO_BYTES)
    const count = optionalInt(args, 'streams', 1, 1, MAX_ECHO_STREAMS)
    const to = target(args)
    const start = performance.now()
    const stages = new Array(count).fill('dialing')
    const one = async (s) => {
      const stream = await this.node.dialProtocol(to, ECHO, { signal, ...STREAM_LIMITS })
      stages[s] = 'writing'
      const expected = pattern(size, s)
      const received = new Uint8ArrayList()
      const ended = consume(stream, chunk => {
        if (received.byteLength + chunk.byteLength > size) throw new Error(`echo returned more than ${size} bytes`)
        received.append(chunk)
      })
      try {
        await writeAll(stream, expected, signal)
        stages[s] = 'closing'
        await stream.close({ signal })
      } catch (err) {
        stream.abort(err)
        throw err
      }
      stages[s] = () => `reading (${received.byteLength} bytes back, status ${stream.status}, read ${stream.readStatus}, write ${stream.writeStatus})`
      const result = await raceAbort(ended, signal)
      stages[s] = 'done'
      if (result.how !== 'eof') throw new Error(`echo stream ${s} ended with ${result.how}: ${result.error ?? ''}`)
      const got = received.subarray()
      if (got.byteLength !== size) throw new Error(`echo stream ${s}: sent ${size} bytes, got ${got.byteLength} back`)
      for (let i = 0; i < size; i++) {
        if (got[i] !== expected[i]) throw new Error(`echo stream ${s}: byte ${i} differs (sent ${expected[i]}, got ${got[i]})`)
      }
      return got.byteLength
    }
    let counts
    try {
      counts = await Promise.all(Array.from({ length: count }, (_, s) => one(s)))
    } catch (err) {
      // say where each stream was, so that a stall can be told from a failure
      const where = stages.map((st, s) => `${s}: ${typeof st === 'function' ? st() : st}`)
        .filter(w => !w.endsWith(': done'))
      throw new Error(`${errorText(err)}; streams not done: ${where.join('; ')}`)
    }
    const bytes = counts.reduce((a, b) => a + b, 0)
    return { streams: count, bytesSent: size * count, bytesReceived: bytes, elapsedMs: performance.now() - start }
  }
}

function raceAbort (promise, signal) {
  if (signal == null) return promise
  return new Promise((resolve, reject) => {
    if (signal.aborted) { reject(signal.reason); return }
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(v => { signal.removeEventListener('abort', onAbort); resolve(v) },
      e => { signal.removeEventListener('abort', onAbort); reject(e) })
  })
}

// ---------------------------------------------------------------------------------------------
// main

async function main () {
  let opts
  try {
    opts = parseArgs(process.argv.slice(2))
  } catch (err) {
    log(errorText(err))
    process.exit(2)
  }
  const node = await createLibp2p({
    privateKey: await privateKey(opts.keyType),
    addresses: { listen: opts.listen },
    transports: transports(opts.transport),
    connectionEncrypters: securities(opts.security),
    streamMuxers: muxers(opts.muxer),
    connectionManager: {
      // the defaults refuse more than 5 inbound connections per second per host and more than 10
      // pending upgrades: tests dial fast from loopback
      inboundConnectionThreshold: 100_000,
      maxIncomingPendingConnections: 1_000,
      maxConnections: 10_000,
      allow: ['/ip4/127.0.0.0/ipcidr/8', '/ip6/::1/ipcidr/128']
    },
    services: {
      identify: identify(STREAM_LIMITS),
      ping: ping(STREAM_LIMITS)
    }
  })
  await node.handle(ECHO, echoHandler, STREAM_LIMITS)
  await node.handle(RESET, resetHandler, STREAM_LIMITS)
  await node.handle(HOLD, holdHandler, STREAM_LIMITS)

  node.addEventListener('peer:connect', evt => event('peer:connect', { peer: evt.detail.toString() }))
  node.addEventListener('peer:disconnect', evt => event('peer:disconnect', { peer: evt.detail.toString() }))
  node.addEventListener('connection:open', evt => event('connection:open', connectionInfo(evt.detail)))
  node.addEventListener('connection:close', evt => event('connection:close', connectionInfo(evt.detail)))
  node.addEventListener('peer:identify', evt => event('peer:identify', identifyInfo(evt.detail)))

  const peer = new Peer(node)
  let stopping = false
  const stop = async (code) => {
    if (stopping) return
    stopping = true
    try {
      await node.stop()
    } catch (err) {
      log('stop:', errorText(err))
    }
    process.exit(code)
  }

  event('ready', {
    peerId: node.peerId.toString(),
    addrs: node.getMultiaddrs().map(String),
    transport: opts.transport,
    security: opts.security,
    muxer: opts.muxer,
    keyType: opts.keyType
  })

  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
  lines.on('line', line => {
    if (line.trim() === '') return
    let msg
    try {
      msg = JSON.parse(line)
      if (msg == null || typeof msg !== 'object' || Array.isArray(msg)) throw new Error('expected a JSON object')
    } catch (err) {
      emit({ id: null, ok: false, error: `bad command line: ${errorText(err)}` })
      return
    }
    const id = msg.id ?? null
    const { cmd, ...args } = msg
    if (cmd === 'stop') {
      emit({ id, ok: true })
      stop(0)
      return
    }
    let timeoutMs
    try {
      timeoutMs = optionalInt(args, 'timeoutMs', DEFAULT_TIMEOUT_MS, 1, 3_600_000)
    } catch (err) {
      emit({ id, ok: false, error: errorText(err) })
      return
    }
    const signal = AbortSignal.timeout(timeoutMs)
    Promise.resolve()
      .then(() => peer.run(cmd, args, signal))
      .then(result => emit({ id, ok: true, ...result }),
        err => emit({ id, ok: false, error: errorText(err) }))
      .catch(err => log('reply failed:', errorText(err)))
  })
  // the test process went away: do not linger
  lines.on('close', () => stop(0))
}

process.on('unhandledRejection', err => log('unhandled rejection:', errorText(err), err?.stack ?? ''))
process.on('uncaughtException', err => log('uncaught exception:', errorText(err), err?.stack ?? ''))

main().catch(err => {
  log('start failed:', errorText(err), err?.stack ?? '')
  process.exit(1)
})

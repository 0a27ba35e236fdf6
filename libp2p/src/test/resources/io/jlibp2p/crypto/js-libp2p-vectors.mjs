// Generates js-libp2p-vectors.txt: `npm install @libp2p/crypto@5.1.23 @libp2p/peer-record@9.0.16 @libp2p/peer-id@6.0.15 @multiformats/multiaddr@13.0.3`, then `node js-libp2p-vectors.mjs`.
import { generateKeyPair, privateKeyToProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { RecordEnvelope, PeerRecord } from '@libp2p/peer-record'
import { multiaddr } from '@multiformats/multiaddr'
const hex = (u) => Buffer.from(u).toString('hex')
const msg = new TextEncoder().encode('jlibp2p interop message')
console.log('# Keys, signatures and signed peer records made by js-libp2p (@libp2p/crypto 5.1.23, @libp2p/peer-record 9.0.16,')
console.log('# @libp2p/peer-id 6.0.15, @multiformats/multiaddr 13.0.3 on Node 20). Message signed: UTF-8 "jlibp2p interop message".')
console.log('# Format: <type> <private key protobuf hex> <public key protobuf hex> <peer id> <signature hex> <signed peer record envelope hex>')
console.log('#   (peer record: seq 12345, addresses /ip4/127.0.0.1/tcp/4001 and /ip6/::1/udp/4001/quic-v1; "-" where this js-libp2p makes no peer id)')
for (const [type, arg] of [['Ed25519'], ['secp256k1'], ['ECDSA', 'P-256'], ['RSA', 2048]]) {
  const key = await generateKeyPair(type, arg)
  const sig = await key.sign(msg)
  let id = '-', env = '-'
  try {
    const pid = peerIdFromPrivateKey(key)
    const rec = new PeerRecord({ peerId: pid, seqNumber: 12345n, multiaddrs: [multiaddr('/ip4/127.0.0.1/tcp/4001'), multiaddr('/ip6/::1/udp/4001/quic-v1')] })
    id = pid.toString()
    env = hex((await RecordEnvelope.seal(rec, key)).marshal())
  } catch (e) { /* this js-libp2p version makes no peer ids of ECDSA keys */ }
  console.log([type.toUpperCase(), hex(privateKeyToProtobuf(key)), hex(publicKeyToProtobuf(key.publicKey)), id, hex(sig), env].join(' '))
}

// Deterministic GUIDs: a name-based UUID (version 5 layout, SHA-1 of a fixed namespace plus the
// element's project-relative identity), so two exports of the same project carry the same GUIDs
// and a re-export diffs cleanly. Pure TypeScript so the core stays free of Node-only modules.

// Buffers reused across calls: a project export hashes one identity per coding (50,000 on the
// bench corpus), and allocating a padded copy and a DataView per hash cost more than hashing.
const encoder = new TextEncoder();
const w = new Uint32Array(80);
let block = new Uint8Array(256);
const digest = new Uint8Array(20);

function put(at: number, h: number): void {
  digest[at] = h >>> 24; digest[at + 1] = h >>> 16; digest[at + 2] = h >>> 8; digest[at + 3] = h;
}

/** SHA-1 of the first `length` bytes of `block` (which has room for the padding). */
function sha1Block(length: number): Uint8Array {
  const padded = (((length + 8) >> 6) + 1) * 64;
  block.fill(0, length, padded);
  block[length] = 0x80;
  const bits = length * 8;
  const hi = Math.floor(bits / 2 ** 32);
  block[padded - 8] = hi >>> 24; block[padded - 7] = hi >>> 16; block[padded - 6] = hi >>> 8; block[padded - 5] = hi;
  block[padded - 4] = bits >>> 24; block[padded - 3] = bits >>> 16; block[padded - 2] = bits >>> 8; block[padded - 1] = bits;
  let h0 = 0x67452301, h1 = 0xefcdab89, h2 = 0x98badcfe, h3 = 0x10325476, h4 = 0xc3d2e1f0;
  for (let off = 0; off < padded; off += 64) {
    for (let i = 0; i < 16; i++) {
      const o = off + i * 4;
      w[i] = (block[o] << 24) | (block[o + 1] << 16) | (block[o + 2] << 8) | block[o + 3];
    }
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16];
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4;
    // Four loops, one per round function: no branch per step.
    for (let i = 0; i < 20; i++) {
      const t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + w[i]) | 0;
      e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
    }
    for (let i = 20; i < 40; i++) {
      const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + w[i]) | 0;
      e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
    }
    for (let i = 40; i < 60; i++) {
      const t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + 0x8f1bbcdc + w[i]) | 0;
      e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
    }
    for (let i = 60; i < 80; i++) {
      const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0xca62c1d6 + w[i]) | 0;
      e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
    }
    h0 = (h0 + a) >>> 0; h1 = (h1 + b) >>> 0; h2 = (h2 + c) >>> 0; h3 = (h3 + d) >>> 0; h4 = (h4 + e) >>> 0;
  }
  put(0, h0); put(4, h1); put(8, h2); put(12, h3); put(16, h4);
  return digest;
}

/** SHA-1 of a string's UTF-8 bytes (a fresh copy of the digest). */
function sha1(s: string): Uint8Array {
  // UTF-8 needs at most 3 bytes per UTF-16 unit; plus 72 for the padding.
  if (block.length < s.length * 3 + 72) block = new Uint8Array(s.length * 3 + 72);
  const { written } = encoder.encodeInto(s, block);
  return sha1Block(written).slice();
}



/** Thesis QDA's own namespace (a random UUID fixed once). */
const NAMESPACE = 'thesis-qda:6b1f3c2e-8d4a-4f7e-9a61-0c2d5e7f9b13:';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function format(hash: Uint8Array): string {
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  let s = '';
  for (let i = 0; i < 16; i++) s += (i === 4 || i === 6 || i === 8 || i === 10 ? '-' : '') + HEX[hash[i]];
  return s;
}

export function stableGuid(kind: string, identity: string): string {
  return format(sha1(`${NAMESPACE}${kind}:${identity}`));
}

/**
 * Two GUIDs from one hash (a selection and its coding): the second is the first with its last
 * six bytes replaced by the hash's unused tail, so both stay stable and distinct at half the cost.
 */
export function stableGuidPair(kind: string, identity: string): [string, string] {
  const hash = sha1(`${NAMESPACE}${kind}:${identity}`);
  const second = hash.slice(0, 16);
  for (let i = 0; i < 4; i++) second[10 + i] = hash[16 + i];
  second[14] = hash[10] ^ 0x5a;
  second[15] = hash[11] ^ 0xa5;
  return [format(hash), format(second)];
}

/** GUIDs may come with or without braces and in either case (REFI README). */
export function normalizeGuid(guid: string): string {
  return guid.trim().replace(/^\{|\}$/g, '').toLowerCase();
}

export function sha1Hex(s: string): string {
  let out = '';
  for (const b of sha1(s)) out += HEX[b];
  return out;
}

// Deterministic GUIDs: a name-based UUID (version 5 layout, SHA-1 of a fixed namespace plus the
// element's project-relative identity), so two exports of the same project carry the same GUIDs
// and a re-export diffs cleanly. Pure TypeScript so the core stays free of Node-only modules.

// The message schedule, reused: a project export hashes one identity per coding.
const w = new Uint32Array(80);

function sha1(bytes: Uint8Array): Uint8Array {
  const ml = bytes.length * 8;
  const withPad = new Uint8Array((((bytes.length + 8) >> 6) + 1) * 64);
  withPad.set(bytes);
  withPad[bytes.length] = 0x80;
  const view = new DataView(withPad.buffer);
  view.setUint32(withPad.length - 4, ml >>> 0);
  view.setUint32(withPad.length - 8, Math.floor(ml / 2 ** 32));
  let h0 = 0x67452301, h1 = 0xefcdab89, h2 = 0x98badcfe, h3 = 0x10325476, h4 = 0xc3d2e1f0;
  for (let off = 0; off < withPad.length; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(off + i * 4);
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16];
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4;
    for (let i = 0; i < 80; i++) {
      const f = i < 20 ? (b & c) | (~b & d) : i < 40 ? b ^ c ^ d : i < 60 ? (b & c) | (b & d) | (c & d) : b ^ c ^ d;
      const k = i < 20 ? 0x5a827999 : i < 40 ? 0x6ed9eba1 : i < 60 ? 0x8f1bbcdc : 0xca62c1d6;
      const t = (((a << 5) | (a >>> 27)) + f + e + k + w[i]) >>> 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    h0 = (h0 + a) >>> 0; h1 = (h1 + b) >>> 0; h2 = (h2 + c) >>> 0; h3 = (h3 + d) >>> 0; h4 = (h4 + e) >>> 0;
  }
  const out = new Uint8Array(20);
  const ov = new DataView(out.buffer);
  [h0, h1, h2, h3, h4].forEach((h, i) => ov.setUint32(i * 4, h));
  return out;
}

/** Thesis QDA's own namespace (a random UUID fixed once). */
const NAMESPACE = 'thesis-qda:6b1f3c2e-8d4a-4f7e-9a61-0c2d5e7f9b13:';
const encoder = new TextEncoder();

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function format(hash: Uint8Array): string {
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  let s = '';
  for (let i = 0; i < 16; i++) s += (i === 4 || i === 6 || i === 8 || i === 10 ? '-' : '') + HEX[hash[i]];
  return s;
}

export function stableGuid(kind: string, identity: string): string {
  return format(sha1(encoder.encode(`${NAMESPACE}${kind}:${identity}`)));
}

/**
 * Two GUIDs from one hash (a selection and its coding): the second is the first with its last
 * six bytes replaced by the hash's unused tail, so both stay stable and distinct at half the cost.
 */
export function stableGuidPair(kind: string, identity: string): [string, string] {
  const hash = sha1(encoder.encode(`${NAMESPACE}${kind}:${identity}`));
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
  for (const b of sha1(encoder.encode(s))) out += HEX[b];
  return out;
}

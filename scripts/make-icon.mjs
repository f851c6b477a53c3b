// Draws the Marketplace icon, media/icon.png (128x128 RGBA), with no image tools: a few
// anti-aliased shapes (4x4 supersampling) written as a PNG with node:zlib.
// Run `node scripts/make-icon.mjs` after changing the drawing; the PNG is committed.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SS = 4; // samples per pixel along each axis

/** Shapes in drawing order: later ones paint over earlier ones. Coordinates in icon pixels. */
const shapes = [
  // background: rounded square in deep blue
  { color: [31, 58, 95, 255], inside: (x, y) => roundRect(x, y, 4, 4, 124, 124, 22) },
  // transcript page with a folded corner
  { color: [247, 244, 236, 255], inside: (x, y) => roundRect(x, y, 28, 16, 92, 112, 6) && !(x > 72 && y < 36 && x - 72 > y - 16) },
  { color: [200, 192, 176, 255], inside: (x, y) => x >= 72 && y <= 36 && x - 72 <= y - 16 && x <= 92 && y >= 16 },
  // speaker label and text lines
  { color: [31, 58, 95, 255], inside: (x, y) => roundRect(x, y, 38, 30, 56, 36, 3) },
  { color: [150, 158, 170, 255], inside: (x, y) => roundRect(x, y, 60, 30, 68, 36, 3) },
  { color: [150, 158, 170, 255], inside: (x, y) => roundRect(x, y, 38, 44, 82, 50, 3) },
  // a coded passage, highlighted in two overlapping code colours
  { color: [245, 130, 48, 210], inside: (x, y) => roundRect(x, y, 36, 56, 84, 66, 3) },
  { color: [70, 190, 170, 170], inside: (x, y) => roundRect(x, y, 60, 62, 86, 72, 3) },
  { color: [150, 158, 170, 255], inside: (x, y) => roundRect(x, y, 38, 80, 74, 86, 3) },
  { color: [150, 158, 170, 255], inside: (x, y) => roundRect(x, y, 38, 92, 62, 98, 3) },
  // the code tag
  { color: [230, 25, 75, 255], inside: (x, y) => tag(x, y) },
  { color: [247, 244, 236, 255], inside: (x, y) => (x - 84) ** 2 + (y - 100) ** 2 <= 16 },
];

function roundRect(x, y, x0, y0, x1, y1, r) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** A luggage-tag shape pointing left: a rectangle 88..116 x 88..112 with a point at x=76. */
function tag(x, y) {
  if (y < 88 || y > 112 || x > 116) return false;
  if (x >= 88) return roundRect(x, y, 80, 88, 116, 112, 4);
  return x >= 76 && Math.abs(y - 100) <= (x - 76);
}

function over(dst, src) {
  const a = src[3] / 255;
  const outA = a + dst[3] * (1 - a);
  if (outA === 0) return [0, 0, 0, 0];
  const mix = (i) => (src[i] * a + dst[i] * dst[3] * (1 - a)) / outA;
  return [mix(0), mix(1), mix(2), outA];
}

const raw = Buffer.alloc((SIZE * 4 + 1) * SIZE);
for (let py = 0; py < SIZE; py++) {
  raw[py * (SIZE * 4 + 1)] = 0; // PNG filter type: none
  for (let px = 0; px < SIZE; px++) {
    const acc = [0, 0, 0, 0];
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const x = px + (sx + 0.5) / SS;
        const y = py + (sy + 0.5) / SS;
        let c = [0, 0, 0, 0]; // rgb, alpha 0..1
        for (const s of shapes) if (s.inside(x, y)) c = over(c, s.color);
        // accumulate premultiplied so transparent samples do not darken edges
        acc[0] += c[0] * c[3];
        acc[1] += c[1] * c[3];
        acc[2] += c[2] * c[3];
        acc[3] += c[3];
      }
    }
    const o = py * (SIZE * 4 + 1) + 1 + px * 4;
    const alpha = acc[3] / (SS * SS);
    raw[o] = alpha ? Math.round(acc[0] / acc[3]) : 0;
    raw[o + 1] = alpha ? Math.round(acc[1] / acc[3]) : 0;
    raw[o + 2] = alpha ? Math.round(acc[2] / acc[3]) : 0;
    raw[o + 3] = Math.round(alpha * 255);
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = new URL('../media/icon.png', import.meta.url);
writeFileSync(out, png);
console.log(`wrote media/icon.png (${png.length} bytes)`);

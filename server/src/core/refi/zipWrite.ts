// Writes a .qdpx archive one entry at a time: each entry is compressed as soon as it is added
// and its text dropped, so an export never holds every source text and every encoded copy at
// once (on the bench corpus that was ~150 MB of the peak). The deflater and CRC are passed in:
// the core stays free of Node modules, and the CLI and server hand it node:zlib's native ones
// (fflate's pure-JS deflate was a third of the export's time). Every entry carries the same
// fixed timestamp, so the archive's bytes depend on the content only.
import { deflateSync } from 'fflate';
import * as l10n from '../text/l10n';
import { crc32 as jsCrc32 } from '../text/zip';

/** Raw deflate (no zlib header) and CRC-32, from node:zlib where available. */
export interface ZipCodec {
  deflateRaw(data: Uint8Array): Uint8Array;
  crc32(data: Uint8Array): number;
}

/** Pure TypeScript fallback (fflate, level 1: the bench archive is 13% larger than at level 6, in half the time). */
export const JS_ZIP_CODEC: ZipCodec = {
  deflateRaw: (data) => deflateSync(data, { level: 1 }),
  crc32: jsCrc32,
};

/** 2020-01-01 00:00:00 in MS-DOS date and time fields. */
const DOS_DATE = ((2020 - 1980) << 9) | (1 << 5) | 1;
const DOS_TIME = 0;

interface Written {
  name: Uint8Array;
  crc: number;
  size: number;
  data: Uint8Array;
  method: number;
}

export class ZipWriter {
  private readonly entries = new Map<string, Written>();
  private readonly encoder = new TextEncoder();

  constructor(private readonly codec: ZipCodec = JS_ZIP_CODEC) {}

  /** `content` in pieces (a big XML document) is encoded piece by piece, never as one string. */
  add(name: string, content: string | string[] | Uint8Array): void {
    const raw = typeof content === 'string' ? this.encoder.encode(content) : Array.isArray(content) ? this.encodeParts(content) : content;
    if (raw.length >= 0xffffffff) throw new Error(l10n.t('{0}: entries of 4 GB and more need zip64, which is not written', name));
    const deflated = this.codec.deflateRaw(raw);
    // Stored when deflating does not help (an empty or tiny entry).
    const stored = deflated.length >= raw.length;
    this.entries.set(name, { name: this.encoder.encode(name), crc: this.codec.crc32(raw), size: raw.length, data: stored ? raw : deflated, method: stored ? 0 : 8 });
  }

  private encodeParts(parts: readonly string[]): Uint8Array {
    const pieces = parts.map((p) => this.encoder.encode(p));
    const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of pieces) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  /** The archive, with `first` (if given) as its first entry and the rest in name order. */
  finish(first?: string): Uint8Array {
    const names = [...this.entries.keys()].sort((a, b) => (a === first ? -1 : b === first ? 1 : a < b ? -1 : a > b ? 1 : 0));
    const list = names.map((n) => this.entries.get(n)!);
    let localSize = 0;
    let centralSize = 0;
    for (const e of list) {
      localSize += 30 + e.name.length + e.data.length;
      centralSize += 46 + e.name.length;
    }
    if (localSize + centralSize > 0xffffffff || list.length > 0xfffe) throw new Error(l10n.t('the archive would need zip64, which is not written'));
    const out = new Uint8Array(localSize + centralSize + 22);
    const view = new DataView(out.buffer);
    const header = (at: number, e: Written): void => {
      view.setUint16(at, 20, true); // version needed: 2.0
      view.setUint16(at + 2, 0x0800, true); // UTF-8 names
      view.setUint16(at + 4, e.method, true);
      view.setUint16(at + 6, DOS_TIME, true);
      view.setUint16(at + 8, DOS_DATE, true);
      view.setUint32(at + 10, e.crc, true);
      view.setUint32(at + 14, e.data.length, true);
      view.setUint32(at + 18, e.size, true);
      view.setUint16(at + 22, e.name.length, true);
    };
    const offsets: number[] = [];
    let p = 0;
    for (const e of list) {
      offsets.push(p);
      view.setUint32(p, 0x04034b50, true);
      header(p + 4, e);
      out.set(e.name, p + 30);
      out.set(e.data, p + 30 + e.name.length);
      p += 30 + e.name.length + e.data.length;
    }
    const cd = p;
    list.forEach((e, i) => {
      view.setUint32(p, 0x02014b50, true);
      view.setUint16(p + 4, 20, true); // made by: MS-DOS, 2.0 (no Unix mode bits)
      header(p + 6, e);
      view.setUint32(p + 42, offsets[i], true);
      out.set(e.name, p + 46);
      p += 46 + e.name.length;
    });
    view.setUint32(p, 0x06054b50, true);
    view.setUint16(p + 8, list.length, true);
    view.setUint16(p + 10, list.length, true);
    view.setUint32(p + 12, p - cd, true);
    view.setUint32(p + 16, cd, true);
    return out;
  }
}

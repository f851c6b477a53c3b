// A ZIP reader for .docx that trusts nothing the archive declares. The central directory says
// where each entry is; how big an entry is when unpacked is only believed as far as the bytes
// actually inflated: every entry is inflated in small input steps and the total output of the
// archive is capped, so a 1,000-byte entry that inflates to 1 GiB stops at the cap in well
// under a second and a few tens of MB, instead of being unpacked whole by mammoth's JSZip.
import { Inflate } from 'fflate';

export class ZipLimitError extends Error {}
export class ZipFormatError extends Error {}

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  localHeaderOffset: number;
}

const u16 = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Uint8Array, o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

/** Compressed input handed to the inflater per step: at most ~1,032× this comes out of one step. */
const STEP = 4096;

export class BoundedZip {
  readonly entries = new Map<string, ZipEntry>();
  /** Bytes inflated so far, over all entries read. */
  produced = 0;

  constructor(
    private readonly bytes: Uint8Array,
    /** Largest number of bytes all entries read may inflate to, together. */
    readonly maxTotal: number,
  ) {
    const b = bytes;
    // End of central directory: the last "PK\5\6" within the last 64 KiB + 22 bytes.
    let eocd = -1;
    for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
      if (b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2] === 0x05 && b[i + 3] === 0x06) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new ZipFormatError('no ZIP directory at the end (the file is cut short or not a ZIP archive)');
    const count = u16(b, eocd + 10);
    const cdOffset = u32(b, eocd + 16);
    if (count === 0xffff || cdOffset === 0xffffffff) throw new ZipFormatError('uses ZIP64, which a Word document never needs');
    let p = cdOffset;
    for (let n = 0; n < count; n++) {
      if (p + 46 > b.length || u32(b, p) !== 0x02014b50) throw new ZipFormatError('its ZIP directory is damaged');
      const nameLen = u16(b, p + 28);
      const entry: ZipEntry = {
        name: new TextDecoder().decode(b.subarray(p + 46, p + 46 + nameLen)),
        flags: u16(b, p + 8),
        method: u16(b, p + 10),
        compressedSize: u32(b, p + 20),
        localHeaderOffset: u32(b, p + 42),
      };
      if (!this.entries.has(entry.name)) this.entries.set(entry.name, entry);
      p += 46 + nameLen + u16(b, p + 30) + u16(b, p + 32);
    }
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The entry's bytes; throws ZipLimitError when the archive's output would pass maxTotal. */
  read(name: string): Uint8Array {
    const e = this.entries.get(name);
    if (!e) throw new ZipFormatError(`${name} is missing`);
    const b = this.bytes;
    const h = e.localHeaderOffset;
    if (h + 30 > b.length || u32(b, h) !== 0x04034b50) throw new ZipFormatError(`${name}: damaged ZIP entry`);
    if (e.flags & 1) throw new ZipFormatError(`${name} is encrypted`);
    const start = h + 30 + u16(b, h + 26) + u16(b, h + 28);
    const end = start + e.compressedSize;
    if (end > b.length) throw new ZipFormatError(`${name}: the ZIP entry runs past the end of the file`);
    const data = b.subarray(start, end);
    if (e.method === 0) {
      this.count(data.length, name);
      return data;
    }
    if (e.method !== 8) throw new ZipFormatError(`${name} uses ZIP compression method ${e.method}, which Word does not write`);
    const chunks: Uint8Array[] = [];
    let size = 0;
    const inflater = new Inflate((chunk) => {
      size += chunk.length;
      this.count(chunk.length, name);
      chunks.push(chunk);
    });
    try {
      for (let i = 0; i < data.length; i += STEP) inflater.push(data.subarray(i, Math.min(data.length, i + STEP)), i + STEP >= data.length);
      if (data.length === 0) inflater.push(new Uint8Array(0), true);
    } catch (err) {
      if (err instanceof ZipLimitError) throw err;
      throw new ZipFormatError(`${name}: damaged compressed data (${(err as Error).message})`);
    }
    if (chunks.length === 1) return chunks[0]!;
    const out = new Uint8Array(size);
    let o = 0;
    for (const c of chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }

  private count(n: number, name: string): void {
    this.produced += n;
    if (this.produced > this.maxTotal) throw new ZipLimitError(name);
  }
}

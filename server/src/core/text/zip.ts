// The one reader for untrusted zip archives: .qdpx (core/refi) and .docx (core/import/docx.ts).
// It never extracts: entries are looked up by name and inflated into memory, so an entry name
// never becomes a path. Every size is bounded — the entry count, the declared and the actually
// inflated size of each entry and of the whole (inflating stops at the cap) — and every CRC is
// checked. Encrypted, symlink, multi-part and zip64 archives are refused. fflate does the
// inflating; the directory parsing is here so the limits apply before anything is inflated.
import { Inflate } from 'fflate';
import * as l10n from './l10n';

export interface ZipLimits {
  maxEntries: number;
  /** Per entry, declared and inflated. */
  maxEntryBytes: number;
  /** All entries read from one archive together. */
  maxTotalBytes: number;
  /**
   * Whether inflating an entry stops at the size it declares (default). With false, it goes on
   * to the limits above and only then refuses: for a .docx, whose message says how far a bomb
   * got ("unpacks to more than 64 MB"); an entry that ends at another size than it declared is
   * refused as damaged either way.
   */
  stopAtDeclaredSize?: boolean;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 20_000, maxEntryBytes: 256 * 1024 * 1024, maxTotalBytes: 512 * 1024 * 1024 };

export class ZipError extends Error {}

/** The archive passes a limit of ZipLimits while reading `entry`. */
export class ZipLimitError extends ZipError {
  constructor(
    readonly entry: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A native inflater and CRC (node:zlib, from the CLI and server) in place of fflate and the
 * table CRC below: they were a third of an import's time. `inflateRaw` must stop as soon as the
 * output passes `cap` and then answer `over`.
 */
export interface InflateCodec {
  inflateRaw(raw: Uint8Array, cap: number): { bytes?: Uint8Array; over?: boolean; error?: string };
  crc32(data: Uint8Array): number;
}

export interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  symlink: boolean;
}

let CRC_TABLE: Uint32Array | undefined;
export function crc32(data: Uint8Array): number {
  if (!CRC_TABLE) {
    CRC_TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export class ZipReader {
  readonly entries: ZipEntry[] = [];
  private readonly view: DataView;
  private total = 0;

  constructor(private readonly bytes: Uint8Array, private readonly limits: ZipLimits = DEFAULT_ZIP_LIMITS, private readonly codec?: InflateCodec) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.readDirectory();
  }

  private u16(o: number): number {
    return this.view.getUint16(o, true);
  }

  private u32(o: number): number {
    return this.view.getUint32(o, true);
  }

  private readDirectory(): void {
    const len = this.bytes.length;
    let eocd = -1;
    for (let i = len - 22; i >= Math.max(0, len - 22 - 0xffff); i--) {
      if (this.u32(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new ZipError(l10n.t('not a zip archive, or a truncated one (no end of central directory)'));
    const count = this.u16(eocd + 10);
    const cdSize = this.u32(eocd + 12);
    const cdOffset = this.u32(eocd + 16);
    if (this.u16(eocd + 4) !== 0 || this.u16(eocd + 6) !== 0) throw new ZipError(l10n.t('multi-part zip archives are not supported'));
    if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) throw new ZipError(l10n.t('zip64 archives are not supported'));
    if (count > this.limits.maxEntries) throw new ZipError(l10n.t('the archive has {0} entries; at most {1} are read', count, this.limits.maxEntries));
    if (cdOffset + cdSize > eocd) throw new ZipError(l10n.t('truncated archive: the central directory lies outside the file'));
    const decoder = new TextDecoder('utf-8');
    let p = cdOffset;
    for (let n = 0; n < count; n++) {
      if (p + 46 > eocd || this.u32(p) !== 0x02014b50) throw new ZipError(l10n.t('truncated archive: central directory entry {0} is damaged', n + 1));
      const madeBy = this.u16(p + 4) >> 8;
      const nameLen = this.u16(p + 28);
      const extraLen = this.u16(p + 30);
      const commentLen = this.u16(p + 32);
      const external = this.u32(p + 38);
      if (p + 46 + nameLen > eocd) throw new ZipError(l10n.t('truncated archive: central directory entry {0} is damaged', n + 1));
      const entry: ZipEntry = {
        name: decoder.decode(this.bytes.subarray(p + 46, p + 46 + nameLen)),
        flags: this.u16(p + 8),
        method: this.u16(p + 10),
        crc: this.u32(p + 16),
        compressedSize: this.u32(p + 20),
        size: this.u32(p + 24),
        localOffset: this.u32(p + 42),
        // Unix mode in the high half of the external attributes: S_IFLNK.
        symlink: madeBy === 3 && ((external >>> 16) & 0xf000) === 0xa000,
      };
      this.entries.push(entry);
      p += 46 + nameLen + extraLen + commentLen;
    }
  }

  /** The (first) entry named exactly `name`. */
  get(name: string): ZipEntry | undefined {
    return this.entries.find((e) => e.name === name);
  }

  /** Entries whose name equals `name` in any case (`Project.qde`, `Sources/…` are accepted). */
  find(name: string): ZipEntry[] {
    const lower = name.toLowerCase();
    return this.entries.filter((e) => e.name.toLowerCase() === lower);
  }

  /** The entry's bytes, inflated within the limits and checked against its CRC. */
  read(entry: ZipEntry): Uint8Array {
    const name = entry.name;
    if (entry.symlink) throw new ZipError(l10n.t('{0}: a symbolic link entry; not followed', name));
    if (entry.flags & 1) throw new ZipError(l10n.t('{0}: encrypted entries are not supported', name));
    if (entry.method !== 0 && entry.method !== 8) throw new ZipError(l10n.t('{0}: compression method {1} is not supported', name, entry.method));
    if (entry.size > this.limits.maxEntryBytes) throw new ZipLimitError(name, l10n.t('{0}: declares {1} bytes; at most {2} are read per entry', name, entry.size, this.limits.maxEntryBytes));
    if (this.total + entry.size > this.limits.maxTotalBytes) throw new ZipLimitError(name, l10n.t("{0}: the archive's entries together exceed {1} bytes", name, this.limits.maxTotalBytes));
    const o = entry.localOffset;
    if (o + 30 > this.bytes.length || this.u32(o) !== 0x04034b50) throw new ZipError(l10n.t('{0}: truncated archive (local header missing)', name));
    const start = o + 30 + this.u16(o + 26) + this.u16(o + 28);
    const end = start + entry.compressedSize;
    if (end > this.bytes.length) throw new ZipError(l10n.t('{0}: truncated archive (data ends after the file)', name));
    const raw = this.bytes.subarray(start, end);
    let out: Uint8Array;
    if (entry.method === 0) {
      if (entry.compressedSize !== entry.size) throw new ZipError(l10n.t('{0}: stored entry whose sizes differ', name));
      out = raw;
    } else if (this.codec) {
      const r = this.codec.inflateRaw(raw, entry.size);
      if (r.over) throw new ZipError(l10n.t('{0}: inflates to more than the {1} bytes it declares; refused', name, entry.size));
      if (!r.bytes) throw new ZipError(l10n.t('{0}: damaged compressed data ({1})', name, String(r.error)));
      if (r.bytes.length !== entry.size) throw new ZipError(l10n.t('{0}: inflates to {1} bytes but declares {2}; damaged or truncated', name, r.bytes.length, entry.size));
      out = r.bytes;
    } else {
      // Inflate in small pieces and stop as soon as the output passes the declared size: an
      // under-declared entry (a zip bomb) never gets inflated further than that. Without
      // stopAtDeclaredSize, as soon as it passes what the limits leave.
      const declared = this.limits.stopAtDeclaredSize !== false;
      const cap = declared ? entry.size : Math.min(this.limits.maxEntryBytes, this.limits.maxTotalBytes - this.total);
      const chunks: Uint8Array[] = [];
      let got = 0;
      let over = false;
      const inflater = new Inflate((chunk) => {
        got += chunk.length;
        if (got > cap) over = true;
        else chunks.push(chunk);
      });
      const STEP = 16 * 1024;
      try {
        for (let i = 0; i < raw.length && !over; i += STEP) inflater.push(raw.subarray(i, Math.min(raw.length, i + STEP)), i + STEP >= raw.length);
      } catch (err) {
        throw new ZipError(l10n.t('{0}: damaged compressed data ({1})', name, (err as Error).message));
      }
      if (over && !declared) throw new ZipLimitError(name, l10n.t('{0}: inflates to more than the {1} bytes the limits leave; refused', name, cap));
      if (over) throw new ZipError(l10n.t('{0}: inflates to more than the {1} bytes it declares; refused', name, cap));
      if (got !== entry.size) throw new ZipError(l10n.t('{0}: inflates to {1} bytes but declares {2}; damaged or truncated', name, got, entry.size));
      out = new Uint8Array(got);
      let at = 0;
      for (const c of chunks) {
        out.set(c, at);
        at += c.length;
      }
    }
    if ((this.codec ? this.codec.crc32(out) : crc32(out)) !== entry.crc) throw new ZipError(l10n.t('{0}: CRC mismatch; the archive is damaged', name));
    this.total += out.length;
    return out;
  }
}

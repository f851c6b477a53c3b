// Builds .docx archives for the hostile-input tests, including ones that lie: an entry can
// declare any uncompressed size, and its deflated data can be streamed from a generator so a
// 1 GiB bomb is made without holding 1 GiB.
import { constants as zlibConstants, crc32, deflateRawSync } from 'node:zlib';

export interface HostileEntry {
  name: string;
  /** Uncompressed content: bytes, or a generator of chunks (deflated as they come). */
  data: Uint8Array | (() => Iterable<Uint8Array>);
  /** The uncompressed size written into the headers; the real size when left out. */
  declaredSize?: number;
}

/**
 * Deflates chunk by chunk with a full flush after each, so every chunk's output stands alone and
 * a chunk seen before is not compressed again: a 1 GiB bomb of one repeated 1 MiB chunk costs
 * one compression.
 */
function deflate(data: HostileEntry['data']): { bytes: Uint8Array; size: number; crc: number } {
  const out: Uint8Array[] = [];
  const seen = new Map<Uint8Array, Uint8Array>();
  let size = 0;
  let crc = 0;
  for (const chunk of data instanceof Uint8Array ? [data] : data()) {
    size += chunk.length;
    crc = crc32(chunk, crc);
    let c = seen.get(chunk);
    if (!c) seen.set(chunk, (c = deflateRawSync(chunk, { finishFlush: zlibConstants.Z_FULL_FLUSH })));
    out.push(c);
  }
  out.push(new Uint8Array([0x03, 0x00])); // an empty final block
  const total = out.reduce((n, c) => n + c.length, 0);
  const bytes = new Uint8Array(total);
  let o = 0;
  for (const c of out) {
    bytes.set(c, o);
    o += c.length;
  }
  return { bytes, size, crc };
}

/**
 * A ZIP archive of deflated entries. An entry that lies about its size has CRC 0 (the importer
 * must not need the CRC to refuse a bomb); an honest one has its true CRC, which the reader checks.
 */
export function hostileZip(entries: HostileEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const enc = new TextEncoder();
  for (const e of entries) {
    const name = enc.encode(e.name);
    const { bytes, size, crc } = deflate(e.data);
    const declared = e.declaredSize ?? size;
    const checksum = e.declaredSize === undefined ? crc : 0;
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(8, 8, true);
    lv.setUint32(14, checksum, true);
    lv.setUint32(18, bytes.length, true);
    lv.setUint32(22, declared, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const cd = new Uint8Array(46 + name.length);
    const cv = new DataView(cd.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(10, 8, true);
    cv.setUint32(16, checksum, true);
    cv.setUint32(20, bytes.length, true);
    cv.setUint32(24, declared, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    cd.set(name, 46);
    parts.push(local, bytes);
    central.push(cd);
    offset += local.length + bytes.length;
  }
  const cdSize = central.reduce((n, c) => n + c.length, 0);
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const all = [...parts, ...central, eocd];
  const out = new Uint8Array(all.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of all) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

/** The smallest parts of a Word document around a given document.xml body. */
export function docxEntries(documentXml: HostileEntry['data'], declaredSize?: number): HostileEntry[] {
  const enc = new TextEncoder();
  return [
    {
      name: '[Content_Types].xml',
      data: enc.encode(
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
          '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
      ),
    },
    {
      name: '_rels/.rels',
      data: enc.encode(
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
          '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
      ),
    },
    { name: 'word/document.xml', data: documentXml, ...(declaredSize !== undefined ? { declaredSize } : {}) },
  ];
}

export const DOC_HEAD = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="${W}"><w:body>`;
export const DOC_TAIL = '</w:body></w:document>';

/** A document.xml with these paragraphs (plain text, XML-escaped). */
export function documentXml(paragraphs: string[]): Uint8Array {
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return new TextEncoder().encode(DOC_HEAD + paragraphs.map((p) => `<w:p><w:r><w:t xml:space="preserve">${esc(p)}</w:t></w:r></w:p>`).join('') + DOC_TAIL);
}

/** `total` bytes (UTF-8) of document.xml: the head, `open`, `unit` repeated, `close`, the tail, produced in ~1 MB chunks. */
export function repeatedDocument(unit: string, total: number, open = '', close = ''): () => Iterable<Uint8Array> {
  return function* () {
    const enc = new TextEncoder();
    yield enc.encode(DOC_HEAD + open);
    const unitBytes = enc.encode(unit).length;
    const per = Math.max(1, Math.floor((1024 * 1024) / unitBytes));
    const chunk = enc.encode(unit.repeat(per));
    let left = Math.floor((total - DOC_HEAD.length - DOC_TAIL.length - open.length - close.length) / unitBytes);
    while (left >= per) {
      yield chunk;
      left -= per;
    }
    if (left > 0) yield enc.encode(unit.repeat(left));
    yield enc.encode(close + DOC_TAIL);
  };
}

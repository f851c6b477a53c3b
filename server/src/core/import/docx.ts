// Word documents (.docx) through mammoth: headings stay headings, bold and italic stay
// **bold** and *italic*, tables become Markdown tables, and paragraphs that start with a
// speaker label (`Intervjuer:` in bold or plain) become turns. Every word is kept.
// mammoth (with its XML, zip and underscore) is loaded when a .docx is read, not when the server
// starts: most sessions import nothing (cold start, docs/performance.md).
import type mammothTypes from 'mammoth';
import * as l10n from '../text/l10n';
import { DEFAULT_ZIP_LIMITS, ZipError, ZipLimitError, ZipReader } from '../text/zip';
import { checkSize, dateFromMetadata, ImportError, type ParsedSource } from './common';
import { paragraphsToSource, type LayoutOptions, type Paragraph } from './text';
import { decodeEntities } from './vtt';

/**
 * Most bytes the parts of one .docx may inflate to, counted as they come out of the inflater
 * (a bomb is never believed about its size), and refused before inflating when a part declares
 * more. An interview's document.xml is a few MB.
 */
export const MAX_INFLATED = 64 * 1024 * 1024;
/**
 * Most XML elements mammoth may be given, over all parts it reads. Mammoth builds a DOM and a
 * document tree of every element, about 1.5–2.5 KB each: measured, 160,000 elements took 370 MB
 * and 870,000 empty paragraphs 1.35 GB; 100,000 in one-line turns or tables 285–290 MB.
 * 80,000 keeps the import under 300 MB with room; a two-hour interview written in Word has
 * some 20,000–40,000.
 */
export const MAX_XML_ELEMENTS = 80_000;
/**
 * Most bytes of XML mammoth may be given, over all parts it reads: its DOM, its HTML and our
 * paragraphs each hold a copy of the text (measured: 60 MB of text in one paragraph peaked at
 * 283 MB, and text with "ø" takes two bytes a character in memory).
 */
export const MAX_XML_BYTES = 16 * 1024 * 1024;

/** A part of the document that we refuse before mammoth parses it, with the reason. */
class PartError extends Error {
  constructor(
    readonly part: string,
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

const MB = (n: number): string => `${Math.round(n / 1024 / 1024)} MB`;

export async function parseDocx(fileName: string, bytes: Uint8Array, maxBytes: number, knownLabels: Set<string>, layout: LayoutOptions): Promise<ParsedSource> {
  checkSize(fileName, bytes, maxBytes);
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04)) {
    throw new ImportError(fileName, l10n.t('is not a Word document (.docx files are ZIP archives; this one is not)'));
  }
  let zip: ZipReader;
  try {
    // The .qdpx reader's guarantees (entry count, sizes, CRCs), with the cap of a .docx; a bomb
    // is inflated up to that cap, whatever size it declares, so the message says how far it got.
    zip = new ZipReader(bytes, { ...DEFAULT_ZIP_LIMITS, maxEntryBytes: MAX_INFLATED, maxTotalBytes: MAX_INFLATED, stopAtDeclaredSize: false });
  } catch (err) {
    throw new ImportError(fileName, l10n.t('is a damaged ZIP archive ({0})', (err as Error).message));
  }
  if (!zip.get('word/document.xml')) throw new ImportError(fileName, l10n.t('is a ZIP archive but not a Word document (no word/document.xml)'));

  // Mammoth reads the parts it needs through this object (its `{ file }` input), so each part is
  // inflated only when read, within the archive's MAX_INFLATED, and checked before it is parsed.
  let elements = 0;
  let xmlBytes = 0;
  // The XML handed to mammoth, to say which part is broken where when its parser fails.
  const served = new Map<string, string>();
  const docxFile = {
    exists: (name: string): boolean => zip.get(name) !== undefined,
    read: async (name: string, encoding?: string): Promise<string | Uint8Array> => {
      const entry = zip.get(name);
      if (!entry) throw new ZipError(l10n.t('{0} is missing', name));
      const data = zip.read(entry);
      if (!encoding) return data;
      if (encoding === 'base64') return Buffer.from(data).toString('base64');
      xmlBytes += data.length;
      if (xmlBytes > MAX_XML_BYTES) {
        throw new PartError(name, l10n.t("brings the document's XML to {0}, more than the {1} the importer reads (an interview's is a few MB); split the document", MB(xmlBytes), MB(MAX_XML_BYTES)));
      }
      const text = new TextDecoder().decode(data);
      elements += checkXml(name, text, MAX_XML_ELEMENTS - elements);
      served.set(name, text);
      return text;
    },
  };

  let html: string;
  try {
    const mammoth: typeof mammothTypes = (await import('mammoth')).default;
    const result = await mammoth.convertToHtml(
      // `file` is mammoth's own input for an opened archive (lib/unzip.js); its types lack it.
      { file: docxFile } as unknown as { buffer: Buffer },
      {
        externalFileAccess: false,
        // Images carry no transcript text; drop them instead of inlining data URIs.
        convertImage: mammoth.images.imgElement(async () => ({ src: '' })),
      },
    );
    html = result.value;
  } catch (err) {
    if (err instanceof ZipLimitError) {
      throw new ImportError(fileName, l10n.t('unpacks to more than {0} (stopped while unpacking {1}); an interview is a few MB, so this is not a document the importer reads', MB(MAX_INFLATED), err.entry));
    }
    if (err instanceof ZipError) throw new ImportError(fileName, l10n.t('is a damaged ZIP archive ({0})', err.message));
    if (err instanceof PartError) throw new ImportError(fileName, err.line !== undefined ? l10n.t('is not a Word document we can read: {0} line {1} {2}', err.part, err.line, err.message) : l10n.t('is not a Word document we can read: {0} {1}', err.part, err.message));
    for (const [part, text] of served) {
      const bad = findXmlError(text);
      if (bad) throw new ImportError(fileName, l10n.t('is a damaged Word document: {0} line {1}: {2}', part, bad.line, bad.message));
    }
    throw new ImportError(fileName, l10n.t('is a damaged Word document ({0})', describeMammothError(err as Error)));
  }
  const { paragraphs, title, date } = htmlToParagraphs(html);
  const parsed = paragraphsToSource(fileName, paragraphs, knownLabels, layout);
  if (title) parsed.title = title;
  if (date) parsed.date = date;
  return parsed;
}

interface Token {
  tag?: string;
  close?: boolean;
  text?: string;
}

function tokenize(html: string): Token[] {
  const out: Token[] = [];
  const re = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(\/?)>|([^<]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(html))) {
    if (m[4] !== undefined) out.push({ text: decodeEntities(m[4]) });
    else {
      const tag = m[2]!.toLowerCase();
      out.push({ tag, close: m[1] === '/' });
      if (m[3] === '/' && m[1] !== '/') out.push({ tag, close: true });
    }
  }
  return out;
}

/**
 * Mammoth's HTML (h1–h6, p, strong, em, u, s, sup, sub, a, br, img, ul/ol/li, table/tr/td/th)
 * to Markdown paragraphs. The first level-1 heading is the title; a "Dato" row in a table gives
 * the date.
 */
export function htmlToParagraphs(html: string): { paragraphs: Paragraph[]; title?: string; date?: string } {
  const paragraphs: Paragraph[] = [];
  let title: string | undefined;
  let date: string | undefined;
  let inline = '';
  const listStack: ('ul' | 'ol')[] = [];
  const listCounters: number[] = [];
  let listLines: string[] = [];
  let table: string[][] | undefined;
  let row: string[] | undefined;
  let cellParts: string[] | undefined;

  const emphasis = (marker: string, open: boolean): void => {
    if (open) inline += marker;
    else {
      // Keep the marker next to the word: "**Intervjuer: **x" → "**Intervjuer:** x".
      const ws = /\s*$/.exec(inline)![0];
      const body = inline.slice(0, inline.length - ws.length);
      inline = body.endsWith(marker) ? body.slice(0, -marker.length) + ws : body + marker + ws;
    }
  };
  const flushInline = (): string => {
    const s = collapseSpaces(inline).trim();
    inline = '';
    return s;
  };

  for (const t of tokenize(html)) {
    if (t.text !== undefined) {
      inline += t.text;
      continue;
    }
    const tag = t.tag!;
    switch (tag) {
      case 'strong':
      case 'b':
        emphasis('**', !t.close);
        break;
      case 'em':
      case 'i':
        emphasis('*', !t.close);
        break;
      case 's':
      case 'del':
        emphasis('~~', !t.close);
        break;
      case 'br':
        if (!t.close) inline += '\n';
        break;
      case 'h1': case 'h2': case 'h3': case 'h4': case 'h5': case 'h6':
        if (t.close) {
          const text = flushInline().replace(/\n/g, ' ');
          if (text) {
            if (tag === 'h1' && title === undefined) title = text.replace(/\*+/g, '');
            paragraphs.push({ text: `${'#'.repeat(Number(tag[1]))} ${text}`, structural: true });
          }
        } else flushInline();
        break;
      case 'p':
        if (!t.close) break;
        {
          const text = flushInline();
          if (cellParts) cellParts.push(text);
          else if (listStack.length) inline = text; // a paragraph inside a list item
          else if (text) paragraphs.push({ text });
        }
        break;
      case 'ul':
      case 'ol':
        if (!t.close) {
          listStack.push(tag);
          listCounters.push(0);
        } else {
          listStack.pop();
          listCounters.pop();
          if (listStack.length === 0 && listLines.length) {
            paragraphs.push({ text: listLines.join('\n'), structural: true });
            listLines = [];
          }
        }
        break;
      case 'li':
        if (t.close) {
          const text = flushInline().replace(/\n/g, ' ');
          const depth = listStack.length - 1;
          const n = ++listCounters[depth]!;
          const bullet = listStack[depth] === 'ol' ? `${n}.` : '-';
          if (text) listLines.push(`${'  '.repeat(depth)}${bullet} ${text}`);
        } else if (inline.trim()) {
          // Text of a parent item before its nested list.
          const depth = listStack.length - 1;
          listLines.push(`${'  '.repeat(Math.max(0, depth - 1))}- ${flushInline()}`);
        }
        break;
      case 'table':
        if (!t.close) table = [];
        else if (table) {
          paragraphs.push({ text: markdownTable(table), structural: true });
          for (const r of table) {
            if (r.length >= 2 && !date) date = dateFromMetadata(r[0]!.replace(/\*+/g, ''), r[1]!.replace(/\*+/g, ''));
          }
          table = undefined;
        }
        break;
      case 'tr':
        if (!t.close) row = [];
        else if (row && table) {
          table.push(row);
          row = undefined;
        }
        break;
      case 'td':
      case 'th':
        if (!t.close) {
          cellParts = [];
          inline = '';
        } else if (cellParts && row) {
          const rest = flushInline();
          if (rest) cellParts.push(rest);
          row.push(cellParts.filter(Boolean).join(' ').replace(/\n/g, ' '));
          cellParts = undefined;
        }
        break;
      default:
        // a, u, sup, sub, img and anything else: keep the text, drop the tag.
        break;
    }
  }
  const rest = flushInline();
  if (rest) paragraphs.push({ text: rest });
  return { paragraphs, title, date };
}

/**
 * A paragraph's spacing, as the layouts need it, in one pass into one buffer (with regex
 * replacements a paragraph of millions of spaces held a piece per match: gigabytes). A run of
 * spaces and tabs next to a line break goes; a run holding a tab becomes one tab; three or more
 * spaces become two (so "Kari Nordmann   0:03" of Teams and "Speaker 1\t0:00" are told from a
 * sentence that ends in a time by that gap, layouts.ts); one or two spaces stay.
 */
export function collapseSpaces(s: string): string {
  const out = new Uint16Array(s.length);
  let n = 0;
  let changed = false;
  for (let i = 0; i < s.length; ) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09) {
      out[n++] = c;
      i++;
      continue;
    }
    let j = i;
    let tab = false;
    while (j < s.length && (s.charCodeAt(j) === 0x20 || s.charCodeAt(j) === 0x09)) {
      if (s.charCodeAt(j) === 0x09) tab = true;
      j++;
    }
    const len = j - i;
    const nearBreak = (i > 0 && s.charCodeAt(i - 1) === 0x0a) || (j < s.length && s.charCodeAt(j) === 0x0a);
    if (nearBreak) changed = true;
    else if (tab) {
      out[n++] = 0x09;
      if (len > 1) changed = true;
    } else {
      const keep = Math.min(len, 2);
      for (let k = 0; k < keep; k++) out[n++] = 0x20;
      if (keep !== len) changed = true;
    }
    i = j;
  }
  return changed ? new TextDecoder('utf-16le', { ignoreBOM: true }).decode(out.subarray(0, n)) : s;
}

function markdownTable(rows: string[][]): string {
  const width = Math.max(1, ...rows.map((r) => r.length));
  const cell = (s: string | undefined): string => (s ?? '').replace(/\|/g, '\\|');
  const line = (r: string[]): string => `| ${Array.from({ length: width }, (_, i) => cell(r[i])).join(' | ')} |`;
  const [head, ...body] = rows.length ? rows : [[]];
  return [line(head!), `|${' --- |'.repeat(width)}`, ...body.map(line)].join('\n');
}

/**
 * Refuses what Word never writes and what would make the XML parser slow, big or raw-erroring:
 * a DOCTYPE (entity declarations: billion laughs, external entities), references to entities
 * XML does not predefine, and more elements than `budget`. Returns the number of elements.
 */
function checkXml(part: string, text: string, budget: number): number {
  const lineAt = (i: number): number => {
    let line = 1;
    for (let j = text.indexOf('\n'); j !== -1 && j < i; j = text.indexOf('\n', j + 1)) line++;
    return line;
  };
  const doctype = /<!DOCTYPE|<!ENTITY/i.exec(text);
  if (doctype) throw new PartError(part, l10n.t('declares a DOCTYPE or entities, which Word documents never do'), lineAt(doctype.index));
  const entity = /&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)([^\s;<&]{0,40};?)/.exec(text);
  if (entity) throw new PartError(part, l10n.t('uses an unknown XML entity "&{0}"', String(entity[1])), lineAt(entity.index));
  // Start tags ("<" and a name character, not "</", "<?", "<!") and, as they cost as much in
  // xmldom, mammoth and our HTML reading, entity references and ">" written in text
  // (3 million "&amp;" took mammoth alone to 409 MB).
  let n = 0;
  let lt = 0;
  let gt = 0;
  const tooMany = (): PartError =>
    new PartError(part, l10n.t('has more than {0} XML elements and entities, more than the importer reads (an interview has a few tens of thousands); split the document', MAX_XML_ELEMENTS.toLocaleString('en')));
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3c) {
      lt++;
      const d = text.charCodeAt(i + 1);
      if (d !== 0x2f && d !== 0x3f && d !== 0x21) n++;
    } else if (c === 0x3e) gt++;
    else if (c === 0x26) n++;
    else continue;
    if (n + Math.max(0, gt - lt) > budget) throw tooMany();
  }
  return n + Math.max(0, gt - lt);
}

/**
 * The first place where tags do not nest, for the message when the XML parser fails (xmldom
 * reports no line through mammoth): a tag closed by the wrong end tag, an end tag with no
 * start, a "<" that starts no tag, or a start tag never closed (a part cut short).
 */
export function findXmlError(text: string): { line: number; message: string } | undefined {
  const lineAt = (i: number): number => {
    let line = 1;
    for (let j = text.indexOf('\n'); j !== -1 && j < i; j = text.indexOf('\n', j + 1)) line++;
    return line;
  };
  const stack: { name: string; at: number }[] = [];
  const re = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<[?!][^>]*>|<(\/?)([A-Za-z_][\w.:-]*)(?:\s(?:[^>"'/]|\/(?!>)|"[^"]*"|'[^']*')*)?(\/?)>|</g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0] === '<') return { line: lineAt(m.index), message: l10n.t('a "<" that starts no tag') };
    const name = m[2];
    if (name === undefined) continue; // comment, CDATA, declaration
    if (m[1] === '/') {
      const open = stack.pop();
      if (!open) return { line: lineAt(m.index), message: l10n.t('</{0}> closes nothing', name) };
      if (open.name !== name) return { line: lineAt(m.index), message: l10n.t('</{0}> where </{1}> was expected (<{1}> opened on line {2})', name, open.name, lineAt(open.at)) };
    } else if (m[3] !== '/') stack.push({ name, at: m.index });
  }
  const open = stack.pop();
  return open ? { line: lineAt(open.at), message: l10n.t('<{0}> is never closed (the part is cut short?)', open.name) } : undefined;
}

/** Mammoth's and xmldom's errors as one line without their internal markers. */
function describeMammothError(err: Error): string {
  const first = String(err.message ?? err).split('\n')[0]!;
  const cleaned = first
    .replace(/^(?:error|fatalError|warning):\s*/i, '')
    .replace(/\[xmldom (?:error|warning|fatalError)\]\s*/gi, '')
    .replace(/\s*@#\[line:[^\]]*\]/g, '')
    .trim();
  return /xmldom|@#\[line|^(?:error|fatalError):/i.test(first) ? l10n.t('its XML does not parse: {0}', cleaned) : cleaned;
}

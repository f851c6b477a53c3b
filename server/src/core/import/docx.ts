// Word documents (.docx) through mammoth: headings stay headings, bold and italic stay
// **bold** and *italic*, tables become Markdown tables, and paragraphs that start with a
// speaker label (`Intervjuer:` in bold or plain) become turns. Every word is kept.
import mammoth from 'mammoth';
import { unzipSync } from 'fflate';
import { checkSize, dateFromMetadata, ImportError, type ParsedSource } from './common';
import { paragraphsToSource, type LayoutOptions, type Paragraph } from './text';
import { decodeEntities } from './vtt';

/** Largest total uncompressed size of the parts of a .docx we are willing to open. */
const MAX_UNZIPPED = 512 * 1024 * 1024;

export async function parseDocx(fileName: string, bytes: Uint8Array, maxBytes: number, knownLabels: Set<string>, layout: LayoutOptions): Promise<ParsedSource> {
  checkSize(fileName, bytes, maxBytes);
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04)) {
    throw new ImportError(fileName, 'is not a Word document (.docx files are ZIP archives; this one is not)');
  }
  // Look into the archive before mammoth unpacks it: it must be a Word document, and not a zip bomb.
  let hasDocument = false;
  let total = 0;
  try {
    unzipSync(bytes, {
      filter(file) {
        total += file.originalSize;
        if (file.name === 'word/document.xml') hasDocument = true;
        return false;
      },
    });
  } catch (err) {
    throw new ImportError(fileName, `is a damaged ZIP archive (${(err as Error).message})`);
  }
  if (!hasDocument) throw new ImportError(fileName, 'is a ZIP archive but not a Word document (no word/document.xml)');
  if (total > MAX_UNZIPPED) throw new ImportError(fileName, `unpacks to ${Math.round(total / 1024 / 1024)} MB, over the limit of ${MAX_UNZIPPED / 1024 / 1024} MB`);

  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: bytes as unknown as Buffer },
      {
        externalFileAccess: false,
        // Images carry no transcript text; drop them instead of inlining data URIs.
        convertImage: mammoth.images.imgElement(async () => ({ src: '' })),
      },
    );
    html = result.value;
  } catch (err) {
    throw new ImportError(fileName, `could not be read as a Word document (${(err as Error).message})`);
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
    // Runs of spaces become two at most and tabs stay: "Kari Nordmann   0:03" (Teams) and
    // "Speaker 1\t0:00" are told from a sentence ending in a time by that gap (layouts.ts).
    const s = inline.replace(/[ \t]*\t[ \t]*/g, '\t').replace(/ {3,}/g, '  ').replace(/[ \t]*\n[ \t]*/g, '\n').trim();
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

function markdownTable(rows: string[][]): string {
  const width = Math.max(1, ...rows.map((r) => r.length));
  const cell = (s: string | undefined): string => (s ?? '').replace(/\|/g, '\\|');
  const line = (r: string[]): string => `| ${Array.from({ length: width }, (_, i) => cell(r[i])).join(' | ')} |`;
  const [head, ...body] = rows.length ? rows : [[]];
  return [line(head!), `|${' --- |'.repeat(width)}`, ...body.map(line)].join('\n');
}

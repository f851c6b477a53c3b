// Shared pieces of the transcript importers: the error type, the options, the intermediate
// form each reader produces and the result, byte decoding with the checks every text format
// needs, and small readers (cue blocks, dates, frontmatter). The writer of transcript Markdown
// is writer.ts.
import { Document, isMap, parseDocument } from 'yaml';
import { labelKey } from '../parse/turnGrammar';
import * as l10n from '../text/l10n';

// ImportError lives in core/model/errors.ts (the identifiers file's parser in core/parse throws it too).
import { ImportError } from '../model/errors';
import { yamlReason } from '../parse/yamlError';
export { ImportError };

/** No layout, or more than one, fits the file: the editor then offers the layouts to choose from. */
export class LayoutChoiceError extends ImportError {}

export type Language = 'nb' | 'en';

/** The layouts a transcript file may be written in (layouts.ts names and reads them). */
export type LayoutId =
  | 'labels'
  | 'diarised'
  | 'f4'
  | 'speaker-time'
  | 'teams-cues'
  | 'zoom-chat'
  | 'unlabelled'
  | 'webvtt'
  | 'srt';

export interface ImportOptions {
  /** Speaker label or real name in the source → label in the transcript (e.g. "Kari Nordmann" → "R2"). */
  speakers?: Record<string, string>;
  /** Labels or names of interviewers/moderators (not counted as informants). Added to the defaults. */
  interviewers?: string[];
  /** Language of generated titles and of the label that replaces an interviewer's real name. */
  language?: Language;
  /** Largest accepted input in bytes (default 50 MB). */
  maxBytes?: number;
  /** Overrides the title found in the source or made from the informants. */
  title?: string;
  /** Overrides the interview date found in the source (YYYY-MM-DD). */
  date?: string;
  /** The layout of a .txt, .md or .docx (layouts.ts); recognised from the file when not given. */
  layout?: LayoutId;
}

export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;
export const DEFAULT_INTERVIEWERS = ['Intervjuer', 'Intervjuar', 'Interviewer', 'I', 'M', 'Moderator'];

/** A paragraph of the source: a speaker turn, or other text kept as Markdown (headings, notes, tables). */
export type SourceBlock =
  | { kind: 'turn'; speaker: string; /** seconds */ time?: number; text: string }
  | { kind: 'text'; markdown: string };

/** What each format reader produces; index.ts maps speakers and writes the Markdown. */
export interface ParsedSource {
  /** Frontmatter the source already had (Markdown input), kept with its comments and order. */
  frontmatter?: Document;
  title?: string;
  /** YYYY-MM-DD */
  date?: string;
  blocks: SourceBlock[];
  /** The layout the file was read in. */
  layout?: LayoutId;
}

export interface ImportedSpeaker {
  /** The label as the source wrote it (a voice tag, a "Name:" prefix, a bold label). */
  source: string;
  /** The label written into the transcript (after the speaker mapping). */
  label: string;
  role: 'interviewer' | 'informant' | 'group';
  turns: number;
  words: number;
}

export interface ImportResult {
  /** Transcript Markdown in the format of DESIGN.md, ending with one newline. */
  markdown: string;
  title: string;
  date?: string;
  /** Every speaker found, in order of first appearance. */
  speakers: ImportedSpeaker[];
  /** Informant labels as written to the frontmatter. */
  informants: string[];
  turns: number;
  /** Words spoken in turns (after label and timestamp). */
  words: number;
  /** Real name → pseudonym for every mapped name that occurred in the source (for the identifiers file). */
  identifiers: Record<string, string>;
  /** The layout the source was read in (layouts.ts). */
  layout?: LayoutId;
  /** What the import changed besides the layout (characters replaced), one sentence each. */
  changes: string[];
}

/**
 * Decodes a text file: rejects empty, oversized, binary and invalid UTF-8 input; accepts a UTF-8
 * BOM and UTF-16 with a BOM (as Windows Notepad writes); normalises CRLF and CR to LF.
 */
export function decodeText(fileName: string, bytes: Uint8Array, maxBytes: number): string {
  checkSize(fileName, bytes, maxBytes);
  let text: string;
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    const encoding = bytes[0] === 0xff ? 'utf-16le' : 'utf-16be';
    try {
      text = new TextDecoder(encoding, { fatal: true }).decode(bytes.subarray(2));
    } catch {
      throw new ImportError(fileName, l10n.t('is not valid {0} text', encoding.toUpperCase()));
    }
  } else {
    if (bytes.includes(0)) throw new ImportError(fileName, l10n.t('is a binary file, not text (it contains NUL bytes)'));
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch {
      const at = firstInvalidUtf8(bytes);
      const line = lineOfByte(bytes, at);
      throw new ImportError(fileName, l10n.t('is not valid UTF-8 (bad byte 0x{0} at byte {1}); save it as UTF-8 and import again', String(bytes[at]?.toString(16).padStart(2, '0')), at), line);
    }
  }
  text = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (/[\u0000-\u0008\u000e-\u001f]/.test(text.slice(0, 8192)) && controlShare(text) > 0.01) {
    throw new ImportError(fileName, l10n.t('is a binary file, not text'));
  }
  if (text.trim() === '') throw new ImportError(fileName, l10n.t('is empty'));
  return text;
}

export function checkSize(fileName: string, bytes: Uint8Array, maxBytes: number): void {
  if (bytes.length === 0) throw new ImportError(fileName, l10n.t('is empty'));
  if (bytes.length > maxBytes) {
    throw new ImportError(fileName, l10n.t('is {0}, over the import limit of {1}', formatBytes(bytes.length), formatBytes(maxBytes)));
  }
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} kB`;
  return l10n.t('{0} bytes', n);
}

function controlShare(text: string): number {
  const sample = text.slice(0, 8192);
  const controls = sample.match(/[\u0000-\u0008\u000e-\u001f]/g)?.length ?? 0;
  return controls / sample.length;
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) if (i + k >= bytes.length || (bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return Math.max(0, bytes.length - 1);
}

function lineOfByte(bytes: Uint8Array, at: number): number {
  let line = 1;
  for (let i = 0; i < at; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** The blank-line separated blocks of lines from line `from` on (cues of VTT and SRT), with the 0-based line each starts on. */
export function* lineBlocks(lines: readonly string[], from = 0): Generator<{ start: number; block: string[] }> {
  let i = from;
  while (i < lines.length) {
    while (i < lines.length && lines[i]!.trim() === '') i++;
    if (i >= lines.length) break;
    const start = i;
    const block: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '') block.push(lines[i++]!);
    yield { start, block };
  }
}

/** "12.02.2024", "12/02/2024", "2024-02-12" → "2024-02-12"; undefined when not a date. */
export function normaliseDate(s: string): string | undefined {
  const t = s.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})\b/.exec(t);
  if (m) return validDate(m[1]!, m[2]!, m[3]!);
  m = /^(\d{1,2})[./](\d{1,2})[./](\d{4})\b/.exec(t);
  if (m) return validDate(m[3]!, m[2]!.padStart(2, '0'), m[1]!.padStart(2, '0'));
  return undefined;
}

function validDate(y: string, mo: string, d: string): string | undefined {
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return `${y}-${mo}-${d}`;
}

const DATE_KEYS = new Set(['dato', 'date', 'intervjudato', 'interview date', 'dato for intervju']);

/** The date of "Dato: 12.02.2024"-style metadata, if the key names a date. */
export function dateFromMetadata(key: string, value: string): string | undefined {
  return DATE_KEYS.has(labelKey(key.replace(/:$/, ''))) ? normaliseDate(value) : undefined;
}

/** Splits `---\nyaml\n---\n` frontmatter from a Markdown text; throws with the line on bad YAML. */
export function splitFrontmatter(fileName: string, text: string): { frontmatter?: Document; body: string; bodyLine: number } {
  const m = /^---\n([\s\S]*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)/.exec(text);
  if (!m) return { body: text, bodyLine: 1 };
  const doc = parseDocument(m[1]!);
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    throw new ImportError(fileName, l10n.t('frontmatter is not valid YAML: {0}', yamlReason(err)), (err.linePos?.[0]?.line ?? 0) + 1);
  }
  if (doc.contents !== null && !isMap(doc.contents)) throw new ImportError(fileName, l10n.t('frontmatter is not a YAML mapping (key: value lines)'), 2);
  // Aliases that expand exponentially ("billion laughs") would be copied into the transcript and
  // blow up every reader after it: expanding them once, with yaml's cap, tells.
  try {
    doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    if (/alias/i.test((err as Error).message)) {
      throw new ImportError(fileName, l10n.t('frontmatter is refused: its YAML aliases (*name) expand to an enormous document (a "billion laughs" attack); remove the aliases and import again'), 2);
    }
    throw new ImportError(fileName, l10n.t('frontmatter is not valid YAML: {0}', yamlReason(err)), 2);
  }
  const bodyLine = m[0].split('\n').length - (m[0].endsWith('\n') ? 1 : 0) + 1;
  return { frontmatter: doc, body: text.slice(m[0].length), bodyLine };
}

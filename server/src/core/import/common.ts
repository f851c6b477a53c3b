// Shared pieces of the transcript importers: the error type, byte decoding with the checks
// every text format needs, the intermediate form each reader produces, speaker roles and
// the writer of transcript Markdown (DESIGN.md "Transcripts").
import { Document, isMap, parseDocument, YAMLSeq } from 'yaml';
import { labelKey, matchTurnLabel } from '../parse/turnGrammar';
import type { LayoutId } from './layouts';

/** Bad input. The message always starts with the file name (and line when known). */
export class ImportError extends Error {
  constructor(
    readonly fileName: string,
    readonly detail: string,
    readonly line?: number,
  ) {
    super(`${fileName}${line !== undefined ? `:${line}` : ''}: ${detail}`);
    this.name = 'ImportError';
  }
}

export type Language = 'nb' | 'en';

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
/** Labels that stand for several people or nobody in particular: neither interviewer nor informant. */
export const GROUP_LABELS = ['Flere', 'Alle', 'Several', 'All', 'Ukjent', 'Unknown'];

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
      throw new ImportError(fileName, `is not valid ${encoding.toUpperCase()} text`);
    }
  } else {
    if (bytes.includes(0)) throw new ImportError(fileName, 'is a binary file, not text (it contains NUL bytes)');
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch {
      const at = firstInvalidUtf8(bytes);
      const line = lineOfByte(bytes, at);
      throw new ImportError(fileName, `is not valid UTF-8 (bad byte 0x${bytes[at]?.toString(16).padStart(2, '0')} at byte ${at}); save it as UTF-8 and import again`, line);
    }
  }
  text = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (/[\u0000-\u0008\u000e-\u001f]/.test(text.slice(0, 8192)) && controlShare(text) > 0.01) {
    throw new ImportError(fileName, 'is a binary file, not text');
  }
  if (text.trim() === '') throw new ImportError(fileName, 'is empty');
  return text;
}

export function checkSize(fileName: string, bytes: Uint8Array, maxBytes: number): void {
  if (bytes.length === 0) throw new ImportError(fileName, 'is empty');
  if (bytes.length > maxBytes) {
    throw new ImportError(fileName, `is ${formatBytes(bytes.length)}, over the import limit of ${formatBytes(maxBytes)}`);
  }
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${n} bytes`;
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

/** Words as the whole project counts them: runs of non-whitespace. */
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

export function countWords(text: string): number {
  // Counted match by match: text.match(/\S+/g) held every word at once (a 16 MB paragraph: 700 MB).
  const re = /\S+/g;
  let n = 0;
  while (re.exec(text)) n++;
  return n;
}

/**
 * Collapses runs of spaces, tabs and line breaks to one space and trims them. Only those: a
 * no-break space ("10\u00a0%", "s.\u00a03") or a thin space is the transcriber's and stays.
 */
export function oneLine(text: string): string {
  // One pass into one buffer: V8's replace(/\s+/g, ' ') result held ~28 bytes per match
  // (a 16 MB turn of millions of words: 450 MB).
  const out = new Uint16Array(text.length);
  let n = 0;
  let space = false;
  let otherSpace = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isAsciiSpace(c)) {
      space = true;
      if (c !== 0x20) otherSpace = true;
    } else {
      if (space && n > 0) out[n++] = 0x20;
      space = false;
      out[n++] = c;
    }
  }
  return n === text.length && !otherSpace ? text : new TextDecoder('utf-16le', { ignoreBOM: true }).decode(out.subarray(0, n));
}

/** Spaces, tabs and line breaks; no-break and other Unicode spaces are kept (issue 14.2). */
function isAsciiSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** Trims spaces, tabs and line breaks, keeping no-break and other Unicode spaces. */
export function asciiTrim(text: string): string {
  return text.replace(/^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g, '');
}

const SEPARATORS = /[\u2028\u2029]/g;

/** "hh:mm:ss" of a time in seconds (fractions dropped: the second the cue starts in). */
export function formatTimestamp(seconds: number): string {
  const s = Math.floor(seconds + 1e-9);
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  return `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')}`;
}

/** Parses "hh:mm:ss(.fff)", "mm:ss(.fff)" with "." or "," before the fraction; undefined if malformed. */
export function parseClock(s: string): number | undefined {
  const m = /^(?:(\d+):)?([0-5]?\d):([0-5]\d)(?:[.,](\d{1,3}))?$/.exec(s.trim());
  if (!m) return undefined;
  const h = m[1] ? Number(m[1]) : 0;
  const frac = m[4] ? Number(m[4].padEnd(3, '0')) / 1000 : 0;
  return h * 3600 + Number(m[2]) * 60 + Number(m[3]) + frac;
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

export { labelKey };

const DATE_KEYS = new Set(['dato', 'date', 'intervjudato', 'interview date', 'dato for intervju']);

/** The date of "Dato: 12.02.2024"-style metadata, if the key names a date. */
export function dateFromMetadata(key: string, value: string): string | undefined {
  return DATE_KEYS.has(labelKey(key.replace(/:$/, ''))) ? normaliseDate(value) : undefined;
}

interface ResolvedSpeaker extends ImportedSpeaker {
  key: string;
}

/**
 * Applies the speaker mapping and roles, and writes the transcript Markdown:
 * frontmatter (title, date, source, informants; existing keys kept), then the blocks separated
 * by one blank line, turns as `**Label:** [hh:mm:ss] text`.
 */
export function writeTranscript(fileName: string, parsed: ParsedSource, options: ImportOptions): ImportResult {
  const language = options.language ?? 'nb';
  const mapping = new Map<string, { from: string; to: string }>();
  for (const [from, to] of Object.entries(options.speakers ?? {})) {
    if (to.trim() === '') throw new ImportError(fileName, `the speaker mapping for "${from}" has no label`);
    mapping.set(labelKey(from), { from, to: to.trim() });
  }
  const interviewerKeys = new Set([...DEFAULT_INTERVIEWERS, ...(options.interviewers ?? [])].map(labelKey));
  const genericInterviewer = new Set(DEFAULT_INTERVIEWERS.map(labelKey));
  const groupKeys = new Set(GROUP_LABELS.map(labelKey));
  const interviewerLabel = language === 'en' ? 'Interviewer' : 'Intervjuer';

  const speakers = new Map<string, ResolvedSpeaker>();
  const identifiers: Record<string, string> = {};
  const resolve = (source: string): ResolvedSpeaker => {
    const key = labelKey(source);
    let sp = speakers.get(key);
    if (sp) return sp;
    const mapped = mapping.get(key);
    let label = mapped ? mapped.to : source.trim();
    let role: ImportedSpeaker['role'];
    if (interviewerKeys.has(key) || interviewerKeys.has(labelKey(label))) {
      role = 'interviewer';
      // A named interviewer ("--interviewer 'Ingrid Haugland'") gets the generic label unless mapped.
      if (!mapped && !genericInterviewer.has(key)) label = interviewerLabel;
    } else if (groupKeys.has(key) || groupKeys.has(labelKey(label))) role = 'group';
    else role = 'informant';
    if (labelKey(label) !== key) identifiers[source.trim()] = label;
    sp = { key, source: source.trim(), label, role, turns: 0, words: 0 };
    speakers.set(key, sp);
    return sp;
  };

  const paragraphs: string[] = [];
  let turns = 0;
  let words = 0;
  // Unicode line and paragraph separators are line breaks to a transcriber, but an editor shows
  // them as unusual line terminators (VS Code offers to remove them): they become line breaks
  // (a space inside a turn), and the result says so.
  let separators = 0;
  const lines = (s: string): string =>
    s.replace(SEPARATORS, () => {
      separators++;
      return '\n';
    });
  for (const block of parsed.blocks) {
    if (block.kind === 'text') {
      const md = asciiTrim(lines(block.markdown));
      if (md !== '') paragraphs.push(md);
      continue;
    }
    const text = oneLine(lines(block.text));
    const sp = resolve(block.speaker);
    const n = countWords(text);
    sp.turns++;
    sp.words += n;
    turns++;
    words += n;
    const ts = block.time !== undefined ? ` [${formatTimestamp(block.time)}]` : '';
    paragraphs.push(`**${sp.label}:**${ts}${text ? ' ' + text : ''}`);
  }
  if (turns === 0) throw new ImportError(fileName, 'has no speaker turns (expected paragraphs that start with a label such as "Intervjuer:")');

  const speakerList = [...speakers.values()].map(({ key: _key, ...rest }) => rest);
  const informants: string[] = [];
  for (const sp of speakerList) if (sp.role === 'informant' && !informants.includes(sp.label)) informants.push(sp.label);
  informants.sort((a, b) => a.localeCompare(b, 'nb', { numeric: true }));

  const date = options.date ?? parsed.date;
  const fm = parsed.frontmatter ?? new Document({});
  if (!isMap(fm.contents)) fm.contents = fm.createNode({}) as typeof fm.contents;
  const existingTitle = fm.get('title');
  const title =
    options.title ??
    (typeof existingTitle === 'string' && existingTitle.trim() ? existingTitle : undefined) ??
    parsed.title ??
    defaultTitle(informants, language);
  fm.set('title', title);
  if (date !== undefined) fm.set('date', date);
  if (!fm.has('source')) fm.set('source', baseName(fileName));
  const seq = new YAMLSeq();
  seq.flow = true;
  for (const i of informants) seq.add(fm.createNode(i));
  fm.set('informants', seq);
  // Keep the order title, date, source, informants for new frontmatter (Document({}) sets in call order).
  const fmText = fm.toString({ lineWidth: 0, flowCollectionPadding: false }).replace(/\n+$/, '');

  const markdown = `---\n${fmText}\n---\n${paragraphs.join('\n\n')}\n`;
  const changes: string[] = [];
  if (separators > 0) changes.push(`${separators} Unicode line or paragraph separator${separators === 1 ? '' : 's'} (U+2028/U+2029) became line breaks (a space inside a turn)`);
  return { markdown, title, date, speakers: speakerList, informants, turns, words, identifiers, layout: parsed.layout, changes };
}

function defaultTitle(informants: string[], language: Language): string {
  const who = informants.length === 0 ? '' : informants.length === 1 ? informants[0]! : `${informants.slice(0, -1).join(', ')} ${language === 'en' ? 'and' : 'og'} ${informants[informants.length - 1]}`;
  if (language === 'en') return who ? `Interview with ${who}` : 'Interview';
  return who ? `Intervju med ${who}` : 'Intervju';
}

export function baseName(fileName: string): string {
  const parts = fileName.split(/[\\/]/);
  return parts[parts.length - 1] ?? fileName;
}

/** Splits `---\nyaml\n---\n` frontmatter from a Markdown text; throws with the line on bad YAML. */
export function splitFrontmatter(fileName: string, text: string): { frontmatter?: Document; body: string; bodyLine: number } {
  const m = /^---\n([\s\S]*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)/.exec(text);
  if (!m) return { body: text, bodyLine: 1 };
  const doc = parseDocument(m[1]!);
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    throw new ImportError(fileName, `frontmatter is not valid YAML: ${err.message.split('\n')[0]}`, (err.linePos?.[0]?.line ?? 0) + 1);
  }
  if (doc.contents !== null && !isMap(doc.contents)) throw new ImportError(fileName, 'frontmatter is not a YAML mapping (key: value lines)', 2);
  // Aliases that expand exponentially ("billion laughs") would be copied into the transcript and
  // blow up every reader after it: expanding them once, with yaml's cap, tells.
  try {
    doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    if (/alias/i.test((err as Error).message)) {
      throw new ImportError(fileName, 'frontmatter is refused: its YAML aliases (*name) expand to an enormous document (a "billion laughs" attack); remove the aliases and import again', 2);
    }
    throw new ImportError(fileName, `frontmatter is not valid YAML: ${(err as Error).message.split('\n')[0]}`, 2);
  }
  const bodyLine = m[0].split('\n').length - (m[0].endsWith('\n') ? 1 : 0) + 1;
  return { frontmatter: doc, body: text.slice(m[0].length), bodyLine };
}

/**
 * The label of a speaker turn at the start of a paragraph or cue text, in the project's one turn
 * grammar (core/parse/turnGrammar.ts): `Label:`, `**Label:**` or `**Label**:`, optionally indented and
 * with a `[hh:mm:ss]` timestamp before or after it. Returns undefined when it is not a turn.
 */
export function matchTurnStart(paragraph: string): { label: string; time?: number; rest: string } | undefined {
  const eol = paragraph.search(/[\r\n]/);
  const t = matchTurnLabel(eol < 0 ? paragraph : paragraph.slice(0, eol));
  return t ? { label: t.label, time: t.time, rest: paragraph.slice(t.textStart) } : undefined;
}

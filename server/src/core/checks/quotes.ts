// Quotes in thesis chapters: finding them in the Markdown, checking them word for word
// against their source in a transcript, and formatting new ones in the project's quote style.
//
// A quote is «text» (REF) or “text” (REF) inline, or a block quote (`> text (REF)`), with an
// optional hidden anchor `<!--qda:ID-->` naming the coding it came from. Matching rules:
// - the quote's words must occur in the source in order; between two ellipsis marks
//   (`(...)`, `[...]`, `…`, `...`) the words must follow each other in the source, and text
//   may be left out before the first and after the last word;
// - case, whitespace, line breaks, punctuation and typographic quote marks are free;
// - `[editorial insertions]` in the quote and `(ler)`-style annotations and `[00:01:23]`
//   timestamps in either are not words; speaker labels are never part of the source;
// - the matched words must all be one speaker's (two turns of one speaker are fine).
import type { Coding, OffsetRange, QdaDiagnostic, SpeakerTurn, Transcript } from '../model/model';
import type { CodingInfo, Project } from '../project/project';
import type { OffsetEdit } from '../parse/codings';
import type { QuoteStyle } from '../parse/config';
import { turnsOverlapping } from '../parse/transcript';
import { countWords, normalizeName } from '../text/text';

// ---- finding quotes in a chapter --------------------------------------------------------

export interface ChapterQuote {
  form: 'inline' | 'block';
  /** The whole quote: opening mark (or the first `>`) to the end of the anchor or reference. */
  range: OffsetRange;
  /** The quoted words: inside the quote marks; in a block, the content before the reference. */
  textRange: OffsetRange;
  /** Chapter text at textRange (block quotes still carry their `>` markers). */
  text: string;
  open?: string;
  close?: string;
  /** The informant reference: the text in the parentheses before any comma. */
  informant?: string;
  /** Range of the informant label inside the parentheses. */
  informantRange?: OffsetRange;
  /** Range of the whole `(…)` reference. */
  refRange?: OffsetRange;
  anchorId?: string;
  anchorRange?: OffsetRange;
}

const CLOSE_OF: Record<string, string> = { '«': '»', '“': '”', '"': '"' };
const ANCHOR_AFTER = /^[ \t]*<!--\s*qda:([A-Za-z0-9_-]+)\s*-->/;
const REF_AFTER = /^[ \t]*(?:\r?\n[ \t]*)?\(([^()\n]{1,80})\)/;
const MAX_INLINE = 4000;

/** Ranges a reader never sees as prose: frontmatter, fenced code, inline code, other HTML comments. */
function maskedText(text: string): string {
  const chars = text.split('');
  const blank = (from: number, to: number): void => {
    for (let i = from; i < to; i++) if (chars[i] !== '\n') chars[i] = ' ';
  };
  const fm = /^---\r?\n[\s\S]*?\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(text);
  if (fm) blank(0, fm[0].length);
  const fence = /^[ \t]{0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^[ \t]{0,3}\1[ \t]*$|(?![\s\S]))/gm;
  for (let m = fence.exec(text); m; m = fence.exec(text)) blank(m.index, m.index + m[0].length);
  const code = /(`+)[^`\n][\s\S]*?\1/g;
  const masked1 = chars.join('');
  for (let m = code.exec(masked1); m; m = code.exec(masked1)) if (!m[0].includes('\n\n')) blank(m.index, m.index + m[0].length);
  const comment = /<!--[\s\S]*?-->/g;
  for (let m = comment.exec(text); m; m = comment.exec(text)) if (!/^<!--\s*qda:[A-Za-z0-9_-]+\s*-->$/.test(m[0])) blank(m.index, m.index + m[0].length);
  return chars.join('');
}

function refParts(text: string, refStart: number, inner: string): { informant: string; informantRange: OffsetRange } {
  const cut = inner.search(/[,;]/);
  const head = cut === -1 ? inner : inner.slice(0, cut);
  const lead = head.length - head.trimStart().length;
  const label = head.trim();
  const s = refStart + 1 + lead;
  return { informant: label, informantRange: { start: s, end: s + label.length } };
}

/** Every inline and block quote of a chapter that has an informant reference or an anchor. */
export function findQuotes(text: string): ChapterQuote[] {
  const masked = maskedText(text);
  const quotes: ChapterQuote[] = [];
  const blocks: OffsetRange[] = [];

  // Block quotes: runs of lines starting with `>`; the reference ends the run.
  const lineRe = /^.*$/gm;
  let run: { start: number; end: number } | undefined;
  const closeRun = (): void => {
    if (!run) return;
    const r = run;
    run = undefined;
    const body = masked.slice(r.start, r.end);
    const tail = /(?:\(([^()\n]{1,80})\))?[ \t]*(?:<!--\s*qda:([A-Za-z0-9_-]+)\s*-->)?[ \t]*$/.exec(body);
    if (!tail || (tail[1] === undefined && tail[2] === undefined)) return;
    const contentStart = r.start + /^[ \t]{0,3}>[ \t]?[ \t]*/.exec(body)![0].length;
    const tailStart = r.start + tail.index;
    let textStart = contentStart;
    let textEnd = tailStart;
    while (textEnd > textStart && /\s/.test(text[textEnd - 1])) textEnd--;
    let open: string | undefined;
    let close: string | undefined;
    const first = text[textStart];
    if (first in CLOSE_OF && text[textEnd - 1] === CLOSE_OF[first] && textEnd - textStart > 1) {
      open = first;
      close = CLOSE_OF[first];
      textStart++;
      textEnd--;
    }
    const q: ChapterQuote = { form: 'block', range: { start: r.start, end: r.end }, textRange: { start: textStart, end: textEnd }, text: text.slice(textStart, textEnd), open, close };
    if (tail[1] !== undefined) {
      const refStart = tailStart + tail[0].indexOf('(');
      q.refRange = { start: refStart, end: refStart + tail[1].length + 2 };
      Object.assign(q, refParts(text, refStart, tail[1]));
    }
    if (tail[2] !== undefined) {
      const a = tail[0].indexOf('<!--');
      const aEnd = tail[0].indexOf('-->', a) + 3;
      q.anchorId = tail[2];
      q.anchorRange = { start: tailStart + a, end: tailStart + aEnd };
    }
    let end = r.end;
    while (end > r.start && /[ \t]/.test(text[end - 1])) end--;
    q.range.end = end;
    quotes.push(q);
    blocks.push(q.range);
  };
  for (let m = lineRe.exec(masked); m; m = lineRe.exec(masked)) {
    if (m[0].length === 0 && lineRe.lastIndex === m.index) lineRe.lastIndex++;
    const isQuoteLine = /^[ \t]{0,3}>/.test(m[0]);
    const contentBlank = /^[ \t]{0,3}>[\s>]*$/.test(m[0]);
    if (isQuoteLine && !contentBlank) {
      if (!run) run = { start: m.index, end: m.index + m[0].replace(/\r$/, '').length };
      else run.end = m.index + m[0].replace(/\r$/, '').length;
    } else if (isQuoteLine && contentBlank && run) {
      // `>` alone separates paragraphs inside one block quote: keep the run.
    } else closeRun();
  }
  closeRun();

  // Inline quotes: «…», “…” or "…", then (REF) and/or an anchor.
  const inBlock = (i: number): boolean => blocks.some((b) => b.start <= i && i < b.end);
  for (let i = 0; i < masked.length; i++) {
    const open = masked[i];
    const close = CLOSE_OF[open];
    if (close === undefined || inBlock(i)) continue;
    let depth = 0;
    let j = -1;
    for (let k = i + 1; k < masked.length && k - i < MAX_INLINE; k++) {
      const c = masked[k];
      if (c === '\n' && /^\n[ \t]*\r?\n/.test(masked.slice(k, k + 80))) break; // paragraph end
      if (open !== close && c === open) depth++;
      else if (c === close) {
        if (depth === 0) {
          j = k;
          break;
        }
        depth--;
      }
    }
    if (j === -1) continue;
    let end = j + 1;
    const q: ChapterQuote = { form: 'inline', range: { start: i, end }, textRange: { start: i + 1, end: j }, text: text.slice(i + 1, j), open, close };
    const ref = REF_AFTER.exec(masked.slice(end, end + 120));
    if (ref) {
      const refStart = end + ref[0].length - ref[1].length - 2;
      q.refRange = { start: refStart, end: end + ref[0].length };
      Object.assign(q, refParts(text, refStart, ref[1]));
      end += ref[0].length;
    }
    const anchor = ANCHOR_AFTER.exec(text.slice(end, end + 80));
    if (anchor) {
      q.anchorId = anchor[1];
      q.anchorRange = { start: end + anchor[0].indexOf('<!--'), end: end + anchor[0].length };
      end += anchor[0].length;
    }
    if (q.refRange === undefined && q.anchorId === undefined) continue;
    if (open === '"' && q.anchorId === undefined && countWords(q.text) < 2) continue;
    q.range.end = end;
    quotes.push(q);
    i = end - 1;
  }
  return quotes.sort((a, b) => a.range.start - b.range.start);
}

// ---- words -------------------------------------------------------------------------------

export interface Word {
  /** Normalised form: NFC, lower case, one kind of apostrophe. */
  w: string;
  start: number;
  end: number;
  /** Speaker label of the turn the word is in (source words only). */
  speaker?: string;
}

const WORD_SRC = '[\\p{L}\\p{N}][\\p{L}\\p{N}\\p{M}\'’\\-]*';
const ELLIPSIS_SRC = '\\(\\s*(?:\\.{2,}|…)\\s*\\)|\\[\\s*(?:\\.{2,}|…)\\s*\\]|…|\\.{3,}';
/** Non-words in a source: `(ler)`, `(pause)`, `[00:01:23]`, `[uklart]`. */
const SOURCE_TOKEN = new RegExp(`\\[[^\\]\\n]{0,80}\\]|\\([^)\\n]{0,80}\\)|${WORD_SRC}`, 'gu');
const QUOTE_TOKEN = new RegExp(`(${ELLIPSIS_SRC})|\\[[^\\]\\n]{0,80}\\]|\\([^)\\n]{0,80}\\)|${WORD_SRC}`, 'gu');
const TIMESTAMP = /\[\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\]/g;

function norm(w: string): string {
  return w.normalize('NFC').toLocaleLowerCase('nb').replace(/’/g, "'").replace(/['\-]+$/, '');
}

function sourceWordsOf(text: string, from: number, to: number, speaker: string | undefined, out: Word[]): void {
  const re = new RegExp(SOURCE_TOKEN.source, 'gu');
  re.lastIndex = from;
  for (let m = re.exec(text); m && m.index < to; m = re.exec(text)) {
    const c = m[0][0];
    if (c === '[' || c === '(') continue;
    out.push({ w: norm(m[0]), start: m.index, end: m.index + m[0].length, speaker });
  }
}

/** A quote's words, split into runs at each ellipsis mark. */
export function quoteSegments(text: string, offset = 0): Word[][] {
  const segs: Word[][] = [[]];
  const re = new RegExp(QUOTE_TOKEN.source, 'gu');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1] !== undefined) {
      segs.push([]);
      continue;
    }
    const c = m[0][0];
    if (c === '[' || c === '(') continue;
    segs[segs.length - 1].push({ w: norm(m[0]), start: offset + m.index, end: offset + m.index + m[0].length });
  }
  return segs.filter((s) => s.length > 0);
}

/** The spoken words of a transcript range: speaker labels and timestamps are skipped. */
export function sourceWords(text: string, transcript: Transcript | undefined, start: number, end: number): Word[] {
  const out: Word[] = [];
  if (!transcript || transcript.turns.length === 0) {
    sourceWordsOf(text, start, end, undefined, out);
    return out;
  }
  const turns = turnsOverlapping(transcript.turns, start, end);
  if (turns.length === 0 || start < turns[0].start) sourceWordsOf(text, start, Math.min(end, turns[0]?.start ?? end), undefined, out);
  for (const t of turns) {
    const s = Math.max(start, t.textStart);
    const e = Math.min(end, t.end);
    if (s < e) sourceWordsOf(text, s, e, t.label, out);
  }
  return out;
}

export type MatchResult =
  | { ok: true; first: number; last: number; words: Word[] }
  | { ok: false; /** The first quote word that is not in the source where it should be. */ word: Word; /** What the source has there instead (if anything). */ expected?: Word; /** The last quote word that matched before it. */ after?: Word };

function runAt(src: Word[], seg: Word[], i: number, len = seg.length): boolean {
  if (i + len > src.length) return false;
  for (let k = 0; k < len; k++) if (src[i + k].w !== seg[k].w) return false;
  return true;
}

/** Matches quote segments against source words (greedy leftmost is optimal here). */
export function matchWords(src: Word[], segs: Word[][]): MatchResult {
  let pos = 0;
  let first = -1;
  let after: Word | undefined;
  for (const seg of segs) {
    let found = -1;
    for (let i = pos; i + seg.length <= src.length; i++) {
      if (runAt(src, seg, i)) {
        found = i;
        break;
      }
    }
    if (found === -1) {
      // Report where it goes wrong: the longest start of this run found in the source.
      let bestLen = 0;
      let bestAt = -1;
      for (let len = seg.length - 1; len >= 1 && bestAt === -1; len--) {
        for (let i = pos; i + len <= src.length; i++) {
          if (runAt(src, seg, i, len)) {
            bestAt = i;
            bestLen = len;
            break;
          }
        }
      }
      if (bestAt === -1) return { ok: false, word: seg[0], after, expected: first === -1 ? src[pos] : undefined };
      return { ok: false, word: seg[bestLen], after: seg[bestLen - 1], expected: src[bestAt + bestLen] };
    }
    if (first === -1) first = found;
    pos = found + seg.length;
    after = seg[seg.length - 1];
  }
  if (first === -1) return { ok: false, word: { w: '', start: 0, end: 0 } };
  return { ok: true, first, last: pos - 1, words: src.slice(first, pos) };
}

// ---- resolving the quotes of a project ---------------------------------------------------

export type QuoteStatus = 'ok' | 'mismatch' | 'wrongInformant' | 'crossSpeakers' | 'missingCoding' | 'unanchored' | 'noSource';

export interface QuoteSource {
  doc: string;
  /** The matched words in the transcript (first word's start to last word's end). */
  start: number;
  end: number;
  speakers: string[];
}

export interface ResolvedQuote {
  path: string;
  quote: ChapterQuote;
  status: QuoteStatus;
  /** The anchored coding (when the anchor resolves). */
  coding?: CodingInfo;
  /** Where the quote's words are in a transcript, when they were found. */
  source?: QuoteSource;
  /** The speaker the source gives, when it differs from the reference. */
  expectedInformant?: string;
  /** Codings that cover the found source passage (for linking an unanchored quote). */
  candidates?: CodingInfo[];
  message?: string;
}

interface Run {
  speaker: string;
  words: Word[];
}

const runCache = new WeakMap<Transcript, { text: string; runs: Run[] }>();

/** A transcript's words in runs of consecutive turns by one speaker. */
function speakerRuns(project: Project, transcript: Transcript): Run[] {
  const text = project.texts.get(transcript.path) ?? '';
  const cached = runCache.get(transcript);
  if (cached && cached.text === text) {
    // Equal text, perhaps another string object: hold the current one (next time a pointer
    // comparison instead of one character by character).
    cached.text = text;
    return cached.runs;
  }
  const runs: Run[] = [];
  let current: Run | undefined;
  for (const t of transcript.turns) {
    if (!current || current.speaker !== t.label) runs.push((current = { speaker: t.label, words: [] }));
    sourceWordsOf(text, t.textStart, t.end, t.label, current.words);
  }
  runCache.set(transcript, { text, runs });
  return runs;
}

function quoteSegmentsOf(q: ChapterQuote): Word[][] {
  return quoteSegments(q.text, q.textRange.start);
}

/** Searches transcripts for a quote: in the named informant's words first, then anyone's. */
function searchTranscripts(project: Project, segs: Word[][], informant: string | undefined, docs?: string[]): QuoteSource | undefined {
  const transcripts = docs ? docs.map((d) => project.transcripts.get(d)).filter((t): t is Transcript => t !== undefined) : [...project.transcripts.values()];
  const want = informant ? normalizeName(informant) : undefined;
  let other: QuoteSource | undefined;
  for (const t of transcripts.sort((a, b) => (a.path < b.path ? -1 : 1))) {
    for (const run of speakerRuns(project, t)) {
      const named = want !== undefined && normalizeName(run.speaker) === want;
      if (!named && other) continue;
      const m = matchWords(run.words, segs);
      if (!m.ok) continue;
      const source = { doc: t.path, start: m.words[0].start, end: m.words[m.words.length - 1].end, speakers: [run.speaker] };
      if (named) return source;
      other = source;
    }
  }
  return other;
}

function resolveQuote(project: Project, path: string, q: ChapterQuote, knownInformants: Set<string>): ResolvedQuote | undefined {
  const segs = quoteSegmentsOf(q);
  if (q.anchorId === undefined) {
    if (!q.informant || !knownInformants.has(normalizeName(q.informant)) || segs.length === 0) return undefined;
    const source = searchTranscripts(project, segs, q.informant);
    if (!source) return { path, quote: q, status: 'noSource', message: `This quote from ${q.informant} matches no transcript of the project.` };
    if (normalizeName(source.speakers[0]) !== normalizeName(q.informant)) {
      return { path, quote: q, status: 'wrongInformant', source, expectedInformant: source.speakers[0], message: `This quote is ${source.speakers[0]}'s words in ${source.doc}, not ${q.informant}'s.` };
    }
    const candidates = project.codingsOfDoc(source.doc).filter((i) => i.anchored && i.coding.start <= source.start && i.coding.end >= source.end);
    const where = candidates.length > 0 ? `coded ${[...new Set(candidates.map((c) => `'${c.coding.code}'`))].join(', ')}` : 'not coded yet';
    return { path, quote: q, status: 'unanchored', source, candidates, message: `Quote found in ${source.doc} (${where}) but not linked to its coding.` };
  }
  const info = project.codingById(q.anchorId);
  if (!info) return { path, quote: q, status: 'missingCoding', message: `The anchor <!--qda:${q.anchorId}--> points to a coding that does not exist (deleted, or in a codings file that is gone).` };
  const c = info.coding;
  const text = project.texts.get(c.doc);
  const transcript = project.transcripts.get(c.doc);
  if (!info.anchored || text === undefined) {
    // The coding lost its place: the quote can still be found in the coding's transcript.
    const found = text !== undefined && segs.length > 0 ? searchTranscripts(project, segs, q.informant, [c.doc]) : undefined;
    if (found) return withInformant(project, { path, quote: q, status: 'ok', coding: info, source: found });
    return { path, quote: q, status: 'mismatch', coding: info, message: `The quote's words are not in ${c.doc} any more (coding ${c.id}, ${c.code}, lost its place there). Update the quote or re-attach the coding.` };
  }
  const src = sourceWords(text, transcript, c.start, c.end);
  if (segs.length === 0) return { path, quote: q, status: 'mismatch', coding: info, message: 'The quote has no words.' };
  const m = matchWords(src, segs);
  if (!m.ok) {
    const said = m.expected ? ` (the source has “${text.slice(m.expected.start, m.expected.end)}”${m.after ? ` after “${chapterWord(q, m.after)}”` : ''})` : '';
    return {
      path,
      quote: q,
      status: 'mismatch',
      coding: info,
      message: `The quote does not match coding ${c.id} (${c.code}) in ${c.doc}: “${chapterWord(q, m.word)}” is not in the source where the quote has it${said}. Mark left-out text with (...).`,
    };
  }
  const speakers = [...new Set(m.words.map((w) => w.speaker).filter((s): s is string => s !== undefined))];
  const source: QuoteSource = { doc: c.doc, start: m.words[0].start, end: m.words[m.words.length - 1].end, speakers };
  if (speakers.length > 1) {
    return { path, quote: q, status: 'crossSpeakers', coding: info, source, message: `The quote runs across speakers (${speakers.join(', ')}) in ${c.doc}; a quote must be one informant's words.` };
  }
  return withInformant(project, { path, quote: q, status: 'ok', coding: info, source });
}

function withInformant(project: Project, r: ResolvedQuote): ResolvedQuote {
  const speaker = r.source?.speakers[0] ?? r.coding?.informants[0];
  if (!speaker) return r;
  if (r.quote.informant === undefined || normalizeName(r.quote.informant) !== normalizeName(speaker)) {
    const named = r.quote.informant === undefined ? 'names no informant' : `names ${r.quote.informant}`;
    return { ...r, status: 'wrongInformant', expectedInformant: speaker, message: `The quote ${named}, but the words are ${speaker}'s (${r.coding?.coding.doc ?? r.source?.doc}).` };
  }
  return r;
}

function chapterWord(q: ChapterQuote, w: Word): string {
  return q.text.slice(w.start - q.textRange.start, w.end - q.textRange.start);
}

const resolvedCache = new WeakMap<Project, { version: number; byPath: Map<string, ResolvedQuote[]> }>();

/** Every quote of every chapter, resolved against the codings and transcripts (cached per version). */
export function projectQuotes(project: Project): Map<string, ResolvedQuote[]> {
  const cached = resolvedCache.get(project);
  if (cached && cached.version === project.version) return cached.byPath;
  const known = new Set(project.informantLabels().map(normalizeName));
  const byPath = new Map<string, ResolvedQuote[]>();
  for (const note of project.notes.values()) {
    if (note.role !== 'chapter') continue;
    const text = project.texts.get(note.path);
    if (text === undefined) continue;
    const list: ResolvedQuote[] = [];
    for (const q of findQuotes(text)) {
      const r = resolveQuote(project, note.path, q, known);
      if (r) list.push(r);
    }
    byPath.set(note.path, list);
  }
  resolvedCache.set(project, { version: project.version, byPath });
  return byPath;
}

export function quotesIn(project: Project, path: string): ResolvedQuote[] {
  return projectQuotes(project).get(path) ?? [];
}

/** The quote at an offset of a chapter. */
export function quoteAt(project: Project, path: string, offset: number): ResolvedQuote | undefined {
  return quotesIn(project, path).find((r) => r.quote.range.start <= offset && offset <= r.quote.range.end);
}

/** Chapters quoting a coding (by anchor). */
export function quotesOfCoding(project: Project, id: string): ResolvedQuote[] {
  const out: ResolvedQuote[] = [];
  for (const list of projectQuotes(project).values()) for (const r of list) if (r.quote.anchorId === id) out.push(r);
  return out;
}

const SEVERITY: Record<Exclude<QuoteStatus, 'ok'>, QdaDiagnostic['severity']> = {
  mismatch: 'error',
  wrongInformant: 'error',
  crossSpeakers: 'error',
  missingCoding: 'warning',
  unanchored: 'hint',
  noSource: 'warning',
};
const CODE: Record<Exclude<QuoteStatus, 'ok'>, string> = {
  mismatch: 'qda.quoteMismatch',
  wrongInformant: 'qda.quoteWrongInformant',
  crossSpeakers: 'qda.quoteCrossSpeakers',
  missingCoding: 'qda.quoteMissingCoding',
  unanchored: 'qda.quoteUnanchored',
  noSource: 'qda.quoteNoSource',
};

/** Diagnostics for every chapter quote that is not verified. */
export function quoteDiagnostics(project: Project): QdaDiagnostic[] {
  const out: QdaDiagnostic[] = [];
  for (const [path, list] of projectQuotes(project)) {
    for (const r of list) {
      if (r.status === 'ok') continue;
      const severity = r.status === 'wrongInformant' && r.quote.anchorId === undefined ? 'warning' : SEVERITY[r.status];
      out.push({ path, range: r.quote.range, severity, code: CODE[r.status], message: r.message ?? r.status, data: { id: r.quote.anchorId, informant: r.expectedInformant } });
    }
  }
  return out;
}

// ---- formatting ---------------------------------------------------------------------------

export interface FormattedQuote {
  /** The quote in the project's style with its anchor, ready to insert. */
  text: string;
  form: 'inline' | 'block';
  informant: string;
  words: number;
  doc: string;
  start: number;
  end: number;
}

/** The spoken text of a transcript range, labels, timestamps and line breaks stripped. */
export function spokenText(text: string, transcript: Transcript | undefined, start: number, end: number): { text: string; speakers: string[]; turns: SpeakerTurn[] } {
  const pieces: string[] = [];
  const speakers: string[] = [];
  const used: SpeakerTurn[] = [];
  const turns = transcript ? turnsOverlapping(transcript.turns, start, end) : [];
  if (turns.length === 0) pieces.push(text.slice(start, end));
  else {
    if (start < turns[0].start) pieces.push(text.slice(start, turns[0].start));
    for (const t of turns) {
      const s = Math.max(start, t.textStart);
      const e = Math.min(end, t.end);
      if (s >= e || !/[\p{L}\p{N}]/u.test(text.slice(s, e))) continue;
      pieces.push(text.slice(s, e));
      used.push(t);
      if (!speakers.includes(t.label)) speakers.push(t.label);
    }
  }
  const clean = pieces.join(' ').replace(TIMESTAMP, ' ').replace(/\s+/g, ' ').trim();
  return { text: clean, speakers, turns: used };
}

function render(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (all, key: string) => (key in values ? values[key] : all));
}

/** Quote marks of a style's inline template, for turning inner quotes into ‘…’. */
function marksOf(style: QuoteStyle): [string, string] | undefined {
  const m = /(.)\{text\}(.)/u.exec(style.inline);
  return m ? [m[1], m[2]] : undefined;
}

/**
 * Formats a coded segment (or the part `sub` of it) as a quote in the project's style:
 * inline below `blockFromWords` words, a block quote from there; omitted text at either
 * end is marked with the style's ellipsis; the anchor follows the quote.
 */
export function formatQuote(project: Project, id: string, sub?: OffsetRange): FormattedQuote | { error: string } {
  const info = project.codingById(id);
  if (!info) return { error: `There is no coding ${id}.` };
  const c = info.coding;
  const text = project.texts.get(c.doc);
  if (text === undefined || !info.anchored) return { error: `Coding ${id} (${c.code}) could not be placed in ${c.doc}; re-attach it before quoting it.` };
  let start = c.start;
  let end = c.end;
  if (sub) {
    start = Math.max(c.start, sub.start);
    end = Math.min(c.end, sub.end);
    if (start >= end) return { error: 'The selection is outside the coded segment.' };
  }
  const transcript = project.transcripts.get(c.doc);
  const spoken = spokenText(text, transcript, start, end);
  if (spoken.text === '') return { error: 'The selection has no words to quote.' };
  if (spoken.speakers.length > 1) return { error: `The passage runs across speakers (${spoken.speakers.join(', ')}); quote one informant at a time.` };
  const style = project.config.quoteStyle;
  const hasWords = (a: number, b: number): boolean => sourceWords(text, transcript, a, b).length > 0;
  let body = spoken.text;
  const words = countWords(body);
  const form: 'inline' | 'block' = words >= style.blockFromWords ? 'block' : 'inline';
  if (form === 'inline') {
    const marks = marksOf(style);
    if (marks && marks[0] !== marks[1]) body = body.split(marks[0]).join('‘').split(marks[1]).join('’');
  }
  if (start > c.start && hasWords(c.start, start)) body = `${style.ellipsis} ${body}`;
  if (end < c.end && hasWords(end, c.end)) body = `${body} ${style.ellipsis}`;
  const informant = spoken.speakers[0] ?? info.informants[0] ?? '';
  const values = { text: body, informant, code: c.code, doc: c.doc, timestamp: spoken.turns[0]?.timestamp ?? '' };
  const rendered = render(form === 'block' ? style.block : style.inline, values).replace(/\s+$/, '');
  return { text: `${rendered}<!--qda:${c.id}-->`, form, informant, words, doc: c.doc, start, end };
}

/** The text to insert at `offset` of a chapter: block quotes get paragraphs of their own. */
export function quoteInsertText(chapter: string, offset: number, q: Pick<FormattedQuote, 'text' | 'form'>): string {
  if (q.form === 'inline') {
    const before = chapter[offset - 1];
    const after = chapter[offset];
    const lead = before !== undefined && !/\s/.test(before) ? ' ' : '';
    const trail = after !== undefined && /[\p{L}\p{N}]/u.test(after) ? ' ' : '';
    return `${lead}${q.text}${trail}`;
  }
  const beforeText = chapter.slice(0, offset);
  const afterText = chapter.slice(offset);
  const lead = beforeText === '' || beforeText.endsWith('\n\n') ? '' : beforeText.endsWith('\n') ? '\n' : '\n\n';
  const trail = afterText === '' ? '\n' : afterText.startsWith('\n\n') ? '' : afterText.startsWith('\n') ? '\n' : '\n\n';
  return `${lead}${q.text}${trail}`;
}

// ---- quick fixes --------------------------------------------------------------------------

export interface QuoteFix {
  title: string;
  /** The diagnostic code the fix answers. */
  code: string;
  path: string;
  edits: OffsetEdit[];
  preferred?: boolean;
}

/** The quick fixes for the quotes of a chapter that overlap a range, computed from the current text. */
export function quoteFixes(project: Project, path: string, range: OffsetRange): QuoteFix[] {
  const out: QuoteFix[] = [];
  for (const r of quotesIn(project, path)) {
    const q = r.quote;
    if (q.range.end < range.start || q.range.start > range.end) continue;
    const removeAnchor = (code: string): void => {
      if (q.anchorRange) out.push({ title: 'Remove the quote’s source anchor', code, path, edits: [{ ...q.anchorRange, newText: '' }] });
    };
    switch (r.status) {
      case 'mismatch': {
        const fresh = r.coding ? sourceTextOf(project, r.coding.coding, q) : undefined;
        if (fresh !== undefined) out.push({ title: 'Update the quote from its source', code: 'qda.quoteMismatch', path, edits: [{ ...q.textRange, newText: fresh }], preferred: true });
        removeAnchor('qda.quoteMismatch');
        break;
      }
      case 'wrongInformant': {
        const who = r.expectedInformant!;
        const edit: OffsetEdit = q.informantRange ? { ...q.informantRange, newText: who } : { start: q.textRange.end + (q.close?.length ?? 0), end: q.textRange.end + (q.close?.length ?? 0), newText: ` (${who})` };
        out.push({ title: `Change the informant to ${who}`, code: 'qda.quoteWrongInformant', path, edits: [edit], preferred: true });
        break;
      }
      case 'crossSpeakers':
        removeAnchor('qda.quoteCrossSpeakers');
        break;
      case 'missingCoding':
        removeAnchor('qda.quoteMissingCoding');
        break;
      case 'unanchored':
        for (const cand of r.candidates ?? []) {
          out.push({ title: `Link the quote to coding '${cand.coding.code}' (${cand.coding.coder}, ${cand.coding.id})`, code: 'qda.quoteUnanchored', path, edits: [{ start: q.range.end, end: q.range.end, newText: `<!--qda:${cand.coding.id}-->` }], preferred: (r.candidates ?? []).length === 1 });
        }
        break;
      default:
        break;
    }
  }
  return out;
}

/** The coding's current words, cleaned for the quote's form (one line, inner quote marks swapped). */
function sourceTextOf(project: Project, c: Coding, q: ChapterQuote): string | undefined {
  const info = project.codingById(c.id);
  const text = project.texts.get(c.doc);
  let body: string;
  if (info?.anchored && text !== undefined) body = spokenText(text, project.transcripts.get(c.doc), c.start, c.end).text;
  else body = c.exact.replace(TIMESTAMP, ' ').replace(/\s+/g, ' ').trim();
  if (body === '') return undefined;
  if (q.open && q.close && q.open !== q.close) body = body.split(q.open).join('‘').split(q.close).join('’');
  return body;
}

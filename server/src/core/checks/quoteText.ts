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
//
// This module is the text half: quotes and words as they are written, no project. The
// project half is quoteResolve.ts (each quote against the codings and transcripts, and the
// diagnostics); quotes.ts formats new quotes and offers the quick fixes.
import type { OffsetRange, SpeakerTurn, Transcript } from '../model/model';
import { turnsOverlapping } from '../parse/transcript';
import { countWords } from '../text/text';

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
export const TIMESTAMP = /\[\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\]/g;

function norm(w: string): string {
  return w.normalize('NFC').toLocaleLowerCase('nb').replace(/’/g, "'").replace(/['\-]+$/, '');
}

export function sourceWordsOf(text: string, from: number, to: number, speaker: string | undefined, out: Word[]): void {
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

// Transcripts are scanned line by line, never run through remark: on a 5M-word corpus a
// regex scan takes ~0.13 s where remark takes ~11 s (DESIGN.md, speed facts).
import { parse as parseYaml } from 'yaml';
import type { QdaDiagnostic, SpeakerTurn, Transcript } from './model';
import { basename, countWords, intern, stripExtension } from './text';
import { GROUP_LABELS } from './import/common';
import { spliceText, type TextSource } from './pieceText';

// Several speakers at once ("Flere") or an unknown one: neither interviewer nor informant.
const GROUP_LABEL_SET = new Set(GROUP_LABELS.map((l) => l.toLowerCase()));

// `**Label:**` (Markdown) at the start of a paragraph, optional `[hh:mm:ss]` after it.
const MD_TURN = /^\*\*([^*\n]{1,60}?):\*\*[ \t]*(?:\[(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)\][ \t]*)?/;
// `Label: text` (plain text): a short label of at most four words, then text on the same line.
const TXT_TURN = /^([\p{L}\p{N}][\p{L}\p{N}._\- ]{0,39}?):[ \t]+(?:\[(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)\][ \t]*)?(?=\S)/u;

export interface ScannedTranscript {
  transcript: Transcript;
  diagnostics: QdaDiagnostic[];
}

/** Finds the YAML frontmatter block; returns the offset where the body starts. */
export function splitFrontmatter(text: string): { yaml?: string; yamlStart: number; bodyStart: number } {
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (!text.startsWith('---', bom)) return { yamlStart: 0, bodyStart: bom };
  const firstEol = text.indexOf('\n', bom);
  if (firstEol === -1 || text.slice(bom, firstEol).trim() !== '---') return { yamlStart: 0, bodyStart: bom };
  const re = /^(---|\.\.\.)[ \t]*\r?$/gm;
  re.lastIndex = firstEol + 1;
  const close = re.exec(text);
  if (!close) return { yamlStart: 0, bodyStart: bom };
  let bodyStart = close.index + close[0].length;
  if (text[bodyStart] === '\n') bodyStart++;
  return { yaml: text.slice(firstEol + 1, close.index), yamlStart: firstEol + 1, bodyStart };
}

export function scanTranscript(path: string, text: string, interviewers: readonly string[]): ScannedTranscript {
  const diagnostics: QdaDiagnostic[] = [];
  const { yaml, yamlStart, bodyStart } = splitFrontmatter(text);
  let frontmatter: Record<string, unknown> = {};
  if (yaml !== undefined) {
    try {
      const parsed = parseYaml(yaml) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) frontmatter = parsed as Record<string, unknown>;
    } catch (err) {
      diagnostics.push({
        path,
        range: { start: yamlStart, end: yamlStart + yaml.length },
        severity: 'warning',
        code: 'qda.frontmatterParse',
        message: `The frontmatter does not parse: ${(err as Error).message.split('\n')[0]}`,
      });
    }
  }
  const isMarkdown = !path.endsWith('.txt');
  const turnRe = isMarkdown ? MD_TURN : TXT_TURN;
  const turns: SpeakerTurn[] = [];
  const interviewerSet = new Set(interviewers.map((s) => s.toLowerCase()));
  const informantSet = new Set<string>();

  // Paragraphs: runs of non-blank lines. A turn starts at a paragraph start and runs until
  // the next paragraph that starts a turn (so a turn may span several paragraphs).
  let pos = bodyStart;
  let atParagraphStart = true;
  let current: SpeakerTurn | undefined;
  let lastContentEnd = bodyStart;
  const closeTurn = (): void => {
    if (!current) return;
    current.end = lastContentEnd;
    current.words = countWords(text.slice(current.textStart, current.end));
    turns.push(current);
    current = undefined;
  };
  while (pos <= text.length) {
    let eol = text.indexOf('\n', pos);
    if (eol === -1) eol = text.length;
    const lineEnd = eol > pos && text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol;
    const blank = isBlank(text, pos, lineEnd);
    if (blank) {
      atParagraphStart = true;
    } else {
      if (atParagraphStart) {
        const m = turnRe.exec(text.slice(pos, Math.min(lineEnd, pos + 200)));
        if (m) {
          closeTurn();
          const label = intern(m[1].trim());
          current = { label, start: pos, end: lineEnd, textStart: pos + m[0].length, words: 0 };
          if (m[2]) current.timestamp = intern(m[2]);
          if (!interviewerSet.has(label.toLowerCase()) && !GROUP_LABEL_SET.has(label.toLowerCase())) informantSet.add(label);
        } else if (isMarkdown && (text.charCodeAt(pos) === 35 /* # */ || text.charCodeAt(pos) === 124 /* | */)) {
          // A heading or a table ends the turn before it: it is document structure, not speech.
          closeTurn();
        }
      }
      atParagraphStart = false;
      lastContentEnd = lineEnd;
    }
    if (eol >= text.length) break;
    pos = eol + 1;
  }
  closeTurn();

  const fmInformants = frontmatter.informants;
  if (Array.isArray(fmInformants)) for (const i of fmInformants) informantSet.add(String(i));
  const title = typeof frontmatter.title === 'string' ? frontmatter.title : stripExtension(basename(path));
  const words = turns.length > 0 ? turns.reduce((n, t) => n + t.words, 0) : countWords(text.slice(bodyStart));
  return {
    transcript: { path, title, frontmatter, bodyStart, turns, words, informants: [...informantSet].sort() },
    diagnostics,
  };
}

function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/** The turns a range overlaps (binary search; turns are sorted by start). */
export function turnsOverlapping(turns: readonly SpeakerTurn[], start: number, end: number): SpeakerTurn[] {
  let lo = 0;
  let hi = turns.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (turns[mid].end <= start) lo = mid + 1;
    else hi = mid;
  }
  const out: SpeakerTurn[] = [];
  for (let i = lo; i < turns.length && turns[i].start < Math.max(end, start + 1); i++) out.push(turns[i]);
  return out;
}

/** Speakers of a coded range: the labels of the turns it overlaps, interviewers last. */
export function speakersOf(transcript: Transcript, start: number, end: number): string[] {
  const labels = new Set<string>();
  for (const t of turnsOverlapping(transcript.turns, start, end)) labels.add(t.label);
  return [...labels];
}

/** A text change in offsets of the text just before it (as anchoring.ts's TextChange). */
interface PlainChange {
  start: number;
  end: number;
  text: string;
}

// Characters whose typing or deletion can make or unmake a speaker label, a timestamp, a
// heading, a table or a paragraph break: such a change needs a rescan.
const STRUCTURAL = /[\n\r*:#|[\]]/;

/**
 * shiftTurns for one change (a keystroke): the same tests on every turn, but read-only first and
 * then the shift in place, without copying every turn's offsets out and back.
 */
function shiftTurnsOnce(transcript: Transcript, c: PlainChange, textAfter: TextSource): boolean {
  const turns = transcript.turns;
  const affected: number[] = [];
  for (let i = 0; i < turns.length; i++) {
    const t = turns[i];
    if (c.start <= t.start && c.end >= t.start) return false; // at a turn's start: the label could break
    if (t.start >= c.end) continue; // shifted below
    if (c.start >= t.textStart && c.end <= t.end) affected.push(i);
    else if (c.start < t.textStart && c.end > t.start) return false; // inside a label or timestamp
  }
  // Outside every turn's text (a blank line, a heading): typing there can merge or split
  // paragraphs.
  if (affected.length === 0) return false;
  const delta = c.text.length - (c.end - c.start);
  for (let i = 0; i < turns.length; i++) {
    const t = turns[i];
    if (t.start >= c.end) {
      t.start += delta;
      t.end += delta;
      t.textStart += delta;
    }
  }
  for (const i of affected) {
    const t = turns[i];
    t.end += delta;
    const before = t.words;
    t.words = countWords(textAfter.slice(t.textStart, t.end));
    transcript.words += t.words - before;
  }
  return true;
}

/** shiftTurns' working copy of the turns' offsets, reused (see there). */
let scratch = new Float64Array(0);

/**
 * Shifts a transcript's turns through editor changes that cannot alter its structure (the
 * common keystroke inside a turn's text), so a keystroke costs O(turns) instead of a rescan of
 * the whole transcript. Returns false, changing nothing, when a rescan is needed.
 */
export function shiftTurns(transcript: Transcript, textBefore: TextSource, changes: readonly PlainChange[], textAfter: TextSource): boolean {
  // Check every change first (each in the text as it is just before it): all or nothing.
  let text = textBefore;
  for (const c of changes) {
    if (c.start < transcript.bodyStart || STRUCTURAL.test(c.text) || STRUCTURAL.test(text.slice(c.start, c.end))) return false;
    if (changes.length > 1) text = spliceText(text, c.start, c.end, c.text);
  }
  if (changes.length === 1) return shiftTurnsOnce(transcript, changes[0], textAfter);
  // Work on copies of the offsets (start, end, textStart of turn i at 3i..3i+2; one flat
  // array, not an array per turn on every keystroke), committed only when no change touches
  // a label.
  const turns = transcript.turns;
  // One scratch buffer for every call (a fresh 55 KB typed array per keystroke in a 1 MB
  // transcript was an off-heap allocation each time, and garbage).
  if (scratch.length < turns.length * 3) scratch = new Float64Array(turns.length * 6);
  const pos = scratch;
  turns.forEach((t, i) => {
    pos[3 * i] = t.start;
    pos[3 * i + 1] = t.end;
    pos[3 * i + 2] = t.textStart;
  });
  const affected = new Set<number>();
  for (const c of changes) {
    const delta = c.text.length - (c.end - c.start);
    let inside = false;
    for (let i = 0; i < turns.length; i++) {
      const k = 3 * i;
      if (c.start <= pos[k] && c.end >= pos[k]) return false; // at a turn's start: the label could break
      if (pos[k] >= c.end) {
        pos[k] += delta;
        pos[k + 1] += delta;
        pos[k + 2] += delta;
      } else if (c.start >= pos[k + 2] && c.end <= pos[k + 1]) {
        pos[k + 1] += delta;
        affected.add(i);
        inside = true;
      } else if (c.start < pos[k + 2] && c.end > pos[k]) return false; // inside a label or timestamp
    }
    // Outside every turn's text (a blank line, a heading): typing there can merge or split
    // paragraphs.
    if (!inside) return false;
  }
  turns.forEach((t, i) => {
    t.start = pos[3 * i];
    t.end = pos[3 * i + 1];
    t.textStart = pos[3 * i + 2];
  });
  for (const i of affected) {
    const t = turns[i];
    const before = t.words;
    t.words = countWords(textAfter.slice(t.textStart, t.end));
    transcript.words += t.words - before;
  }
  return true;
}

// Transcripts are scanned line by line, never run through remark: on a 5M-word corpus a
// regex scan takes ~0.13 s where remark takes ~11 s (DESIGN.md, speed facts).
import * as l10n from '../text/l10n';
import { parse as parseYaml } from 'yaml';
import type { QdaDiagnostic, SpeakerTurn, Transcript, OffsetRange } from '../model/model';
import { basename, countWords, intern, stripExtension } from '../text/text';
import { GROUP_LABELS, labelKey, matchTurnLabel, scanTurnGrammar } from './turnGrammar';
import { spliceText, type TextSource } from '../text/pieceText';
import { yamlReason } from './yamlError';

// Several speakers at once ("Flere") or an unknown one: neither interviewer nor informant.
const GROUP_LABEL_SET = new Set(GROUP_LABELS.map((l) => l.toLowerCase()));

export interface ScannedTranscript {
  transcript: Transcript;
  diagnostics: QdaDiagnostic[];
}

/**
 * Finds the YAML frontmatter block; returns the offset where the body starts. `unterminated`
 * when the file opens a frontmatter (`---` on line 1) that no `---` or `...` line closes.
 */
export function splitFrontmatter(text: string): { yaml?: string; yamlStart: number; bodyStart: number; unterminated?: boolean } {
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (!text.startsWith('---', bom)) return { yamlStart: 0, bodyStart: bom };
  const firstEol = text.indexOf('\n', bom);
  if (firstEol === -1 || text.slice(bom, firstEol).trim() !== '---') {
    return { yamlStart: 0, bodyStart: bom, unterminated: firstEol === -1 && text.slice(bom).trim() === '---' };
  }
  const re = /^(---|\.\.\.)[ \t]*\r?$/gm;
  re.lastIndex = firstEol + 1;
  const close = re.exec(text);
  if (!close) return { yamlStart: 0, bodyStart: bom, unterminated: true };
  let bodyStart = close.index + close[0].length;
  if (text[bodyStart] === '\n') bodyStart++;
  return { yaml: text.slice(firstEol + 1, close.index), yamlStart: firstEol + 1, bodyStart };
}

/**
 * Why a file's text cannot be a transcript, judged from the text the file system decoded as
 * UTF-8 (invalid bytes became U+FFFD): UTF-16, binary, or not valid UTF-8. Undefined when fine.
 */
export function unreadableText(text: string): string | undefined {
  const sample = text.slice(0, 8192);
  const nul = sample.indexOf('\u0000');
  if (nul >= 0) {
    // UTF-16 puts a NUL beside every ASCII character; its byte-order mark is not valid UTF-8.
    let alternate = 0;
    for (let i = 0; i + 1 < sample.length; i += 2) if (sample.charCodeAt(i) === 0 || sample.charCodeAt(i + 1) === 0) alternate++;
    const pairs = Math.floor(sample.length / 2);
    if (sample.startsWith('\uFFFD\uFFFD') && pairs > 0 && alternate / pairs > 0.6) {
      return l10n.t('is UTF-16 text, which the project cannot read: save it as UTF-8 (or import it with "Thesis QDA: Import transcripts")');
    }
    return l10n.t('is a binary file, not text (it contains NUL bytes): it is not counted as a transcript');
  }
  const controls = sample.match(/[\u0001-\u0008\u000e-\u001f]/g)?.length ?? 0;
  if (sample.length > 0 && controls / sample.length > 0.01) return l10n.t('is a binary file, not text: it is not counted as a transcript');
  const bad = text.indexOf('\uFFFD');
  if (bad >= 0) return l10n.t('is not valid UTF-8 (it has bytes shown as \uFFFD): save it as UTF-8 (or import it with "Thesis QDA: Import transcripts"); it is not counted as a transcript');
  return undefined;
}

export function scanTranscript(path: string, text: string, interviewers: readonly string[]): ScannedTranscript {
  const diagnostics: QdaDiagnostic[] = [];
  const title0 = stripExtension(basename(path));
  const unreadable = unreadableText(text);
  if (unreadable !== undefined) {
    // Counted as nothing: a PNG renamed .txt has no words and no speakers.
    const eol = text.search(/[\r\n]/);
    diagnostics.push({ path, range: { start: 0, end: eol < 0 ? Math.min(text.length, 1) : eol }, severity: 'error', code: 'qda.unreadableTranscript', message: l10n.t('{0} {1}.', basename(path), unreadable) });
    return { transcript: { path, title: title0, frontmatter: {}, bodyStart: 0, turns: [], words: 0, informants: [] }, diagnostics };
  }
  const { yaml, yamlStart, bodyStart, unterminated } = splitFrontmatter(text);
  if (unterminated) {
    const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    diagnostics.push({
      path,
      range: { start: bom, end: bom + 3 },
      severity: 'warning',
      code: 'qda.frontmatterUnterminated',
      message: l10n.t('The frontmatter opened on line 1 is never closed: add a line with --- after it. Until then the whole file is read as the transcript text.'),
    });
  }
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
        message: l10n.t('The frontmatter does not parse: {0}', yamlReason(err)),
      });
    }
  }
  const isMarkdown = !path.endsWith('.txt');
  const turns: SpeakerTurn[] = [];
  const interviewerSet = new Set(interviewers.map((s) => s.toLowerCase()));
  const informantSet = new Set<string>();
  const known = new Set([...interviewers, ...GROUP_LABELS].map(labelKey));

  // The project's one turn grammar (turnGrammar.ts), as the importer reads it: a paragraph
  // that is not a turn belongs to no speaker.
  for (const b of scanTurnGrammar(text, bodyStart, { style: isMarkdown ? 'markdown' : 'any', known })) {
    if (b.kind !== 'turn') continue;
    const label = intern(b.label.trim());
    const turn: SpeakerTurn = { label, start: b.start, end: b.end, textStart: b.textStart, words: countWords(text.slice(b.textStart, b.end)) };
    if (b.timeText) turn.timestamp = intern(b.timeText);
    turns.push(turn);
    if (!interviewerSet.has(label.toLowerCase()) && !GROUP_LABEL_SET.has(label.toLowerCase())) informantSet.add(label);
  }

  const fmInformants = frontmatter.informants;
  if (Array.isArray(fmInformants)) for (const i of fmInformants) informantSet.add(String(i));
  const title = typeof frontmatter.title === 'string' ? frontmatter.title : title0;
  const words = turns.length > 0 ? turns.reduce((n, t) => n + t.words, 0) : countWords(text.slice(bodyStart));
  return {
    transcript: { path, title, frontmatter, bodyStart, turns, words, informants: [...informantSet].sort() },
    diagnostics,
  };
}

/**
 * Index of the first turn that ends after `offset` (the turn holding it, or the next one);
 * turns.length when none does. Binary search: turns are sorted and do not overlap.
 */
export function firstTurnEndingAfter(turns: readonly OffsetRange[], offset: number): number {
  let lo = 0;
  let hi = turns.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (turns[mid].end <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The turns a range overlaps (binary search; turns are sorted by start). */
export function turnsOverlapping(turns: readonly SpeakerTurn[], start: number, end: number): SpeakerTurn[] {
  const lo = firstTurnEndingAfter(turns, start);
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

/** Whether `at` is in the label part of a line that starts with a speaker label. */
function inLabel(text: TextSource, at: number, markdown: boolean): boolean {
  let ls = at;
  while (ls > 0 && text.charCodeAt(ls - 1) !== 10 && text.charCodeAt(ls - 1) !== 13) ls--;
  if (at - ls > 200) return false;
  let le = at;
  while (le < text.length && le - ls < 240 && text.charCodeAt(le) !== 10 && text.charCodeAt(le) !== 13) le++;
  const m = matchTurnLabel(text.slice(ls, le), markdown ? 'markdown' : 'any');
  return m !== undefined && at - ls <= m.textStart;
}

/** A text change in offsets of the text just before it (as anchoring/shift.ts's TextChange). */
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
  const markdown = !transcript.path.endsWith('.txt');
  for (const c of changes) {
    if (c.start < transcript.bodyStart || STRUCTURAL.test(c.text) || STRUCTURAL.test(text.slice(c.start, c.end))) return false;
    // Typing in the label of a line that is not a turn (yet) can make it one, and renaming one
    // label changes how often each occurs, which decides what is a turn (turnGrammar.ts).
    // For a keystroke the text after it is at hand: no copy of the document (issue 13.6).
    const next = changes.length === 1 ? textAfter : spliceText(text, c.start, c.end, c.text);
    if (inLabel(text, c.start, markdown) || inLabel(next, c.start, markdown)) return false;
    if (changes.length > 1) text = next;
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

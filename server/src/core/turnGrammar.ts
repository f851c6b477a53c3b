// The one turn grammar of the project: what a speaker turn looks like in a transcript, used by
// the project parser (transcript.ts) on files in the project and by the importer
// (import/text.ts, import/docx.ts, and the cue prefixes of import/vtt.ts) on files brought in.
// Before this module the two had their own regular expressions and disagreed (issue 14.1).
//
// A turn starts on a line with a speaker label:
//   `Label: text`, `Label:text`, `**Label:** text`, `**Label**: text`, indented or not,
//   with an optional `[hh:mm:ss]` timestamp before or after the label;
// the label is one to four words, each starting with a capital letter or a digit ("Intervjuer",
// "R2", "Informant A", "SPEAKER_00"), optionally followed by a parenthesised code
// ("Informant A (FL1)"). A turn runs to the end of its paragraph, or to the next line that starts
// a turn in a paragraph written one turn per line. A paragraph that does not start a turn is
// text: never part of the turn before it.
//
// Lines end with LF, CRLF or a lone CR; offsets are those of the text as given, and no line end
// is ever part of a label, a timestamp or a turn's end.
import { parseClock } from './import/common';

/** Which label forms count: Markdown transcripts use the bold forms, plain text both. */
export type LabelStyle = 'markdown' | 'any';

export interface TurnLabel {
  label: string;
  /** Seconds, when the label has a `[hh:mm:ss]` timestamp. */
  time?: number;
  /** The timestamp as written (without the brackets). */
  timeText?: string;
  /** Offset in the line where the label (or its timestamp) starts: after the indentation. */
  start: number;
  /** Offset in the line where the spoken words start. */
  textStart: number;
}

const WORD = String.raw`[\p{Lu}\p{N}][\p{L}\p{N}.'’_\-]*`;
const LABEL = String.raw`${WORD}(?: ${WORD}){0,3}(?: \([^()\n]{1,24}\))?`;
const CLOCK = String.raw`\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?`;
const LEAD = String.raw`^(?<indent>[ \t]*)(?:\[(?<before>${CLOCK})\][ \t]*)?`;
const TAIL = String.raw`(?:\[(?<after>${CLOCK})\](?:[ \t]+|$))?`;
const BOLD_LABEL = String.raw`\*\*(?<bold>${LABEL})(?::\*\*|\*\*:)`;
// After the colon: a space, the end of the line, or the words right away (`R1:Ja`) unless they
// start with a digit, which would make every clock time ("kl. 10:30") a label.
const PLAIN_LABEL = String.raw`(?<plain>${LABEL}):(?=[ \t]|$|[^\d\s/])`;
const MARKDOWN_RE = new RegExp(`${LEAD}${BOLD_LABEL}(?:[ \\t]+|$|(?=\\S))${TAIL}`, 'u');
const ANY_RE = new RegExp(`${LEAD}(?:${BOLD_LABEL}|${PLAIN_LABEL})(?:[ \\t]+|$|(?=\\S))${TAIL}`, 'u');

/** The speaker label at the start of one line (no line end in it), or undefined. */
export function matchTurnLabel(line: string, style: LabelStyle = 'any'): TurnLabel | undefined {
  // Cheap test first: transcripts are scanned on every structural edit (millions of lines).
  if (line.indexOf(':') < 0) return undefined;
  const m = (style === 'markdown' ? MARKDOWN_RE : ANY_RE).exec(line);
  if (!m) return undefined;
  const g = m.groups!;
  const before = g.before !== undefined ? parseClock(g.before) : undefined;
  const after = g.after !== undefined ? parseClock(g.after) : undefined;
  if ((g.before !== undefined && before === undefined) || (g.after !== undefined && after === undefined)) return undefined;
  const label = (g.bold ?? g.plain)!;
  return {
    label,
    time: before ?? after,
    timeText: g.before ?? g.after,
    start: g.indent!.length,
    textStart: m[0].length,
  };
}

export interface GrammarLine {
  /** Offset of the line's first character. */
  start: number;
  /** Offset just after its last character (before LF, CRLF or CR). */
  end: number;
  /** 0-based line number. */
  line: number;
}

/** The lines of text[from..] with LF, CRLF or lone-CR line ends. */
export function splitLines(text: string, from = 0): GrammarLine[] {
  const out: GrammarLine[] = [];
  let pos = from;
  let line = 0;
  for (let i = 0; i < from; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) line++;
  }
  const n = text.length;
  while (pos <= n) {
    let i = pos;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) break;
      i++;
    }
    out.push({ start: pos, end: i, line: line++ });
    if (i >= n) break;
    pos = text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
  }
  return out;
}

export interface GrammarTurn {
  kind: 'turn';
  label: string;
  time?: number;
  timeText?: string;
  /** Offset of the label (after indentation). */
  start: number;
  /** Offset where the words start. */
  textStart: number;
  /** Offset just after the turn's last character (no line end). */
  end: number;
  /** 0-based line of the label. */
  line: number;
}

export interface GrammarText {
  kind: 'text';
  start: number;
  end: number;
  /** 0-based first line. */
  line: number;
}

export type GrammarBlock = GrammarTurn | GrammarText;

export interface GrammarOptions {
  style: LabelStyle;
  /** Labels known to be speakers (interviewers, mapped speakers), compared by labelKey. */
  known?: ReadonlySet<string>;
}

/** Case- and normalisation-insensitive key for comparing labels and names. */
export function labelKey(s: string): string {
  return s.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('nb');
}

// Keys of header lines ("Dato: 12.02.2024") that are never a speaker when they occur once.
const METADATA_KEYS = new Set(
  [
    'dato', 'date', 'tid', 'time', 'klokkeslett', 'sted', 'place', 'location', 'varighet', 'duration', 'lengde', 'length',
    'deltakere', 'participants', 'transkribert av', 'transcribed by', 'transkribent', 'transcriber', 'tittel', 'title',
    'emne', 'subject', 'prosjekt', 'project', 'intervjudato', 'interview date', 'opptak', 'recording', 'fil', 'file',
  ].map(labelKey),
);
const KEY_VALUE_LINE = /^[ \t]*[^:\n]{1,40}:[ \t]+\S/;
// Headings, tables and list items are document structure, never a turn.
const STRUCTURE_LINE = /^[ \t]*(?:#{1,6}(?:[ \t]|$)|\||[-+*][ \t]|\d{1,3}[.)][ \t])/;

interface Scanned extends GrammarLine {
  para: number;
  cand?: TurnLabel;
  key?: string;
  structural: boolean;
}

/**
 * Splits text[from..] into turns and text blocks, in order. Turns:
 * - the first turn is the first line whose label occurs on at least two lines or is known, and
 *   is not in a header block of `Key: value` lines; when no label qualifies, the first labelled
 *   line that is not a metadata key ("Dato:") — so a transcript of a single turn is one turn;
 * - from there on, every paragraph that starts with a label is a turn, to the paragraph's end;
 * - in a paragraph written one turn per line (a line after its first starts with a label that
 *   occurs twice or is known), every labelled line starts a turn.
 * Everything else is text, kept in its own block.
 */
export function scanTurnGrammar(text: string, from: number, options: GrammarOptions): GrammarBlock[] {
  const known = options.known ?? new Set<string>();
  const lines: Scanned[] = [];
  let para = -1;
  let prevBlank = true;
  for (const l of splitLines(text, from)) {
    if (isBlank(text, l.start, l.end)) {
      prevBlank = true;
      continue;
    }
    if (prevBlank) para++;
    prevBlank = false;
    const s: Scanned = { ...l, para, structural: false };
    const head = text.slice(l.start, Math.min(l.end, l.start + 240));
    if (STRUCTURE_LINE.test(head)) s.structural = true;
    else {
      const cand = matchTurnLabel(head, options.style);
      if (cand) {
        s.cand = cand;
        s.key = labelKey(cand.label);
      }
    }
    lines.push(s);
  }
  if (lines.length === 0) return [];

  const frequency = new Map<string, number>();
  for (const l of lines) if (l.key !== undefined) frequency.set(l.key, (frequency.get(l.key) ?? 0) + 1);
  const established = (l: Scanned): boolean => l.key !== undefined && ((frequency.get(l.key) ?? 0) >= 2 || known.has(l.key));

  // Paragraph ranges, and which are header blocks of `Key: value` lines with distinct keys, under
  // a title line or not (a block written one turn per line repeats its labels).
  const paraStart: number[] = [];
  lines.forEach((l, i) => {
    if (paraStart[l.para] === undefined) paraStart[l.para] = i;
  });
  const paraEnd = (p: number): number => (p + 1 < paraStart.length ? paraStart[p + 1]! : lines.length);
  let lastLabelledPara = -1;
  for (const l of lines) if (l.cand) lastLabelledPara = l.para;
  const metadata = new Set<number>();
  for (let p = 0; p < paraStart.length; p++) {
    let a = paraStart[p]!;
    const b = paraEnd(p);
    // A title line may head the block ("FOKUSGRUPPE 2\nDato: …\nSted: …").
    if (!KEY_VALUE_LINE.test(text.slice(lines[a]!.start, lines[a]!.end))) a++;
    if (b - a < 2 || p === lastLabelledPara) continue;
    const keys = new Set<string>();
    let all = true;
    let speakersOnly = true;
    for (let i = a; i < b && all; i++) {
      const t = text.slice(lines[i]!.start, lines[i]!.end);
      if (!KEY_VALUE_LINE.test(t)) all = false;
      else keys.add(labelKey(t.slice(0, t.indexOf(':'))));
      if (!established(lines[i]!)) speakersOnly = false;
    }
    // Turns one per line name speakers that speak elsewhere too; a header has a key that does not.
    if (all && keys.size === b - a && !speakersOnly) metadata.add(p);
  }

  // A line inside a paragraph is the first turn only when the paragraph is written one turn per
  // line (two labelled lines that qualify); a lone "Moderator: M" in a header block is not.
  const perPara = new Uint32Array(paraStart.length);
  for (const l of lines) if (established(l)) perPara[l.para]!++;
  let first = lines.findIndex((l, i) => established(l) && !metadata.has(l.para) && (i === paraStart[l.para] || perPara[l.para]! >= 2));
  if (first < 0) first = lines.findIndex((l) => l.key !== undefined && !metadata.has(l.para) && !METADATA_KEYS.has(l.key));
  if (first < 0) first = lines.length;

  const isTurn = new Uint8Array(lines.length);
  for (let p = 0; p < paraStart.length; p++) {
    const a = paraStart[p]!;
    const b = paraEnd(p);
    if (lines[a]!.structural) continue;
    let perLine = false;
    for (let i = a + 1; i < b; i++) if (i >= first && established(lines[i]!)) perLine = true;
    for (let i = a; i < b; i++) {
      if (i < first || !lines[i]!.cand) continue;
      if (i === a || perLine || i === first) isTurn[i] = 1;
    }
  }

  const blocks: GrammarBlock[] = [];
  for (let p = 0; p < paraStart.length; p++) {
    const a = paraStart[p]!;
    const b = paraEnd(p);
    let i = a;
    while (i < b) {
      let j = i + 1;
      while (j < b && !isTurn[j]) j++;
      const l = lines[i]!;
      const last = lines[j - 1]!;
      if (isTurn[i]) {
        const c = l.cand!;
        blocks.push({
          kind: 'turn',
          label: c.label,
          time: c.time,
          timeText: c.timeText,
          start: l.start + c.start,
          textStart: Math.min(l.start + c.textStart, l.end),
          end: last.end,
          line: l.line,
        });
      } else blocks.push({ kind: 'text', start: l.start, end: last.end, line: l.line });
      i = j;
    }
  }
  return blocks;
}

function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

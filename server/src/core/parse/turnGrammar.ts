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
const LABEL = String.raw`${WORD}(?: ${WORD}){0,3}(?: \([^()\n\r]{1,24}\))?`;
const CLOCK = String.raw`\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?`;
const LEAD = String.raw`^(?<indent>[ \t]*)(?:\[(?<before>${CLOCK})\][ \t]*)?`;
const TAIL = String.raw`(?:\[(?<after>${CLOCK})\](?:[ \t]+|$))?`;
const BOLD_LABEL = String.raw`\*\*(?<bold>${LABEL})(?::\*\*|\*\*:)`;
// After the colon: a space, the end of the line, or the words right away (`R1:Ja`) unless they
// start with a digit, which would make every clock time ("kl. 10:30") a label.
const PLAIN_LABEL = String.raw`(?<plain>${LABEL}):(?=[ \t]|$|[^\d\s/])`;
// Sticky and multiline: matched in place at a line's start in the whole text (no copy of the
// line), `$` at the line's end (LF, CR or CRLF).
const MARKDOWN_RE = new RegExp(`${LEAD}${BOLD_LABEL}(?:[ \\t]+|$|(?=\\S))${TAIL}`, 'uym');
const ANY_RE = new RegExp(`${LEAD}(?:${BOLD_LABEL}|${PLAIN_LABEL})(?:[ \\t]+|$|(?=\\S))${TAIL}`, 'uym');

/** The speaker label at the start of one line (no line end in it), or undefined. */
export function matchTurnLabel(line: string, style: LabelStyle = 'any'): TurnLabel | undefined {
  return matchTurnLabelAt(line, 0, line.length, style);
}

/** The speaker label of the line text[pos, end) (pos at a line start), offsets relative to pos. */
export function matchTurnLabelAt(text: string, pos: number, end: number, style: LabelStyle = 'any'): TurnLabel | undefined {
  // Cheap test first: transcripts are scanned on every structural edit (millions of lines).
  const colon = text.indexOf(':', pos);
  if (colon < 0 || colon >= end) return undefined;
  const re = style === 'markdown' ? MARKDOWN_RE : ANY_RE;
  re.lastIndex = pos;
  const m = re.exec(text);
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

/** Labels that stand for several people or nobody in particular: neither interviewer nor informant. */
export const GROUP_LABELS = ['Flere', 'Alle', 'Several', 'All', 'Ukjent', 'Unknown'];

/** Parses "hh:mm:ss(.fff)", "mm:ss(.fff)" with "." or "," before the fraction; undefined if malformed. */
export function parseClock(s: string): number | undefined {
  const m = /^(?:(\d+):)?([0-5]?\d):([0-5]\d)(?:[.,](\d{1,3}))?$/.exec(s.trim());
  if (!m) return undefined;
  const h = m[1] ? Number(m[1]) : 0;
  const frac = m[4] ? Number(m[4].padEnd(3, '0')) / 1000 : 0;
  return h * 3600 + Number(m[2]) * 60 + Number(m[3]) + frac;
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
const STRUCTURE_LINE = /^[ \t]*(?:#{1,6}(?:[ \t]|$)|\||[-+*][ \t]|\d{1,3}[.)][ \t])/my;

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
  // The non-blank lines, as parallel arrays (a 5M-word project has a million lines: no object
  // per line, and indexOf rather than a loop over characters when there is no CR at all).
  const starts: number[] = [];
  const ends: number[] = [];
  const lineNos: number[] = [];
  const paras: number[] = [];
  const structural: boolean[] = [];
  const cands: Array<TurnLabel | undefined> = [];
  const keyOf: Array<string | undefined> = [];
  const keys = new Map<string, string>();
  const noCr = text.indexOf('\r', from) < 0;
  let lineNo = 0;
  for (let i = 0; i < from; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) lineNo++;
  }
  let para = -1;
  let prevBlank = true;
  let pos = from;
  const n = text.length;
  while (pos <= n) {
    let end: number;
    let next: number;
    if (noCr) {
      end = text.indexOf('\n', pos);
      if (end < 0) end = n;
      next = end + 1;
    } else {
      end = pos;
      while (end < n) {
        const c = text.charCodeAt(end);
        if (c === 10 || c === 13) break;
        end++;
      }
      next = text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
    }
    if (isBlank(text, pos, end)) prevBlank = true;
    else {
      if (prevBlank) para++;
      prevBlank = false;
      let cand: TurnLabel | undefined;
      let key: string | undefined;
      STRUCTURE_LINE.lastIndex = pos;
      const isStructure = STRUCTURE_LINE.test(text);
      if (!isStructure) {
        cand = matchTurnLabelAt(text, pos, end, options.style);
        if (cand) {
          // labelKey (NFC, locale lower case) costs ~40 µs: once per distinct label, not per turn.
          key = keys.get(cand.label);
          if (key === undefined) keys.set(cand.label, (key = labelKey(cand.label)));
        }
      }
      starts.push(pos);
      ends.push(end);
      lineNos.push(lineNo);
      paras.push(para);
      structural.push(isStructure);
      cands.push(cand);
      keyOf.push(key);
    }
    lineNo++;
    if (end >= n) break;
    pos = next;
  }
  const count = starts.length;
  if (count === 0) return [];

  const frequency = new Map<string, number>();
  for (const k of keyOf) if (k !== undefined) frequency.set(k, (frequency.get(k) ?? 0) + 1);
  const established = (i: number): boolean => {
    const k = keyOf[i];
    return k !== undefined && ((frequency.get(k) ?? 0) >= 2 || known.has(k));
  };
  const lineText = (i: number): string => text.slice(starts[i]!, ends[i]!);

  // Paragraph ranges, and which are header blocks of `Key: value` lines with distinct keys, under
  // a title line or not (a block written one turn per line repeats its labels).
  const paraStart: number[] = [];
  for (let i = 0; i < count; i++) if (paraStart[paras[i]!] === undefined) paraStart[paras[i]!] = i;
  const paraEnd = (p: number): number => (p + 1 < paraStart.length ? paraStart[p + 1]! : count);
  let lastLabelledPara = -1;
  for (let i = 0; i < count; i++) if (cands[i]) lastLabelledPara = paras[i]!;
  const metadata = new Set<number>();
  for (let p = 0; p < paraStart.length; p++) {
    let a = paraStart[p]!;
    const b = paraEnd(p);
    if (b - a < 2) continue;
    // A title line may head the block ("FOKUSGRUPPE 2\nDato: …\nSted: …").
    if (!KEY_VALUE_LINE.test(lineText(a))) a++;
    if (b - a < 2 || p === lastLabelledPara) continue;
    const blockKeys = new Set<string>();
    let all = true;
    let speakersOnly = true;
    for (let i = a; i < b && all; i++) {
      const t = lineText(i);
      if (!KEY_VALUE_LINE.test(t)) all = false;
      else blockKeys.add(labelKey(t.slice(0, t.indexOf(':'))));
      if (!established(i)) speakersOnly = false;
    }
    // Turns one per line name speakers that speak elsewhere too; a header has a key that does not.
    if (all && blockKeys.size === b - a && !speakersOnly) metadata.add(p);
  }

  // A line inside a paragraph is the first turn only when the paragraph is written one turn per
  // line (two labelled lines that qualify); a lone "Moderator: M" in a header block is not.
  const perPara = new Uint32Array(paraStart.length);
  for (let i = 0; i < count; i++) if (established(i)) perPara[paras[i]!]!++;
  let first = -1;
  for (let i = 0; i < count && first < 0; i++) {
    const p = paras[i]!;
    if (established(i) && !metadata.has(p) && (i === paraStart[p] || perPara[p]! >= 2)) first = i;
  }
  for (let i = 0; i < count && first < 0; i++) {
    const k = keyOf[i];
    if (k !== undefined && !metadata.has(paras[i]!) && !METADATA_KEYS.has(k)) first = i;
  }
  if (first < 0) first = count;

  const isTurn = new Uint8Array(count);
  for (let p = 0; p < paraStart.length; p++) {
    const a = paraStart[p]!;
    const b = paraEnd(p);
    if (structural[a]) continue;
    let perLine = false;
    for (let i = a + 1; i < b; i++) if (i >= first && established(i)) perLine = true;
    for (let i = a; i < b; i++) {
      if (i < first || !cands[i]) continue;
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
      const start = starts[i]!;
      const end = ends[j - 1]!;
      if (isTurn[i]) {
        const c = cands[i]!;
        blocks.push({
          kind: 'turn',
          label: c.label,
          time: c.time,
          timeText: c.timeText,
          start: start + c.start,
          textStart: Math.min(start + c.textStart, ends[i]!),
          end,
          line: lineNos[i]!,
        });
      } else blocks.push({ kind: 'text', start, end, line: lineNos[i]! });
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

// The layouts transcription tools write into .txt and .docx (issue 22), recognised from the
// file itself — a name-and-time line that recurs, a timing line, a marker format — never
// guessed: when two layouts fit equally well, or none does, the importer asks (`--layout`).
// Each reader keeps every word, the speaker of every turn and its timestamp; a line that
// looks like the layout's own but does not parse is reported with its line.
//
// The `Label: text` layout is the project's turn grammar (core/parse/turnGrammar.ts).
import { labelKey, scanTurnGrammar, splitLines, type GrammarBlock } from '../parse/turnGrammar';
import * as l10n from '../text/l10n';
import { dateFromMetadata, type LayoutId, type ParsedSource, type SourceBlock } from './common';

export type { LayoutId };

/** What each layout is, for the import preview and the CLI summary (English; the client localises by id). */
export const LAYOUT_NAMES: Record<LayoutId, string> = {
  labels: '"Label: text" paragraphs',
  diarised: 'speaker labels from diarisation (S00:, SPEAKER_00: — noScribe, Whisper)',
  f4: 'f4transkript/f5transkript (I: text #00:00:12-3#)',
  'speaker-time': 'speaker and time on a line, the words below (Teams .docx, Otter)',
  'teams-cues': 'timing line, speaker line, words (older Teams .docx)',
  'zoom-chat': 'Zoom transcript ([Name] 10:02:03, the words below)',
  unlabelled: 'no speaker labels (each paragraph a turn of an unknown speaker)',
  webvtt: 'WebVTT captions',
  srt: 'SRT subtitles',
};

/** The layouts `--layout` accepts for .txt, .md and .docx. */
export const TEXT_LAYOUTS: LayoutId[] = ['labels', 'diarised', 'f4', 'speaker-time', 'teams-cues', 'zoom-chat', 'unlabelled'];

export function isLayoutId(s: string): s is LayoutId {
  return Object.prototype.hasOwnProperty.call(LAYOUT_NAMES, s);
}

/** Reports a problem at a 0-based line of the body (the caller turns it into a line or paragraph). */
export type Fail = (line: number, detail: string) => never;

const CLOCK = String.raw`\d{1,2}:\d{2}(?::\d{2})?`;
// `Kari Nordmann   0:03`, `Speaker 1  0:00`: a name of at most six words, two or more spaces or
// a tab, a clock, nothing else.
const SPEAKER_TIME = new RegExp(String.raw`^(?<name>[^\s:#[\]|*-][^:\t[\]]{0,59}?)(?:[ ]{2,}|[ ]*\t[ \t]*)(?<clock>${CLOCK})[ \t]*$`, 'u');
// With `--layout speaker-time` one space is enough ("Kari Nordmann 0:03"): the user said so.
const SPEAKER_TIME_LOOSE = new RegExp(String.raw`^(?<name>[^\s:#[\]|*-][^:\t[\]]{0,59}?)[ \t]+(?<clock>${CLOCK})[ \t]*$`, 'u');
const SPEAKER_TIME_NEAR = /^(?<name>[^\s:#[\]|*-][^:\t[\]]{0,59}?)(?: {2,}| *\t[ \t]*)(?<clock>\d[\d:.,]*)[ \t]*$/u;
// `0:0:0.0 --> 0:0:3.720` (older Teams), also `00:00:00.000 --> 00:00:03.720`.
const CUE_CLOCK = String.raw`\d{1,2}:\d{1,2}:\d{1,2}(?:[.,]\d{1,3})?`;
const CUE_TIMING = new RegExp(String.raw`^[ \t]*(?<from>${CUE_CLOCK})[ \t]+-->[ \t]+(?<to>${CUE_CLOCK})[ \t]*$`);
const CUE_TIMING_NEAR = /^[ \t]*\d\S*[ \t]+-->[ \t]+\S+[ \t]*$/;
// `[Kari Nordmann] 10:02:03`
const ZOOM = new RegExp(String.raw`^\[(?<name>[^\]\n]{1,60})\][ \t]+(?<clock>${CLOCK})[ \t]*$`, 'u');
const ZOOM_NEAR = /^\[[^\]\n]{1,60}\][ \t]+\S*\d\S*[ \t]*$/u;
// `#00:00:12-3#`: f4's time mark, tenths after the dash.
const F4_MARK = /#(\d{1,2}):(\d{2}):(\d{2})(?:[-.,](\d{1,3}))?#/g;
const F4_NEAR = /#\d[\d:.,-]{3,14}#/g;

/** Seconds of a clock "h:mm:ss", "m:ss", "0:0:3.720"; undefined if malformed. */
function clockSeconds(s: string): number | undefined {
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?$/.exec(s.trim());
  if (!m) return undefined;
  const mm = Number(m[2]);
  const ss = Number(m[3]);
  if (mm > 59 || ss > 59) return undefined;
  return (m[1] ? Number(m[1]) * 3600 : 0) + mm * 60 + ss + (m[4] ? Number(m[4].padEnd(3, '0')) / 1000 : 0);
}

function isName(s: string): boolean {
  const t = s.trim();
  return t !== '' && t.split(/\s+/).length <= 6 && !/[.!?,;:]$/.test(t) && /^[\p{L}\p{N}]/u.test(t);
}

interface Line {
  text: string;
  /** 0-based line in the body. */
  n: number;
}

function nonBlankLines(body: string): Line[] {
  const out: Line[] = [];
  for (const l of splitLines(body)) {
    const text = body.slice(l.start, l.end).replace(/[ \t]+$/, '');
    if (text.trim() !== '') out.push({ text, n: l.line });
  }
  return out;
}

export interface Detection {
  layout?: LayoutId;
  /** Layouts that fit, when more than one fits about as well (then `layout` is undefined). */
  candidates: LayoutId[];
}

/**
 * Recognises the layout of a text body (LF line ends): the layout whose signature line occurs
 * at least twice and at least three times as often as any other's. Undefined when none fits.
 */
export function detectLayout(body: string, known: ReadonlySet<string>): Detection {
  const lines = nonBlankLines(body);
  let speakerTime = 0;
  let cues = 0;
  let zoom = 0;
  let f4 = 0;
  // Lines that look like the layout's own but do not parse count too: the layout is recognised,
  // and its reader reports them.
  for (const l of lines) {
    const m = SPEAKER_TIME_NEAR.exec(l.text);
    if (m && isName(m.groups!.name!)) speakerTime++;
    if (CUE_TIMING_NEAR.test(l.text)) cues++;
    if (ZOOM.test(l.text) || ZOOM_NEAR.test(l.text)) zoom++;
    F4_MARK.lastIndex = 0;
    if (F4_MARK.test(l.text)) f4++;
  }
  const grammar = scanTurnGrammar(body, 0, { style: 'any', known });
  const turns = grammar.filter((b) => b.kind === 'turn') as Array<GrammarBlock & { kind: 'turn' }>;
  const labels = turns.length;
  const scores: Array<[LayoutId, number]> = [
    ['speaker-time', speakerTime],
    ['teams-cues', cues],
    ['zoom-chat', zoom],
    ['labels', f4 >= 2 ? 0 : labels],
    ['f4', f4 >= 2 && labels >= 1 ? Math.max(f4, labels) : 0],
  ];
  const fitting = scores.filter(([, n]) => n >= 2).sort((a, b) => b[1] - a[1]);
  if (fitting.length === 0) {
    // A transcript of a single turn is still a transcript in the label layout.
    return labels >= 1 ? { layout: labelLayout(turns.map((t) => t.label)), candidates: [] } : { candidates: [] };
  }
  const [best, n] = fitting[0]!;
  if (fitting.length > 1 && fitting[1]![1] * 3 > n) return { candidates: fitting.map(([id]) => id) };
  return { layout: best === 'labels' ? labelLayout(turns.map((t) => t.label)) : best, candidates: [] };
}

const DIARISED = /^(?:S\d{1,3}|SPEAKER_\d{1,3}|Speaker \d{1,3})$/i;

function labelLayout(labels: string[]): LayoutId {
  return labels.length > 0 && labels.every((l) => DIARISED.test(l.trim())) ? 'diarised' : 'labels';
}

/** Reads a body (LF line ends) in the given layout; `chosen` when the user named it (--layout). */
export function parseLayout(body: string, layout: LayoutId, known: ReadonlySet<string>, unknownLabel: string, fail: Fail, chosen = false): ParsedSource {
  switch (layout) {
    case 'speaker-time':
      return headedTurns(body, fail, (text) => {
        const m = (chosen ? SPEAKER_TIME_LOOSE : SPEAKER_TIME).exec(text);
        if (m && isName(m.groups!.name!)) return { speaker: m.groups!.name!.trim(), time: clockSeconds(m.groups!.clock!) };
        const near = SPEAKER_TIME_NEAR.exec(text);
        if (near && isName(near.groups!.name!)) return l10n.t('"{0}" looks like a speaker-and-time line, but "{1}" is not a time (expected m:ss or h:mm:ss)', text.trim(), String(near.groups!.clock));
        return undefined;
      });
    case 'zoom-chat':
      return headedTurns(body, fail, (text) => {
        const m = ZOOM.exec(text);
        if (m) return { speaker: m.groups!.name!.trim(), time: clockSeconds(m.groups!.clock!) };
        if (ZOOM_NEAR.test(text)) return l10n.t('"{0}" looks like a "[Name] hh:mm:ss" line, but the time does not parse', text.trim());
        return undefined;
      });
    case 'teams-cues':
      return teamsCues(body, fail);
    case 'f4':
      return f4(body, known, fail);
    case 'unlabelled':
      return unlabelled(body, unknownLabel);
    default:
      return labels(body, known);
  }
}

/** Text before the first turn: kept as text, its first line the title, a "Dato:" line the date. */
function header(result: ParsedSource, texts: string[]): void {
  texts.forEach((t, i) => {
    for (const line of t.split('\n')) {
      const kv = /^([^:\n]{1,40}):[ \t]*(.+)$/.exec(line);
      const date = kv ? dateFromMetadata(kv[1]!, kv[2]!) : undefined;
      if (date && !result.date) result.date = date;
    }
    if (i === 0 && !result.title) {
      const firstLine = t.split('\n')[0]!.replace(/^#+\s+/, '').trim();
      if (firstLine && !/^[^:\n]{1,40}:[ \t]*\S/.test(firstLine) && firstLine.length <= 120) result.title = firstLine;
    }
    result.blocks.push({ kind: 'text', markdown: t });
  });
}

function textOf(body: string, b: { start: number; end: number }): string {
  return body
    .slice(b.start, b.end)
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/, ''))
    .join('\n');
}

/** The `Label: text` layout: the project's turn grammar. */
function labels(body: string, known: ReadonlySet<string>): ParsedSource {
  const result: ParsedSource = { blocks: [] };
  const blocks = scanTurnGrammar(body, 0, { style: 'any', known });
  const firstTurn = blocks.findIndex((b) => b.kind === 'turn');
  header(result, blocks.slice(0, firstTurn < 0 ? blocks.length : firstTurn).map((b) => textOf(body, b)));
  if (firstTurn < 0) return result;
  for (const b of blocks.slice(firstTurn)) {
    if (b.kind === 'turn') result.blocks.push({ kind: 'turn', speaker: b.label, time: b.time, text: body.slice(b.textStart, b.end) });
    else result.blocks.push({ kind: 'text', markdown: textOf(body, b) });
  }
  return result;
}

/** f4transkript: label turns with `#hh:mm:ss-d#` marks; the first mark becomes the turn's time, no mark stays in the text. */
function f4(body: string, known: ReadonlySet<string>, fail: Fail): ParsedSource {
  for (const l of nonBlankLines(body)) {
    for (const m of l.text.matchAll(F4_NEAR)) {
      F4_MARK.lastIndex = 0;
      const exact = new RegExp(`^${F4_MARK.source}$`).exec(m[0]);
      if (!exact || clockSeconds(`${exact[1]}:${exact[2]}:${exact[3]}`) === undefined) fail(l.n, l10n.t('"{0}" looks like an f4 time mark but is not one (expected #hh:mm:ss-d#)', m[0]));
    }
  }
  const strip = (s: string): string => s.replace(F4_MARK, ' ').replace(/[ \t]+\n/g, '\n').replace(/[ \t]{2,}/g, ' ').trim();
  const parsed = labels(body, known);
  for (const b of parsed.blocks) {
    if (b.kind === 'turn') {
      F4_MARK.lastIndex = 0;
      const m = F4_MARK.exec(b.text);
      if (m) {
        const t = clockSeconds(`${m[1]}:${m[2]}:${m[3]}${m[4] ? `.${m[4]}` : ''}`);
        if (t !== undefined && b.time === undefined) b.time = t;
      }
      b.text = strip(b.text);
    } else b.markdown = strip(b.markdown);
  }
  return parsed;
}

type Head = { speaker: string; time?: number } | string | undefined;

/**
 * Layouts where a line names the speaker (and time) and the words follow on the lines below,
 * up to the next such line. A turn line with no words after it is reported.
 */
function headedTurns(body: string, fail: Fail, head: (text: string) => Head): ParsedSource {
  const result: ParsedSource = { blocks: [] };
  const lines = nonBlankLines(body);
  const before: string[] = [];
  let current: (SourceBlock & { kind: 'turn' }) | undefined;
  let currentLine = -1;
  let words = 0;
  const close = (): void => {
    if (current && words === 0) fail(currentLine, l10n.t('the speaker line "{0}" has no words after it', body.split('\n')[currentLine]!.trim()));
  };
  for (const l of lines) {
    const h = head(l.text);
    if (typeof h === 'string') fail(l.n, h);
    if (h) {
      close();
      current = { kind: 'turn', speaker: h.speaker, time: h.time, text: '' };
      currentLine = l.n;
      words = 0;
      result.blocks.push(current);
    } else if (current) {
      current.text += (current.text ? '\n' : '') + l.text.trim();
      words++;
    } else before.push(l.text);
  }
  close();
  const turns = result.blocks;
  result.blocks = [];
  if (before.length) header(result, [before.join('\n')]);
  result.blocks.push(...turns);
  return result;
}

/** Older Teams .docx: `0:0:0.0 --> 0:0:3.720`, the name, the words; one speaker's cues in a row are one turn. */
function teamsCues(body: string, fail: Fail): ParsedSource {
  const result: ParsedSource = { blocks: [] };
  const lines = nonBlankLines(body);
  const before: string[] = [];
  const cues: Array<{ n: number; time: number; rest: Line[] }> = [];
  for (const l of lines) {
    const m = CUE_TIMING.exec(l.text);
    if (m) {
      const time = clockSeconds(m.groups!.from!);
      if (time === undefined || clockSeconds(m.groups!.to!) === undefined) fail(l.n, l10n.t('malformed timing line "{0}" (expected h:m:s.f --> h:m:s.f)', l.text.trim()));
      cues.push({ n: l.n, time: time!, rest: [] });
    } else if (l.text.includes('-->')) fail(l.n, l10n.t('malformed timing line "{0}" (expected h:m:s.f --> h:m:s.f)', l.text.trim()));
    else if (cues.length) cues[cues.length - 1]!.rest.push(l);
    else before.push(l.text);
  }
  if (before.length) header(result, [before.join('\n')]);
  let last: (SourceBlock & { kind: 'turn' }) | undefined;
  for (const c of cues) {
    if (c.rest.length < 2 || !isName(c.rest[0]!.text)) {
      fail(c.rest[0]?.n ?? c.n, l10n.t("expected the speaker's name on the line after the timing line, then the words"));
    }
    const speaker = c.rest[0]!.text.trim();
    const text = c.rest.slice(1).map((l) => l.text.trim()).join('\n');
    if (last && labelKey(last.speaker) === labelKey(speaker)) last.text += '\n' + text;
    else {
      last = { kind: 'turn', speaker, time: c.time, text };
      result.blocks.push(last);
    }
  }
  return result;
}

/** No speaker labels: each paragraph is a turn of the unknown speaker (only when asked for). */
function unlabelled(body: string, unknownLabel: string): ParsedSource {
  const result: ParsedSource = { blocks: [] };
  for (const p of body.split(/\n[ \t]*\n/)) {
    if (p.trim() !== '') result.blocks.push({ kind: 'turn', speaker: unknownLabel, text: p.trim() });
  }
  return result;
}

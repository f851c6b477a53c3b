// WebVTT and SRT as Teams, Zoom, YouTube and subtitle tools write them, turned into speaker turns.
//
// The file is read line by line as the parser of mozilla/vtt.js (the reference parser of the
// browsers' WebVTT work) reads it, so that a file a browser shows imports with the same cue
// texts: a cue ends at an empty line or at a line holding "-->" (the next cue's timing), a line
// holding only spaces is cue text (YouTube writes one), a cue whose timing line is malformed is
// left out with the rest of its block. We differ on purpose in three places, each reported as a
// warning rather than silently: a cue right after the WEBVTT line (no blank line) is read, as the
// current WebVTT spec reads it; text after a blank line inside a cue (a hand-edited file) is kept
// with that cue instead of being dropped; cues out of time order are sorted into place; a line of
// spaces before a cue identifier and its timing line ends the cue (the id is no cue text).
// Timestamps are also read more leniently ("," before the fraction, 1-2 fraction digits, none).
//
// A package was considered (see the note of issue 21): vtt.js needs a window for its cue
// objects and gives no line numbers; webvtt-parser, node-webvtt and media-captions either refuse
// whole files on the first bad cue or drop them without saying where. Neither knows Zoom's
// "Name: text" convention nor merges cues into turns, which is most of the work here.
import * as l10n from '../text/l10n';
import { checkSize, decodeText, ImportError, type ParsedSource, type SourceBlock } from './common';
import { speakerPrefixes } from './cueSpeakers';

export interface RawCue {
  line: number;
  start: number;
  end: number;
  payload: string[];
}

export interface Cue {
  /** 1-based line of the timing line. */
  line: number;
  start: number;
  end: number;
  /** Speaker from a voice tag or a "Name:" prefix; undefined when the cue names nobody. */
  speaker?: string;
  text: string;
}

export interface VttParse {
  cues: Cue[];
  /** What was read differently from the file's letter, each naming its line ("file:12: …"). */
  warnings: string[];
}

/**
 * Decodes a .vtt. A file that starts with the WEBVTT signature is text by definition, so the
 * binary-file guess (share of control characters) is not applied to it: subtitle files of
 * scripts the guess does not know (vtt.js's junk_characters tests) are read as they are.
 * Everything else goes through the common checks (size, NUL, UTF-16, invalid UTF-8).
 */
export function decodeVtt(fileName: string, bytes: Uint8Array, maxBytes: number): string {
  const sig = [0x57, 0x45, 0x42, 0x56, 0x54, 0x54]; // "WEBVTT"
  const off = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const signed = sig.every((b, i) => bytes[off + i] === b);
  if (!signed || bytes.includes(0)) return decodeText(fileName, bytes, maxBytes);
  checkSize(fileName, bytes, maxBytes);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return decodeText(fileName, bytes, maxBytes); // throws the message with the bad byte's line
  }
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/** Parses a WebVTT file (already decoded, LF line endings) into cues with speakers. */
export function parseVttCues(fileName: string, text: string): Cue[] {
  return parseVtt(fileName, text).cues;
}

/** Parses a WebVTT file into cues with speakers, plus warnings; throws when it has no cue with text. */
export function parseVtt(fileName: string, text: string): VttParse {
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  if (!/^WEBVTT(?:[ \t]|$)/.test(lines[0] ?? '')) {
    throw new ImportError(fileName, l10n.t('is not a WebVTT file: the first line must be "WEBVTT"'), 1);
  }
  const found: { line: number; msg: string }[] = [];
  const warn = (line: number, msg: string): void => {
    found.push({ line, msg });
  };
  const raw: RawCue[] = [];
  let firstBadTiming: { line: number; text: string } | undefined;
  let i = 1;
  // Header: metadata lines up to the first empty line. A valid timing line here starts a cue.
  while (i < lines.length && lines[i] !== '' && parseTiming(lines[i]!) === undefined) i++;
  const n = lines.length;
  while (i < n) {
    const line = lines[i]!;
    // Between cues a line of spaces is as good as an empty one (vtt.js would take it for a cue id).
    if (line.trim() === '') {
      i++;
      continue;
    }
    if (/^(?:NOTE|STYLE|REGION)(?:[ \t]|$)/.test(line) && !line.includes('-->')) {
      // Comment, style sheet or region definition: skip the block.
      while (i < n && lines[i] !== '') i++;
      continue;
    }
    const blockStart = i;
    let timingAt = i;
    if (!line.includes('-->')) timingAt = i + 1; // a cue identifier first
    const timingLine = timingAt < n ? lines[timingAt]! : '';
    const timing = timingLine.includes('-->') ? parseTiming(timingLine) : undefined;
    if (!timing) {
      // Not a cue: vtt.js discards the block up to the next empty line.
      let end = timingAt;
      while (end < n && lines[end] !== '') end++;
      const block = lines.slice(blockStart, Math.max(end, timingAt));
      const hasArrow = block.some((l) => l.includes('-->'));
      const prev = raw[raw.length - 1];
      if (!hasArrow && prev && prev.payload.length > 0) {
        // A blank line inside a cue of a hand-edited file: the words belong to the cue before.
        prev.payload.push(...block);
        warn(blockStart + 1, l10n.t('a blank line inside the cue of line {0}; the text after it ("{1}") is kept with that cue', prev.line, truncate(block.join(' '))));
      } else if (block.some((l) => l.trim() !== '')) {
        const bad = hasArrow ? block.find((l) => l.includes('-->'))! : timingLine;
        const badLine = blockStart + block.indexOf(bad) + 1;
        if (hasArrow) firstBadTiming ??= { line: badLine, text: bad };
        warn(
          hasArrow ? badLine : blockStart + 1,
          hasArrow
            ? l10n.t('malformed cue timing "{0}" (expected hh:mm:ss.ttt --> hh:mm:ss.ttt); this cue was left out: "{1}"', truncate(bad), truncate(block.filter((l) => l !== bad).join(' ')))
            : l10n.t('a block that is not a cue (no "00:00:01.000 --> 00:00:04.000" timing line) was left out: "{0}"', truncate(block.join(' '))),
        );
      }
      i = Math.max(end, timingAt + 1);
      continue;
    }
    // Cue text: up to an empty line or a line holding "-->" (the next cue without a blank line).
    const payload: string[] = [];
    i = timingAt + 1;
    while (i < n && lines[i] !== '' && !lines[i]!.includes('-->')) {
      // A line of spaces is cue text (YouTube writes one), but a line of spaces, an identifier and
      // a timing line are a hand-edited file's blank line and the next cue: keep the id out of the text.
      if (lines[i]!.trim() === '' && i + 2 < n && lines[i + 1] !== '' && !lines[i + 1]!.includes('-->') && parseTiming(lines[i + 2]!)) break;
      payload.push(lines[i++]!);
    }
    raw.push({ line: timingAt + 1, start: timing.start, end: timing.end, payload });
  }
  const sorted = sortCues(raw, (line, msg) => warn(line, msg));
  const deduped = dropRollingRepeats(sorted);
  const cues = cuesWithSpeakers(deduped, 'vtt');
  if (!cues.some((c) => c.text !== '')) {
    if (firstBadTiming) {
      throw new ImportError(fileName, l10n.t('has no cues: "{0}" is not a cue timing (expected hh:mm:ss.ttt --> hh:mm:ss.ttt)', truncate(firstBadTiming.text)), firstBadTiming.line);
    }
    throw new ImportError(fileName, raw.length === 0 ? l10n.t('has no cues (no "00:00:01.000 --> 00:00:04.000" timing line after the WEBVTT header)') : l10n.t('has no cues with text (every cue is empty)'));
  }
  // In the order of the file's lines (a stable sort keeps two warnings of one line in order).
  const warnings = found.sort((a, b) => a.line - b.line).map((w) => `${fileName}:${w.line}: ${w.msg}`);
  return { cues, warnings };
}

/** "00:01.000 --> 00:02.000 settings": start and end in seconds, or undefined. */
export function parseTiming(line: string): { start: number; end: number } | undefined {
  let rest = line.replace(/^\s+/, '');
  const a = timestampAt(rest);
  if (!a) return undefined;
  rest = rest.slice(a.length).replace(/^\s+/, '');
  if (!rest.startsWith('-->')) return undefined;
  rest = rest.slice(3).replace(/^\s+/, '');
  const b = timestampAt(rest);
  if (!b) return undefined;
  return { start: a.seconds, end: b.seconds };
}

/**
 * A timestamp at the start of `s` as vtt.js reads it: "[h+:]mm:ss.ttt", digits of the fraction
 * beyond three and cue settings right after it are allowed; the timestamp runs up to the first
 * space, letter or "-". Leniently also "," before the fraction, one or two fraction digits, or none.
 */
function timestampAt(s: string): { seconds: number; length: number } | undefined {
  const m = /^(\d+):(\d{2})(?::(\d{2}))?(?:([.,])(\d{1,3}))?/.exec(s);
  if (!m) return undefined;
  const length = /^[^\sa-zA-Z-]+/.exec(s)![0].length;
  const strict = m[4] === '.' && m[5]!.length === 3;
  const token = s.slice(0, length);
  // Lenient forms must be the whole token (so "00:00:00.0000" is not read as something else).
  if (!strict && !/^\d+:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?$/.test(token)) return undefined;
  const frac = m[5] ? Number(m[5].padEnd(3, '0')) / 1000 : 0;
  let seconds: number;
  if (m[3] !== undefined) seconds = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  else if (Number(m[1]) > 59) seconds = Number(m[1]) * 3600 + Number(m[2]) * 60; // vtt.js: hours:minutes
  else seconds = Number(m[1]) * 60 + Number(m[2]);
  return { seconds: seconds + frac, length };
}

/**
 * Cues in start-time order. A cue that starts before the one above it (a hand-edited or merged
 * file) is moved into place and reported: merging it into the turn above would give words to
 * the wrong speaker.
 */
function sortCues(raw: RawCue[], warn: (line: number, msg: string) => void): RawCue[] {
  let maxStart = -Infinity;
  let maxLine = 0;
  let unordered = false;
  for (const c of raw) {
    if (c.start < maxStart) {
      unordered = true;
      warn(c.line, l10n.t('this cue starts at {0}, before the cue of line {1} ({2}); it was moved into time order', clock(c.start), maxLine, clock(maxStart)));
    } else {
      maxStart = c.start;
      maxLine = c.line;
    }
  }
  return unordered ? raw.map((c, k) => ({ c, k })).sort((x, y) => x.c.start - y.c.start || x.k - y.k).map((x) => x.c) : raw;
}

function clock(seconds: number): string {
  const s = Math.floor(seconds);
  return `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}.${String(Math.round((seconds - s) * 1000)).padStart(3, '0')}`;
}

/**
 * Rolling captions (YouTube's automatic captions) repeat the last line of each cue as the first
 * line of the next while the text scrolls, and add 10 ms cues that repeat the whole text. When
 * the file is written like that — at least three cues, a third or more of them starting with
 * the previous cue's last line — each line is kept once. Lines compare after tags are removed
 * (the first showing has word timestamps, the repeat has none).
 */
export function dropRollingRepeats(raw: RawCue[]): RawCue[] {
  // Each cue's lines that show text, with their tag-free form for comparing.
  const cleaned = raw.map((c) => c.payload.map((l) => ({ line: l, text: cleanCueText(l, 'vtt') })).filter((l) => l.text !== ''));
  let repeats = 0;
  let candidates = 0;
  for (let k = 1; k < cleaned.length; k++) {
    const prev = cleaned[k - 1]!;
    const cur = cleaned[k]!;
    // A rolling window shows two lines or more; one-line cues repeating ("Ja." "Ja.") are speech.
    if (prev.length === 0 || cur.length === 0 || (prev.length < 2 && cur.length < 2)) continue;
    candidates++;
    if (cur[0]!.text === prev[prev.length - 1]!.text) repeats++;
  }
  if (repeats < 2 || repeats * 2 < candidates) return raw;
  let shown: string[] = []; // the lines on screen before this cue
  return raw.map((c, k) => {
    const cur = cleaned[k]!;
    // The longest run of lines at the end of what was shown that this cue starts with.
    let overlap = 0;
    // A rolling window is two or three lines; looking no further keeps a huge cue linear.
    for (let len = Math.min(shown.length, cur.length, 3); len > 0; len--) {
      if (shown.slice(shown.length - len).every((l, j) => l === cur[j]!.text)) {
        overlap = len;
        break;
      }
    }
    if (cur.length > 0) shown = cur.map((l) => l.text);
    return overlap === 0 ? c : { ...c, payload: cur.slice(overlap).map((l) => l.line) };
  });
}

export function truncate(s: string): string {
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

/**
 * Finds each cue's speaker: a `<v Name>` voice tag (Teams, YouTube), else a `Name: ` prefix
 * (Zoom, subtitle tools) when it looks like a speaker (see cueSpeakers.ts), else none (the cue
 * continues the previous speaker).
 */
export function cuesWithSpeakers(raw: RawCue[], format: 'vtt' | 'srt' = 'srt'): Cue[] {
  const pieces: { line: number; start: number; end: number; voice?: string; text: string }[] = [];
  for (const r of raw) {
    for (const seg of splitVoices(r.payload.join('\n'))) {
      pieces.push({ line: r.line, start: r.start, end: r.end, voice: seg.voice, text: cleanCueText(seg.text, format) });
    }
  }
  const prefixOf = speakerPrefixes(pieces.filter((p) => p.voice === undefined && p.text !== '').map((p) => p.text));
  return pieces.map((p) => {
    let speaker = p.voice;
    let text = p.text;
    if (speaker === undefined && text !== '') {
      const pre = prefixOf(text);
      if (pre) {
        speaker = pre.name;
        text = pre.rest;
      }
    }
    return { line: p.line, start: p.start, end: p.end, speaker, text };
  });
}

/** Splits a cue payload at voice spans: `<v Name>…</v>`, `<v.loud Name>…`. */
function splitVoices(payload: string): { voice?: string; text: string }[] {
  // Bounded, so that a cue of many unclosed "<v " cannot take quadratic time.
  const re = /<v(?:\.[^\s>]{0,100})?(?:[ \t]+([^>]{0,200}))?>/g;
  const out: { voice?: string; text: string }[] = [];
  let last = 0;
  let voice: string | undefined;
  let m: RegExpExecArray | null;
  while ((m = re.exec(payload))) {
    const before = payload.slice(last, m.index);
    if (before.trim() !== '' || out.length > 0 || voice !== undefined) out.push({ voice, text: before });
    voice = decodeEntities(m[1] ?? '').trim() || undefined;
    last = re.lastIndex;
  }
  out.push({ voice, text: payload.slice(last) });
  return out.filter((s, i) => i === out.length - 1 || s.text.trim() !== '' || s.voice !== undefined);
}

/**
 * The text of cue markup, joined to one line. WebVTT: every tag is removed up to the next ">"
 * (or the end of the cue: an unclosed "<v It's…" is all tag, as browsers read it), then
 * entities are decoded; direction marks (&lrm; &rlm;) are kept. SRT: only the tags subtitle
 * tools write (font, i, b, u, ASS {\…}), since "<" in SRT text is usually text.
 */
export function cleanCueText(text: string, format: 'vtt' | 'srt' = 'srt'): string {
  const stripped =
    format === 'vtt'
      ? text.replace(/<[^>]*(?:>|$)/g, '')
      : text
          .replace(/<\/?(?:v|c|i|b|u|ruby|rt|lang|font|span)(?:[.\s][^>]*)?>/gi, '')
          .replace(/<\d{1,2}:\d{2}(?::\d{2})?\.\d{3}>/g, '')
          .replace(/\{\\[^}]*\}/g, '');
  // Only runs that are not already one space are replaced: far fewer matches on long text.
  return decodeEntities(stripped).replace(/(?: \s|[^\S ])\s*/g, ' ').trim();
}

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', lrm: '\u200e', rlm: '\u200f', laquo: '«', raquo: '»',
  ndash: '–', mdash: '—', hellip: '…', rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“', aelig: 'æ', AElig: 'Æ',
  oslash: 'ø', Oslash: 'Ø', aring: 'å', Aring: 'Å', eacute: 'é', auml: 'ä', ouml: 'ö', uuml: 'ü', Auml: 'Ä', Ouml: 'Ö', Uuml: 'Ü',
};

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[A-Za-z]+);/g, (all, ent: string) => {
    if (ent[0] === '#') {
      const cp = ent[1] === 'x' || ent[1] === 'X' ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : all;
    }
    return NAMED[ent] ?? all;
  });
}

/**
 * Merges cues into turns: consecutive cues of one speaker become one turn with the start time of
 * its first cue; cues naming nobody continue the previous turn. When no cue names a speaker at
 * all, a pause of two seconds or more starts a new paragraph, labelled `unknownLabel`.
 */
export function cuesToSource(cues: Cue[], unknownLabel: string): ParsedSource {
  const blocks: (SourceBlock & { kind: 'turn' })[] = [];
  let prevEnd = -Infinity;
  for (const cue of cues) {
    if (cue.text === '') {
      prevEnd = Math.max(prevEnd, cue.end);
      continue; // empty cue: nothing said
    }
    const last = blocks[blocks.length - 1];
    const speaker = cue.speaker ?? (last ? last.speaker : unknownLabel);
    const continues =
      last !== undefined &&
      last.speaker === speaker &&
      !(cue.speaker === undefined && speaker === unknownLabel && cue.start - prevEnd >= 2);
    if (continues) last.text += ' ' + cue.text;
    else blocks.push({ kind: 'turn', speaker, time: cue.start, text: cue.text });
    prevEnd = cue.end;
  }
  return { blocks };
}

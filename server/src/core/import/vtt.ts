// WebVTT and SRT as Teams, Zoom and subtitle tools write them, turned into speaker turns.
//
// A small parser after the WebVTT spec (https://www.w3.org/TR/webvtt1/) rather than a
// package: the maintained parsers (webvtt-parser, node-webvtt, subtitle) return cue text with
// the tags left in or stripped without their voice, and none of them knows Zoom's "Name: text"
// convention or merges cues into turns, which is most of the work here. Every word of every
// cue is kept; a block that is neither a cue nor NOTE/STYLE/REGION is an error with its line,
// never silently dropped.
import { ImportError, lineBlocks, matchTurnStart, parseClock, type ParsedSource, type SourceBlock } from './common';

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

const TIMING = /^(\S+)[ \t]+-->[ \t]+(\S+)(?:[ \t]+(.*))?$/;

/** Parses a WebVTT file (already decoded, LF line endings) into cues with speakers. */
export function parseVttCues(fileName: string, text: string): Cue[] {
  const lines = text.split('\n');
  if (!/^WEBVTT(?:[ \t]|$)/.test(lines[0] ?? '')) {
    throw new ImportError(fileName, 'is not a WebVTT file: the first line must be "WEBVTT"', 1);
  }
  let i = 1;
  // The rest of the header block (e.g. "Kind: captions", "Language: nb").
  while (i < lines.length && lines[i]!.trim() !== '') {
    if (lines[i]!.includes('-->')) break; // a cue right after the header line (lenient)
    i++;
  }
  const raw: RawCue[] = [];
  for (const { start: blockStart, block } of lineBlocks(lines, i)) {
    const first = block[0]!;
    if (/^(NOTE|STYLE|REGION)(?:[ \t]|$)/.test(first) && !first.includes('-->')) continue;
    // Optional cue identifier, then the timing line.
    let t = 0;
    if (!block[0]!.includes('-->')) t = 1;
    const timing = block[t];
    if (timing === undefined || !timing.includes('-->')) {
      throw new ImportError(fileName, `expected a cue timing line "00:00:01.000 --> 00:00:04.000" in this block, found "${truncate(block[t] ?? first)}"`, blockStart + t + 1);
    }
    const m = TIMING.exec(timing.trim());
    const start = m ? parseVttTime(m[1]!) : undefined;
    const end = m ? parseVttTime(m[2]!) : undefined;
    if (start === undefined || end === undefined) {
      throw new ImportError(fileName, `malformed cue timing "${truncate(timing)}" (expected hh:mm:ss.ttt --> hh:mm:ss.ttt)`, blockStart + t + 1);
    }
    raw.push({ line: blockStart + t + 1, start, end, payload: block.slice(t + 1) });
  }
  return cuesWithSpeakers(raw);
}

function parseVttTime(s: string): number | undefined {
  // WebVTT requires "." and three digits; be lenient with "," (SRT habits) and fewer digits.
  return /^(?:\d+:)?\d{2}:\d{2}[.,]\d{1,3}$/.test(s) || /^(?:\d+:)?\d{1,2}:\d{2}$/.test(s) ? parseClock(s) : undefined;
}

export function truncate(s: string): string {
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

/**
 * Finds each cue's speaker: a `<v Name>` voice tag (Teams, YouTube), else a `Name: ` prefix
 * (Zoom, subtitle tools) when that name begins at least two cues or the file uses prefixes
 * throughout, else none (the cue continues the previous speaker).
 */
export function cuesWithSpeakers(raw: RawCue[]): Cue[] {
  const pieces: { line: number; start: number; end: number; voice?: string; text: string }[] = [];
  for (const r of raw) {
    for (const seg of splitVoices(r.payload.join('\n'))) {
      pieces.push({ line: r.line, start: r.start, end: r.end, voice: seg.voice, text: cleanCueText(seg.text) });
    }
  }
  // "Name: text" prefixes, counted over the cues without a voice tag.
  const prefixCount = new Map<string, number>();
  const prefixOf = (text: string): { name: string; rest: string } | undefined => {
    const m = /^([^:\n<>[\]{}?!,;"«»]{1,60}?):[ \t]+(?=\S)/u.exec(text);
    if (m && /^[\p{L}\p{N}]/u.test(m[1]!) && m[1]!.trim().split(/\s+/).length <= 5) return { name: m[1]!.trim(), rest: text.slice(m[0].length) };
    const t = matchTurnStart(text); // also "**Name:**" and "Name (she/her):"-free labels
    return t && !t.time ? { name: t.label, rest: t.rest } : undefined;
  };
  let unvoiced = 0;
  for (const p of pieces) {
    if (p.voice !== undefined || p.text === '') continue;
    unvoiced++;
    const pre = prefixOf(p.text);
    if (pre) prefixCount.set(pre.name, (prefixCount.get(pre.name) ?? 0) + 1);
  }
  const prefixed = [...prefixCount.values()].reduce((a, b) => a + b, 0);
  const everyCuePrefixed = unvoiced > 0 && prefixed / unvoiced >= 0.5;
  const cues: Cue[] = [];
  for (const p of pieces) {
    let speaker = p.voice;
    let text = p.text;
    if (speaker === undefined && text !== '') {
      const pre = prefixOf(text);
      if (pre && ((prefixCount.get(pre.name) ?? 0) >= 2 || everyCuePrefixed)) {
        speaker = pre.name;
        text = pre.rest.trim();
      }
    }
    cues.push({ line: p.line, start: p.start, end: p.end, speaker, text });
  }
  return cues;
}

/** Splits a cue payload at voice spans: `<v Name>…</v>`, `<v.loud Name>…`. */
function splitVoices(payload: string): { voice?: string; text: string }[] {
  const re = /<v(?:\.[^\s>]*)?(?:[ \t]+([^>]*))?>/g;
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

/** Removes markup (class, italic, bold, underline, ruby, lang, timestamps, SRT font/ASS tags), decodes entities, joins lines. */
export function cleanCueText(text: string): string {
  return decodeEntities(
    text
      .replace(/<\/?(?:v|c|i|b|u|ruby|rt|lang|font|span)(?:[.\s][^>]*)?>/gi, '')
      .replace(/<\d{1,2}:\d{2}(?::\d{2})?\.\d{3}>/g, '')
      .replace(/\{\\[^}]*\}/g, ''),
  )
    .replace(/\s+/g, ' ')
    .trim();
}

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', lrm: '', rlm: '', laquo: '«', raquo: '»',
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

// Plain text and Markdown transcripts with `Label:` (or `**Label:**`) turns, one per paragraph.
// Whatever comes before the first turn (a title, "Dato: …" lines, a transcription key) is kept
// as a header; paragraphs after it that are not turns (headings, notes) are kept as they are.
import {
  dateFromMetadata,
  labelKey,
  matchTurnStart,
  splitFrontmatter,
  type ParsedSource,
  type SourceBlock,
} from './common';

export interface Paragraph {
  /** Markdown text of the paragraph (line breaks inside kept). */
  text: string;
  /** 1-based line where it starts, for messages. */
  line: number;
  /** A heading, table or list: never a turn. */
  structural?: boolean;
}

/** Splits text into paragraphs at blank lines. */
export function splitParagraphs(body: string, firstLine = 1): Paragraph[] {
  const out: Paragraph[] = [];
  const lines = body.split('\n');
  let cur: string[] = [];
  let start = firstLine;
  lines.forEach((line, i) => {
    if (line.trim() === '') {
      if (cur.length) out.push({ text: cur.join('\n'), line: start });
      cur = [];
    } else {
      if (!cur.length) start = firstLine + i;
      cur.push(line.replace(/[ \t]+$/, ''));
    }
  });
  if (cur.length) out.push({ text: cur.join('\n'), line: start });
  return out;
}

const KEY_VALUE_LINE = /^[^:\n]{1,40}:[ \t]*\S/;

/**
 * Turns paragraphs into blocks. The first turn is the first paragraph whose label starts at
 * least two paragraphs, or is a label the caller knows (an interviewer or a mapped speaker) —
 * so "Dato: 2024-04-09" in a header is not mistaken for a speaker. From there on every
 * labelled paragraph is a turn.
 */
export function paragraphsToSource(paragraphs: Paragraph[], knownLabels: Set<string>): ParsedSource {
  const starts = paragraphs.map((p) => (p.structural ? undefined : matchTurnStart(p.text)));
  const frequency = new Map<string, number>();
  for (const s of starts) if (s) frequency.set(labelKey(s.label), (frequency.get(labelKey(s.label)) ?? 0) + 1);
  const isMetadataBlock = (p: Paragraph): boolean => {
    const lines = p.text.split('\n');
    return lines.length >= 2 && lines.every((l) => KEY_VALUE_LINE.test(l));
  };
  let first = starts.findIndex((s, i) => {
    if (!s || isMetadataBlock(paragraphs[i]!)) return false;
    const key = labelKey(s.label);
    return (frequency.get(key) ?? 0) >= 2 || knownLabels.has(key);
  });
  if (first < 0) first = paragraphs.length;

  const result: ParsedSource = { blocks: [] };
  const blocks: SourceBlock[] = result.blocks;
  paragraphs.forEach((p, i) => {
    const s = starts[i];
    if (i < first) {
      for (const line of p.text.split('\n')) {
        const kv = /^([^:\n]{1,40}):[ \t]*(.+)$/.exec(line);
        const date = kv ? dateFromMetadata(kv[1]!, kv[2]!) : undefined;
        if (date && !result.date) result.date = date;
      }
      if (i === 0 && !result.title) {
        const firstLine = p.text.split('\n')[0]!.replace(/^#+\s+/, '').trim();
        if (firstLine && !KEY_VALUE_LINE.test(firstLine) && firstLine.length <= 120) result.title = firstLine;
      }
      blocks.push({ kind: 'text', markdown: p.text });
    } else if (s) {
      blocks.push({ kind: 'turn', speaker: s.label, time: s.time, text: s.rest });
    } else {
      blocks.push({ kind: 'text', markdown: p.text });
    }
  });
  return result;
}

/** A .txt or .md transcript (decoded, LF line endings). */
export function parseTextTranscript(fileName: string, text: string, knownLabels: Set<string>): ParsedSource {
  const { frontmatter, body, bodyLine } = splitFrontmatter(fileName, text);
  const parsed = paragraphsToSource(splitParagraphs(body, bodyLine), knownLabels);
  if (frontmatter) {
    parsed.frontmatter = frontmatter;
    // A title line in the body is not needed when the frontmatter has one.
    if (typeof frontmatter.get('title') === 'string') parsed.title = undefined;
    const date = frontmatter.get('date');
    if (typeof date === 'string') parsed.date = undefined;
  }
  return parsed;
}

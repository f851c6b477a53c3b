// [[Name]] and [[Name|shown text]] links in codebook, memos and chapters. Found with a line
// scan that skips fenced code blocks and inline code spans, so examples in backticks are
// not links.
import type { OffsetRange } from '../model/model';

export interface WikiLink {
  target: string;
  /** Range of the whole [[…]]. */
  range: OffsetRange;
  /** Range of the target text (for rename and completion). */
  targetRange: OffsetRange;
  alias?: string;
}

const LINK = /\[\[([^\[\]\n|]*)(?:\|([^\[\]\n]*))?\]\]/g;

export function findLinks(text: string): WikiLink[] {
  const links: WikiLink[] = [];
  let fence: string | undefined;
  let pos = 0;
  while (pos < text.length) {
    let eol = text.indexOf('\n', pos);
    if (eol === -1) eol = text.length;
    const line = text.slice(pos, eol);
    const fenceMatch = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fenceMatch) {
      if (fence === undefined) fence = fenceMatch[1][0];
      else if (fenceMatch[1][0] === fence) fence = undefined;
    } else if (fence === undefined && line.includes('[[')) {
      const codeSpans = inlineCodeSpans(line);
      LINK.lastIndex = 0;
      for (let m = LINK.exec(line); m; m = LINK.exec(line)) {
        const at = m.index;
        if (codeSpans.some(([s, e]) => at >= s && at < e)) continue;
        const rawTarget = m[1];
        const lead = rawTarget.length - rawTarget.trimStart().length;
        const target = rawTarget.trim();
        links.push({
          target,
          range: { start: pos + at, end: pos + at + m[0].length },
          targetRange: { start: pos + at + 2 + lead, end: pos + at + 2 + lead + target.length },
          alias: m[2]?.trim() || undefined,
        });
      }
    }
    pos = eol + 1;
  }
  return links;
}

function inlineCodeSpans(line: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  const re = /(`+)[^`]*?\1/g;
  for (let m = re.exec(line); m; m = re.exec(line)) spans.push([m.index, m.index + m[0].length]);
  return spans;
}

/** The [[ … ]] the cursor is inside, for completion (the link may still be unclosed). */
export function linkPrefixAt(text: string, offset: number): { start: number; typed: string } | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const open = before.lastIndexOf('[[');
  if (open === -1) return undefined;
  const typed = before.slice(open + 2);
  if (typed.includes(']]') || typed.includes('|')) return undefined;
  return { start: lineStart + open + 2, typed };
}

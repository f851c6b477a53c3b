// Markdown for hovers: text a user or an informant wrote, shown so that it cannot turn into
// formatting, links or images.
import { truncate } from './core/project/project';

/**
 * The start of a note as short Markdown that renders as the note does: headings become bold
 * lines, list items stay items, paragraphs stay paragraphs; links, images and emphasis keep
 * only their words (no remote image is loaded, no link can run anything), and every word is
 * escaped. At most three blocks and about 300 characters.
 */
export function noteExcerpt(text: string, maxChars = 300, maxBlocks = 3): string {
  const body = text.replace(/^\uFEFF?---\r?\n[\s\S]*?\r?\n---\r?\n/, '').replace(/^\s*#\s.*$/m, '');
  const words = (s: string): string =>
    s
      .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
      .replace(/\[\[([^\]|]+)(?:\|([^\]]+))?\]\]/g, (_, target: string, alias?: string) => alias ?? target)
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/<[^>]+>/g, '')
      .replace(/(\*\*|\*|`)(?=\S)([^*`]*?\S)\1/g, '$2')
      .replace(/(^|[^\p{L}\p{N}])(__?)(?=\S)([^_]*?\S)\2(?![\p{L}\p{N}])/gu, '$1$3')
      .replace(/\s+/g, ' ')
      .trim();
  const blocks: string[] = [];
  let used = 0;
  for (const raw of body.split(/\r?\n\s*\r?\n/)) {
    if (blocks.length >= maxBlocks || used >= maxChars) break;
    const lines = raw.split(/\r?\n/).filter((l) => l.trim() !== '');
    if (lines.length === 0) continue;
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(lines[0]);
    let block: string;
    if (heading && lines.length === 1) {
      const h = words(heading[1]);
      block = h ? `**${escapeMd(truncate(h, maxChars - used))}**` : '';
      used += h.length;
    } else if (lines.every((l) => /^\s*([-*+]|\d+[.)])\s+/.test(l))) {
      const items: string[] = [];
      for (const l of lines) {
        if (used >= maxChars) break;
        const item = words(l.replace(/^\s*([-*+]|\d+[.)])\s+/, ''));
        items.push(`- ${escapeMd(truncate(item, maxChars - used))}`);
        used += item.length;
      }
      block = items.join('\n');
    } else {
      const para = words(lines.map((l) => l.replace(/^\s{0,3}(#{1,6}|>)\s*/, '')).join(' '));
      block = para ? escapeMd(truncate(para, Math.max(20, maxChars - used))) : '';
      used += para.length;
    }
    if (block) blocks.push(block);
  }
  return blocks.join('\n\n');
}

/** Hover text is Markdown: transcript words must not turn into formatting or links. */
export function escapeMd(s: string): string {
  // Only what could become emphasis, code, links or HTML; sentence punctuation stays readable.
  return s.replace(/([\\`*_[\]<>])/g, '\\$1');
}

import { MarkupKind, type Hover, type HoverParams } from 'vscode-languageserver';
import type { ServerWorkspace } from '../workspace';
import { locate } from './locate';
import { quoteHover } from './quoteNavigation';
import type { CodebookCategory, CodebookCode } from '../core/model/model';
import { truncate } from '../core/project/project';

export function hover(ws: ServerWorkspace, params: HoverParams): Hover | null {
  const at = locate(ws, params.textDocument.uri, params.position);
  if (!at) return quoteHover(ws, params.textDocument.uri, params.position) ?? null;
  const project = ws.project;
  let value: string;
  switch (at.kind) {
    case 'link': {
      const target = project.resolveLink(at.link.target);
      if (!target) value = `**[[${escapeMd(at.link.target)}]]** resolves to no code, category or note.`;
      else if (target.kind === 'code') value = codeHover(ws, target.code);
      else if (target.kind === 'category') value = categoryHover(ws, target.category);
      else value = `**${escapeMd(target.title ?? target.path)}** · ${escapeMd(target.path)}\n\n${noteExcerpt(project.textOf(target.path) ?? '')}`;
      return { contents: { kind: MarkupKind.Markdown, value }, range: ws.toRange(at.path, at.link.range) };
    }
    case 'codeName':
      return { contents: { kind: MarkupKind.Markdown, value: codeHover(ws, at.code) }, range: ws.toRange(at.path, at.code.nameRange) };
    case 'categoryName':
      return { contents: { kind: MarkupKind.Markdown, value: categoryHover(ws, at.category) }, range: ws.toRange(at.path, at.category.nameRange) };
    case 'codedPassage': {
      const parts = at.codings.map((i) => {
        const code = project.findCode(i.coding.code);
        const desc = code?.description ? ` — ${escapeMd(code.description)}` : code ? '' : ' — *not in the codebook*';
        const who = i.informants.length > 0 ? ` · ${escapeMd(i.informants.join(', '))}` : '';
        return `**${escapeMd(i.coding.code)}**${desc}\n\ncoded by ${escapeMd(i.coding.coder)}${who}`;
      });
      const first = at.codings[0].coding;
      const start = Math.max(...at.codings.map((i) => i.coding.start));
      const end = Math.min(...at.codings.map((i) => i.coding.end));
      return { contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n---\n\n') }, range: ws.toRange(at.path, start < end ? { start, end } : { start: first.start, end: first.end }) };
    }
  }
}

function codeHover(ws: ServerWorkspace, code: CodebookCode): string {
  const project = ws.project;
  const counts = project.countsOfCode(code.name);
  const lines = [`**${escapeMd(code.name)}**${code.categoryPath.length ? ` · ${escapeMd(code.categoryPath.join(' › '))}` : ''}`];
  if (code.description) lines.push(escapeMd(code.description));
  lines.push(`${counts.codings} codings · ${counts.informants.length} informants${counts.informants.length ? ` (${escapeMd(counts.informants.join(', '))})` : ''} · coders: ${escapeMd(counts.coders.join(', ')) || '—'}`);
  const top = project.codingsOfCode(code.name).filter((i) => i.anchored).slice(0, 3);
  for (const i of top) lines.push(`> ${escapeMd(truncate(i.coding.exact, 160))} (${escapeMd(i.informants.join(', ') || i.coding.doc)})`);
  return lines.join('\n\n');
}

function categoryHover(ws: ServerWorkspace, category: CodebookCategory): string {
  const project = ws.project;
  const codes = project.codesInCategory(category);
  const codings = codes.reduce((n, c) => n + project.codingsOfCode(c.name).length, 0);
  const lines = [`**${escapeMd(category.name)}**${category.path.length > 1 ? ` · ${escapeMd(category.path.slice(0, -1).join(' › '))}` : ''}`];
  if (category.description) lines.push(escapeMd(category.description));
  lines.push(`${codes.length} codes · ${codings} codings`);
  return lines.join('\n\n');
}

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

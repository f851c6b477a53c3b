import { MarkupKind, type Hover, type HoverParams } from 'vscode-languageserver';
import type { ServerWorkspace } from '../workspace';
import { locate } from './locate';
import { quoteHover } from './quoteNavigation';
import type { CodebookCategory, CodebookCode } from '../core/model';
import { truncate } from '../core/project';

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
      else value = `**${escapeMd(target.title ?? target.path)}**\n\n${escapeMd(target.path)}\n\n${escapeMd(truncate(notePreview(project.texts.get(target.path) ?? ''), 300))}`;
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

function notePreview(text: string): string {
  return text.replace(/^---[\s\S]*?\n---\n/, '').replace(/^#.*$/m, '').trim();
}

/** Hover text is Markdown: transcript words must not turn into formatting or links. */
export function escapeMd(s: string): string {
  // Only what could become emphasis, code, links or HTML; sentence punctuation stays readable.
  return s.replace(/([\\`*_[\]<>])/g, '\\$1');
}

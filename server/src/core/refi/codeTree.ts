// The REFI code tree on its way into codebook.md, shared by the project import and the .qdc
// codebook import: codes read from <Codes> (names made unique), and written back as markdown —
// non-codable codes as headings (themes, groups), codable ones as list items.
import { escapeCodeName, uncategorisedHeading } from '../parse/codebook';
import type { Language } from '../parse/config';
import * as l10n from '../text/l10n';
import { normalizeName } from '../text/text';
import { normalizeGuid } from './guid';
import { attr, child, kids, textOf, type XNode } from './xmlRead';

export interface CodeNode {
  guid: string;
  name: string;
  codable: boolean;
  color?: string;
  description: string;
  children: CodeNode[];
}

export function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

function normalColor(c: string | undefined): string | undefined {
  if (!c) return undefined;
  const m = /^#([0-9a-f]{6}|[0-9a-f]{3})$/i.exec(c.trim());
  if (!m) return undefined;
  const hex = m[1].length === 3 ? [...m[1]].map((x) => x + x).join('') : m[1];
  return `#${hex.toLowerCase()}`;
}

export function escapeHeading(name: string): string {
  return escapeCodeName(name).replace(/#+\s*$/, (m) => m.replace(/#/g, '\\#'));
}

function escapeDescription(d: string): string {
  // A description that would start a list, heading or quote on its own line stays a paragraph.
  return /^([-*+>#]|\d+[.)])/.test(d) ? `\\${d}` : d;
}

export interface TreeContext {
  /** Normalised names already in use (in the file, or in the project a codebook merges into). */
  used: Set<string>;
  codes: Map<string, CodeNode>;
  skipped: string[];
  /** A taken name: add the parent's name, or leave the code out (its children move up a level). */
  collision: 'rename' | 'skip';
}

/** The code tree; names must be unique in codebook.md. */
export function readCodeTree(parent: XNode | undefined, ctx: TreeContext, parentName?: string): CodeNode[] {
  const out: CodeNode[] = [];
  for (const c of kids(parent, 'Code')) {
    const guid = normalizeGuid(attr(c, 'guid') ?? '');
    let name = oneLine(attr(c, 'name') ?? '') || 'Unnamed';
    const where = `Code '${attr(c, 'name') ?? ''}' {${attr(c, 'guid') ?? '?'}}`;
    if (ctx.used.has(normalizeName(name))) {
      if (ctx.collision === 'skip') {
        ctx.skipped.push(l10n.t('{0}: the name is taken; skipped (--rename imports it under another name)', where));
        out.push(...readCodeTree(c, ctx, parentName));
        continue;
      }
      const renamed = parentName ? `${name} (${parentName})` : `${name} (2)`;
      let candidate = renamed;
      for (let n = 2; ctx.used.has(normalizeName(candidate)); n++) candidate = `${renamed} ${n}`;
      ctx.skipped.push(l10n.t("{0}: the name is taken; imported as '{1}'", where, candidate));
      name = candidate;
    }
    ctx.used.add(normalizeName(name));
    const node: CodeNode = { guid, name, codable: attr(c, 'isCodable') !== 'false', color: normalColor(attr(c, 'color')), description: oneLine(textOf(child(c, 'Description'))), children: [] };
    if (guid) ctx.codes.set(guid, node);
    node.children = readCodeTree(c, ctx, name);
    out.push(node);
  }
  return out;
}

export function codeItems(nodes: readonly CodeNode[], indent: number, out: string[]): void {
  for (const n of nodes) {
    out.push(`${'  '.repeat(indent)}- **${escapeCodeName(n.name)}**${n.description ? ` — ${n.description}` : ''}`);
    codeItems(n.children, indent + 1, out);
  }
}

export function codeSection(n: CodeNode, level: number, out: string[]): void {
  out.push(`${'#'.repeat(level)} ${escapeHeading(n.name)}`);
  if (n.description) out.push(escapeDescription(n.description));
  out.push('');
  // Non-codable codes are themes and groups (headings); codable ones, codes (list items).
  const leaves = n.children.filter((c) => c.codable || level >= 6);
  if (leaves.length > 0) {
    codeItems(leaves, 0, out);
    out.push('');
  }
  for (const s of n.children) if (!leaves.includes(s)) codeSection(s, level + 1, out);
}

/** The code tree as codebook.md: non-codable codes become headings (down to H6), codable ones list items. */
export function codebookMarkdown(title: string, roots: readonly CodeNode[], language: Language): string {
  const out: string[] = [`# ${escapeHeading(oneLine(title))}`, ''];
  for (const r of roots.filter((x) => !x.codable)) codeSection(r, 2, out);
  const loose = roots.filter((r) => r.codable);
  if (loose.length > 0) {
    out.push(`## ${uncategorisedHeading(language)}`, '');
    codeItems(loose, 0, out);
    out.push('');
  }
  return out.join('\n').replace(/\n+$/, '\n');
}

// A REFI-QDA codebook (`.qdc`) into an existing project's codebook.md, merged (the default) or
// replacing it (`--replace`). Codings are never dropped: with `replace`, a code of the old
// codebook that codings still name and the .qdc lacks is kept, in the uncategorised section,
// and reported; only codes and categories nothing codes with are removed.
import { parseDocument } from 'yaml';
import { colorOf } from '../model/colors';
import { appendCodeEdit, isUncategorisedName, uncategorisedHeading } from '../parse/codebook';
import type { Codebook } from '../model/model';
import type { Language } from '../parse/config';
import * as l10n from '../text/l10n';
import { normalizeName } from '../text/text';
import { codeItems, codeSection, readCodeTree, type CodeNode } from './codeTree';
import { RefiError, child, parseRefiXml } from './xmlRead';
import { yamlReason } from '../parse/yamlError';

const MAX_DEPTH = 200;

export interface CodebookMergeResult {
  /** codebook.md after the merge. */
  text: string;
  /** Colours that differ from the names' defaults, for qda.yaml `colors:`. */
  colors: Record<string, string>;
  /** How many codes of the .qdc are in the result. */
  added: number;
  /** Names of the codes and categories the project did not have before. */
  addedNames: string[];
  /** What was not taken from the .qdc (taken names), or renamed, each naming the GUID. */
  skipped: string[];
  /** replace: names of the old codebook the .qdc defines again (its description, colour and place win). */
  replaced: string[];
  /** replace: codes the .qdc lacks that codings still name, kept; one sentence each. */
  kept: string[];
  /** replace: codes and categories of the old codebook that are gone (no coding names them). */
  removed: string[];
}

export interface CodebookMergeOptions {
  /** A taken name is imported with its parent's name added (otherwise reported and skipped). */
  rename?: boolean;
  /** The .qdc replaces the codebook; `codingCounts` (normalised name → codings) must be given. */
  replace?: boolean;
  codingCounts?: ReadonlyMap<string, number>;
  language?: Language;
  maxDepth?: number;
}

function allNames(nodes: readonly CodeNode[], out: string[] = []): string[] {
  for (const n of nodes) {
    out.push(n.name);
    allNames(n.children, out);
  }
  return out;
}

/**
 * A `.qdc` codebook merged into an existing codebook.md: new themes and groups are appended as
 * sections, new top-level codes go to the uncategorised section. A name the project already
 * uses is reported and skipped, or with `rename` imported under its parent's name added. With
 * `replace` the code sections of codebook.md are rewritten from the .qdc (see the file comment).
 */
export function mergeQdc(xml: string, what: string, codebookText: string, existing: Codebook, options: CodebookMergeOptions = {}): CodebookMergeResult {
  const language = options.language ?? 'nb';
  const doc = parseRefiXml(xml.replace(/^\uFEFF/, ''), what, options.maxDepth ?? MAX_DEPTH);
  const book = child(doc, 'CodeBook');
  if (!book) throw new RefiError(l10n.t('{0}: the root element is not <CodeBook>', what));
  const before = new Set([...existing.codes.map((c) => normalizeName(c.name)), ...existing.categories.map((c) => normalizeName(c.name))]);
  if (options.replace) return replaceCodebook(book, what, codebookText, existing, before, options.codingCounts ?? new Map(), language);
  const skipped: string[] = [];
  const codes = new Map<string, CodeNode>();
  const roots = readCodeTree(child(book, 'Codes'), { used: new Set(before), codes, skipped, collision: options.rename ? 'rename' : 'skip' });
  let text = codebookText;
  const loose = roots.filter((r) => r.codable);
  const sections = roots.filter((r) => !r.codable);
  if (loose.length > 0) {
    const items: string[] = [];
    codeItems(loose, 0, items);
    if (existing.categories.some((c) => isUncategorisedName(c.name))) {
      // Where appendCodeEdit would put one new code, the whole list goes.
      const edit = appendCodeEdit(text, existing, 'x', language);
      const block = edit.newText.replace(/- \*\*x\*\*(\n?)$/, (_m, nl: string) => items.join('\n') + nl);
      text = text.slice(0, edit.start) + block + text.slice(edit.end);
    } else sections.push({ guid: '', name: uncategorisedHeading(language), codable: false, description: '', children: loose });
  }
  if (sections.length > 0) {
    const out: string[] = [];
    for (const s of sections) codeSection(s, 2, out);
    text = text.replace(/\s*$/, text.trim() ? '\n\n' : '') + out.join('\n').replace(/\n+$/, '\n');
  }
  return { text, colors: colorsOf(codes), added: codes.size, addedNames: allNames(roots), skipped, replaced: [], kept: [], removed: [] };
}

function colorsOf(codes: ReadonlyMap<string, CodeNode>): Record<string, string> {
  const colors: Record<string, string> = {};
  for (const c of codes.values()) if (c.color && c.color !== colorOf(c.name, {})) colors[c.name] = c.color;
  return colors;
}

function replaceCodebook(book: unknown, what: string, codebookText: string, existing: Codebook, before: ReadonlySet<string>, counts: ReadonlyMap<string, number>, language: Language): CodebookMergeResult {
  const skipped: string[] = [];
  const codes = new Map<string, CodeNode>();
  // Names must be unique within the .qdc; the old codebook's names are free to be defined again.
  const roots = readCodeTree(child(book, 'Codes'), { used: new Set(), codes, skipped, collision: 'rename' });
  const incoming = allNames(roots);
  const fresh = new Set(incoming.map(normalizeName));
  if (incoming.length === 0) throw new RefiError(l10n.t('{0}: the codebook has no codes; replacing would empty codebook.md', what));

  // The title and the introduction (everything before the first category or code) stay.
  const starts = [...existing.categories.map((c) => c.range.start), ...existing.codes.map((c) => c.range.start)];
  const cut = starts.length > 0 ? Math.min(...starts) : codebookText.length;
  let head = codebookText.slice(0, cut).replace(/\s*$/, '');
  if (!head.trim()) head = `# ${language === 'en' ? 'Codebook' : 'Kodebok'}`;

  // The old codebook's entries, in file order: kept when codings name them, else removed.
  const kept: string[] = [];
  const removed: string[] = [];
  const replaced: string[] = [];
  const keptNodes: CodeNode[] = [];
  const old = [
    ...existing.categories.filter((c) => !isUncategorisedName(c.name)).map((c) => ({ name: c.name, description: c.description, line: c.line, kind: 'category' })),
    ...existing.codes.map((c) => ({ name: c.name, description: c.description, line: c.line, kind: 'code' })),
  ].sort((a, b) => a.line - b.line);
  const seen = new Set<string>();
  for (const o of old) {
    const key = normalizeName(o.name);
    if (seen.has(key)) continue;
    seen.add(key);
    if (fresh.has(key)) {
      replaced.push(o.name);
      continue;
    }
    const n = counts.get(key) ?? 0;
    if (n > 0) {
      keptNodes.push({ guid: '', name: o.name, codable: true, description: o.description.replace(/\s*\n\s*/g, ' ').trim(), children: [] });
      const where = `${existing.path}:${o.line + 1}`;
      const under = uncategorisedHeading(language);
      if (o.kind === 'code') kept.push(n === 1 ? l10n.t("code '{0}' ({1}) is not in {2} but 1 coding names it; kept under '{3}'", o.name, where, what, under) : l10n.t("code '{0}' ({1}) is not in {2} but {4} codings name it; kept under '{3}'", o.name, where, what, under, n));
      else kept.push(n === 1 ? l10n.t("category '{0}' ({1}) is not in {2} but 1 coding names it; kept under '{3}'", o.name, where, what, under) : l10n.t("category '{0}' ({1}) is not in {2} but {4} codings name it; kept under '{3}'", o.name, where, what, under, n));
    } else removed.push(o.name);
  }

  const out: string[] = [head, ''];
  for (const s of roots.filter((r) => !r.codable)) codeSection(s, 2, out);
  const loose = [...roots.filter((r) => r.codable), ...keptNodes];
  if (loose.length > 0) {
    out.push(`## ${uncategorisedHeading(language)}`, '');
    codeItems(loose, 0, out);
    out.push('');
  }
  const text = out.join('\n').replace(/\n+$/, '\n');
  return { text, colors: colorsOf(codes), added: codes.size, addedNames: incoming.filter((n) => !before.has(normalizeName(n))), skipped, replaced, kept, removed };
}

/**
 * qda.yaml with the colours set under `colors:`, edited in place (comments and order kept);
 * a qda.yaml that does not parse is never rewritten: `error` says why.
 */
export function configWithColors(configText: string, colors: Readonly<Record<string, string>>): { text?: string; error?: string } {
  if (Object.keys(colors).length === 0) return {};
  const doc = parseDocument(configText);
  if (doc.errors.length > 0) return { error: l10n.t('qda.yaml does not parse ({0}); fix it before importing colours', yamlReason(doc.errors[0])) };
  for (const [name, color] of Object.entries(colors)) doc.setIn(['colors', name], color);
  return { text: doc.toString() };
}
